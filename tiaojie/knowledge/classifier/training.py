"""What the classifier learns from: the seed examples shipped with the code and the texts staff confirmed.

The seeds (`seeds.jsonl`) were written for this project in the voices of workers, hotline operators and
mediators; no text of the evaluation set (research datasets, which may not be shipped) is among them or
paraphrased in them. Confirmed texts (`LabelledText`) weigh more than a seed: they are real cases.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tiaojie.knowledge.classifier import model as linear
from tiaojie.knowledge.classifier.evaluation import Report, cross_validate
from tiaojie.knowledge.classifier.labels import LABELS

SEEDS = Path(__file__).with_name("seeds.jsonl")
SEED_SOURCE = "seeds"
CONFIRMED_WEIGHT = 2.0


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    source: str
    weight: float = 1.0


@cache
def seeds_sha256() -> str:
    return hashlib.sha256(SEEDS.read_bytes()).hexdigest()


@cache
def seed_rows() -> tuple[Row, ...]:
    rows = []
    for n, line in enumerate(SEEDS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        if item["label"] not in LABELS:
            raise ValueError(f"{SEEDS.name}:{n}: unknown label {item['label']!r}")
        rows.append(Row(item["text"], item["label"], SEED_SOURCE))
    return tuple(rows)


def confirmed_rows() -> list[Row]:
    """Every text staff confirmed, under its main (first) label."""
    from tiaojie.knowledge.models import LabelledText

    return [
        Row(text, labels[0], source, CONFIRMED_WEIGHT)
        for text, labels, source in LabelledText.objects.order_by("pk").values_list("text", "labels", "source")
        if labels and labels[0] in LABELS and text.strip()
    ]


def counts(rows: list[Row] | tuple[Row, ...]) -> dict[str, int]:
    return dict(sorted(Counter(r.source for r in rows).items()))


def fit(rows: list[Row] | tuple[Row, ...], params: dict[str, Any] | None = None) -> linear.LinearModel:
    return linear.fit([r.text for r in rows], [r.label for r in rows], params, [r.weight for r in rows])


def cross_validated(rows: list[Row] | tuple[Row, ...], k: int = 5, params: dict[str, Any] | None = None) -> Report:
    """Accuracy and macro-F1 of models trained on k-1 folds of the rows and scored on the last one."""
    texts, labels = [r.text for r in rows], [r.label for r in rows]

    def train(indices: list[int]) -> Callable[[str], list[str]]:
        trained = fit([rows[i] for i in indices], params)
        return lambda text: ranked_labels(trained, text)

    return cross_validate(texts, labels, train, k=k)


def ranked_labels(trained: linear.LinearModel, text: str) -> list[str]:
    probs = trained.probabilities(text)
    return [trained.labels[k] for k in sorted(range(len(probs)), key=lambda k: -probs[k])]
