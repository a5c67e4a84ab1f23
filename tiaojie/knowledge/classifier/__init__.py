"""Dispute-type suggestions: the top labels of a text with the words that led to them (docs/knowledge.md).

`suggest(text)` is the one entry point for every channel (online form, hotline, assisted intake, referral API).
The model behind it (model.py) is trained from the shipped seeds and the texts staff confirmed (training.py),
stored as versioned `ClassifierModel` rows and reloaded by every process when the active version changes
(runtime.py).
A suggestion is advice for staff to confirm or correct, never a recorded fact of the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tiaojie.knowledge.classifier.keywords import KEYWORDS, keyword_hits
from tiaojie.knowledge.classifier.labels import CLAIM_TYPES, LABEL_NAMES, LABELS

if TYPE_CHECKING:
    from tiaojie.knowledge.classifier.model import LinearModel

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
    """The version of the model `suggest` uses now: "v3" (a trained row), "seeds-<hash>" (the shipped seeds)."""
    from tiaojie.knowledge.classifier import runtime

    return runtime.current().version


def suggest(text: str, *, top: int = 3) -> list[Suggestion]:
    """The `top` most likely labels of the text, most likely first, each with the words that led to it.

    The trained model scores all nine labels (the scores sum to 1); a text in which it knows no n-gram at all
    gets the keyword baseline's answer instead, and an empty text "other".
    """
    from tiaojie.knowledge.classifier import runtime

    return suggest_with(runtime.current().model, text, top=top)


def suggest_with(trained: LinearModel, text: str, *, top: int = 3) -> list[Suggestion]:
    """`suggest` with a given model (`tiaojie classify --model`, the evaluation)."""
    if not text.strip():
        return [Suggestion("other", 1.0, ())][:top]
    vec = trained.vector(text)
    if not any(vec.values()):
        return keyword_suggestions(text, top=top)
    probs = trained.probabilities(text, vec)
    ranked = sorted(range(len(probs)), key=lambda k: -probs[k])[:top]
    return [Suggestion(trained.labels[k], probs[k], trained.words(text, trained.labels[k], vec=vec)) for k in ranked]


def as_json(suggestions: list[Suggestion]) -> dict[str, Any]:
    """The suggestions as `tiaojie classify` prints them (and an API may return them)."""
    return {"labels": [{"label": s.label, "score": round(s.score, 4), "words": list(s.words)} for s in suggestions]}


def keyword_suggestions(text: str, *, top: int = 3) -> list[Suggestion]:
    """The keyword baseline as suggestions: the labels whose words occur, in the baseline's order."""
    hits = keyword_hits(text)
    ranked = [label for label in KEYWORDS if label in hits]
    if not ranked:
        return [Suggestion("other", 1.0, ())][:top]
    total = sum(len(hits[label]) for label in ranked)
    return [Suggestion(label, len(hits[label]) / total, tuple(hits[label])) for label in ranked][:top]
