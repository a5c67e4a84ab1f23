"""How a dispute-type suggestion is shown to people (docs/knowledge.md, "Suggestions at intake"): the label's
name, a plain word for how sure the classifier is, the words that led to it marked in the text, and the claim
types the label maps onto. Shared by the live hint of the intake forms, the hotline's, the public claims step
and the case page's panel; reads only, stores nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import ClaimType
from tiaojie.knowledge.classifier import CLAIM_TYPES, LABEL_NAMES

# A score is shown as one of these words, never as a number: the scores are the model's, not probabilities a
# person can rely on to two decimals. The edges are ours, chosen so that a label the baseline finds with most of
# the text's keywords reads 较可能 and one found with a single keyword among many reads 也许.
STRENGTHS: tuple[tuple[float, str | Promise], ...] = (
    (0.6, _("较可能")),
    (0.3, _("可能")),
    (0.0, _("也许")),
)

EXCERPT_CHARS = 400

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShownSuggestion:
    label: str
    name: str
    score: float
    strength: str
    words: tuple[str, ...]
    claim_types: tuple[tuple[str, str], ...]  # (ClaimType value, its label)

    @property
    def claim_type_values(self) -> str:
        """For the "use these claim types" button: the values, comma-separated."""
        return ",".join(value for value, _label in self.claim_types)


def strength_word(score: float) -> str:
    return next(str(word) for edge, word in STRENGTHS if score >= edge)


def shown(rows: list[dict[str, object]] | None) -> list[ShownSuggestion]:
    """Stored or freshly computed rows ([{label, score, words}]) as the templates show them; unknown labels (a
    model newer than this code) are left out rather than shown as keys."""
    labels = dict(ClaimType.choices)
    out: list[ShownSuggestion] = []
    for row in rows or []:
        label = str(row.get("label", ""))
        if label not in LABEL_NAMES:
            continue
        raw_score = row.get("score", 0.0)
        score = float(raw_score) if isinstance(raw_score, int | float | str) else 0.0
        raw_words = row.get("words")
        words = tuple(str(w) for w in raw_words) if isinstance(raw_words, list | tuple) else ()
        out.append(
            ShownSuggestion(
                label=label,
                name=str(LABEL_NAMES[label]),
                score=score,
                strength=strength_word(score),
                words=words,
                claim_types=tuple((t, str(labels[t])) for t in CLAIM_TYPES.get(label, ()) if t in labels),
            )
        )
    return out


def all_claim_types(suggestions: list[ShownSuggestion]) -> str:
    """The claim types of every suggestion shown, in order, without repeats: the "use these" button's value."""
    values: list[str] = []
    for s in suggestions:
        values.extend(v for v, _label in s.claim_types if v not in values)
    return ",".join(values)


def highlighted(text: str, words: list[str] | tuple[str, ...], limit: int = EXCERPT_CHARS) -> list[tuple[str, bool]]:
    """`text` (its first `limit` characters) cut into (piece, is_one_of_the_words) for the template to mark; the
    longest word wins where two overlap (工伤 inside 工伤待遇)."""
    clipped = text[:limit]
    marks = [False] * len(clipped)
    for word in sorted({w for w in words if w}, key=len, reverse=True):
        start = clipped.find(word)
        while start != -1:
            for i in range(start, start + len(word)):
                marks[i] = True
            start = clipped.find(word, start + len(word))
    pieces: list[tuple[str, bool]] = []
    for ch, mark in zip(clipped, marks, strict=True):
        if pieces and pieces[-1][1] == mark:
            pieces[-1] = (pieces[-1][0] + ch, mark)
        else:
            pieces.append((ch, mark))
    if len(text) > limit:
        pieces.append(("…", False))
    return pieces


def words_of(suggestions: list[ShownSuggestion]) -> list[str]:
    return [w for s in suggestions for w in s.words]


def public_claims_hint(facts: str) -> dict[str, object]:
    """The hint of the public claims step, from the facts the worker wrote on the step before: "您的问题可能属于：…"
    and a button that ticks the mapped claims only when clicked. Computed when the step is rendered, from text
    already bounded by the facts step, so the public door has no live endpoint to flood; nothing is stored (the
    case's suggestion is stored when the application is submitted, cases.actions.do_create_case)."""
    from tiaojie.cases.actions import suggest_dispute_types

    text = facts.strip()
    if not text:
        return {}
    try:
        rows, _version = suggest_dispute_types(text)
    except Exception:
        logger.exception("dispute-type hint failed on the public claims step")
        return {}
    # "其他" with no words is no hint at all: the worker would read it as the system giving up.
    suggestions = [s for s in shown(rows) if s.words]
    if not suggestions:
        return {}
    return {"hint": suggestions, "hint_claim_types": all_claim_types(suggestions)}
