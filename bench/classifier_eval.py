"""Evaluation of the dispute-type classifier on a labelled set (issue 15 item 4).

    .venv/bin/python -m bench.classifier_eval /work/shared/data/labour_questions_dev.jsonl   (or make eval-classifier)

The set is a JSON-lines file of {"text", "label"} (the project's evaluation set is research data: it is read
here by path, never copied into the repository, and no shipped model is trained on it). Prints, as Markdown:

(a) the shipped model (trained on the seeds only) on the whole set;
(b) stratified k-fold cross-validation, each fold's model trained on the seeds plus the other folds (the rows
    of the set weighted as confirmed texts are, as `tiaojie train-classifier` would after staff confirmed them);
(c) the keyword baseline (keywords.py) on the whole set;

each with accuracy, macro-F1, top-3 accuracy, per-class recall and the confusion matrix, then the time per text
of `suggest` (model, with its words) against the keyword rule's, p50/p95 over the set, in one process (one core).
`--params '{"l2": 1e-3}'` overrides the model's parameters (tuning).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from tiaojie.knowledge.classifier import keyword_suggestions, suggest_with
from tiaojie.knowledge.classifier import training as tr
from tiaojie.knowledge.classifier.evaluation import Report, report, stratified_folds
from tiaojie.knowledge.classifier.keywords import KEYWORDS, keyword_hits
from tiaojie.knowledge.classifier.labels import LABELS


def ranked(trained, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return tr.ranked_labels(trained, text)


def keyword_ranked(text: str) -> list[str]:
    hits = keyword_hits(text)
    order = [label for label in KEYWORDS if label in hits] or ["other"]
    return order + [label for label in LABELS if label not in order]


def section(title: str, r: Report) -> str:
    recall = ", ".join(f"{label} {r.recall[label]:.0%} ({r.support[label]})" for label in LABELS if label in r.recall)
    return (
        f"### {title}\n\naccuracy **{r.accuracy:.1%}**, macro-F1 **{r.macro_f1:.3f}**, top-3 accuracy "
        f"{r.top3_accuracy:.1%} (n = {r.n})\n\nrecall: {recall}\n\n{r.confusion_table()}\n"
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dev", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--params", type=json.loads, default={})
    args = parser.parse_args()
    items = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts, labels = [i["text"] for i in items], [i["label"] for i in items]
    seeds = list(tr.seed_rows())
    out = [f"## Dispute-type classifier on {args.dev.name} ({len(items)} texts, {len(seeds)} seeds)\n"]

    started = time.perf_counter()
    seed_model = tr.fit(seeds, args.params)
    train_seconds = time.perf_counter() - started
    out.append(
        section("(a) the seed model (what ships), whole set", report(labels, [ranked(seed_model, t) for t in texts]))
    )

    folds = stratified_folds(labels, args.folds, seed=0)
    cv: list[list[str]] = [[] for _ in texts]
    for f, held in enumerate(folds):
        rest = [
            tr.Row(texts[i], labels[i], "dev", tr.CONFIRMED_WEIGHT)
            for g, fold in enumerate(folds)
            if g != f
            for i in fold
        ]
        trained = tr.fit(seeds + rest, args.params)
        for i in held:
            cv[i] = ranked(trained, texts[i])
        print(f"fold {f + 1}/{args.folds} done", file=sys.stderr)
    out.append(section(f"(b) {args.folds}-fold cross-validation, seeds + the other folds", report(labels, cv)))
    out.append(section("(c) the keyword baseline, whole set", report(labels, [keyword_ranked(t) for t in texts])))

    def per_text(fn) -> list[float]:  # type: ignore[no-untyped-def]
        for t in texts[:20]:  # warm-up
            fn(t)
        times = []
        for t in texts:
            t0 = time.perf_counter()
            fn(t)
            times.append((time.perf_counter() - t0) * 1000)
        return times

    model_ms = per_text(lambda t: suggest_with(seed_model, t, top=3))
    keyword_ms = per_text(lambda t: keyword_suggestions(t, top=3))
    p50, p95 = percentile(model_ms, 0.5), percentile(model_ms, 0.95)
    k50, k95 = percentile(keyword_ms, 0.5), percentile(keyword_ms, 0.95)
    out.append(
        "### Time per text (one process)\n\n"
        f"| | p50 ms | p95 ms | max ms |\n|---|---|---|---|\n"
        f"| model `suggest` (top 3 with words) | {p50:.3f} | {p95:.3f} | {max(model_ms):.3f} |\n"
        f"| keyword baseline | {k50:.3f} | {k95:.3f} | {max(keyword_ms):.3f} |\n\n"
        f"model ÷ keywords at p95: {p95 / k95:.0f}×; median text length {statistics.median(len(t) for t in texts):.0f} "
        f"characters. Training on the {len(seeds)} seeds: {train_seconds:.1f} s; the model keeps "
        f"{len(seed_model.vocabulary)} features.\n"
    )
    print("\n".join(out))


if __name__ == "__main__":
    main()
