"""Dispute-type suggestions: the top labels of a text with the words that led to them (docs/knowledge.md).

`suggest(text)` is the one entry point for every channel (online form, hotline, assisted intake, referral API).
A suggestion is advice for staff to confirm or correct, never a recorded fact of the case.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiaojie.knowledge.classifier.keywords import KEYWORDS, keyword_hits
from tiaojie.knowledge.classifier.labels import CLAIM_TYPES, LABEL_NAMES, LABELS

__all__ = ["CLAIM_TYPES", "LABELS", "LABEL_NAMES", "Suggestion", "model_version", "suggest"]


@dataclass(frozen=True)
class Suggestion:
    label: str  # one of LABELS
    score: float  # 0..1; the scores of all labels sum to 1
    words: tuple[str, ...]  # the words of the text that led to it, strongest first

    @property
    def name(self) -> str:
        return str(LABEL_NAMES[self.label])

    @property
    def claim_types(self) -> tuple[str, ...]:
        return CLAIM_TYPES[self.label]


def model_version() -> str:
    """The version of the model `suggest` uses ("keywords" for the baseline)."""
    return "keywords"


def suggest(text: str, *, top: int = 3) -> list[Suggestion]:
    """The `top` most likely labels of the text, most likely first."""
    hits = keyword_hits(text)
    ranked = [label for label in KEYWORDS if label in hits]
    if not ranked:
        return [Suggestion("other", 1.0, ())][:top]
    total = sum(len(hits[label]) for label in ranked)
    return [Suggestion(label, len(hits[label]) / total, tuple(hits[label])) for label in ranked][:top]
