"""Measuring a classifier: stratified folds, accuracy, macro-F1, per-class recall, top-k accuracy, confusion.

Used by `tiaojie train-classifier` (cross-validation on its own training rows) and by bench/classifier_eval.py
(the evaluation set). Pure Python, deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tiaojie.knowledge.classifier.labels import LABELS


def stratified_folds(labels: Sequence[str], k: int = 5, seed: int = 0) -> list[list[int]]:
    """k lists of indices, each label spread evenly over them (a label with fewer than k rows is in fewer)."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_label[label].append(i)
    folds: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        for n, i in enumerate(indices):
            folds[(n + offset) % k].append(i)
        offset += len(indices)  # the next label starts where this one ended, so fold sizes stay even
    return folds


@dataclass
class Report:
    n: int
    accuracy: float
    macro_f1: float
    top3_accuracy: float
    recall: dict[str, float]
    support: dict[str, int]
    confusion: dict[str, dict[str, int]]  # true label → predicted label → count

    def as_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "top3_accuracy": round(self.top3_accuracy, 4),
            "recall": {k: round(v, 4) for k, v in self.recall.items()},
            "support": self.support,
        }

    def confusion_table(self) -> str:
        """The confusion matrix as a Markdown table (rows: true label, columns: predicted)."""
        head = "| true \\ predicted | " + " | ".join(LABELS) + " |"
        rule = "|---" * (len(LABELS) + 1) + "|"
        rows = [
            f"| {t} | " + " | ".join(str(self.confusion[t].get(p, 0)) for p in LABELS) + " |"
            for t in LABELS
            if self.support.get(t)
        ]
        return "\n".join([head, rule, *rows])


def report(truth: Sequence[str], ranked: Sequence[Sequence[str]]) -> Report:
    """Figures for predictions given as ranked label lists (the first is the prediction)."""
    n = len(truth)
    predicted = [r[0] for r in ranked]
    confusion: dict[str, dict[str, int]] = {label: {} for label in LABELS}
    for t, p in zip(truth, predicted, strict=True):
        confusion[t][p] = confusion[t].get(p, 0) + 1
    support = Counter(truth)
    predicted_count = Counter(predicted)
    recall, f1s = {}, []
    for label in LABELS:
        tp = confusion[label].get(label, 0)
        if support[label]:
            recall[label] = tp / support[label]
        if support[label] or predicted_count[label]:
            precision = tp / predicted_count[label] if predicted_count[label] else 0.0
            rec = tp / support[label] if support[label] else 0.0
            f1s.append(2 * precision * rec / (precision + rec) if precision + rec else 0.0)
    return Report(
        n=n,
        accuracy=sum(t == p for t, p in zip(truth, predicted, strict=True)) / n if n else 0.0,
        macro_f1=sum(f1s) / len(f1s) if f1s else 0.0,
        top3_accuracy=sum(t in r[:3] for t, r in zip(truth, ranked, strict=True)) / n if n else 0.0,
        recall=recall,
        support=dict(support),
        confusion=confusion,
    )


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    train: Callable[[list[int]], Callable[[str], list[str]]],
    *,
    k: int = 5,
    seed: int = 0,
) -> Report:
    """Stratified k-fold cross-validation: `train(indices)` returns a ranker trained on those rows."""
    folds = stratified_folds(labels, k, seed)
    ranked: list[list[str]] = [[] for _ in texts]
    for f, held_out in enumerate(folds):
        rest = [i for g, fold in enumerate(folds) if g != f for i in fold]
        rank = train(rest)
        for i in held_out:
            ranked[i] = rank(texts[i])
    return report(labels, ranked)
