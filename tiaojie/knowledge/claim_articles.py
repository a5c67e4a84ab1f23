"""Which articles decide each kind of claim item: claim type → the articles a mediator reads first.

Rules as data, in the knowledge layer so any app with a page can use them: the mediator's assistant
(mediation/assistant.py) and the similar-cases panel both cite from here. Claim types are plain strings (the
values of cases.models.ClaimType, which sits above this layer). Every entry was checked against the text of
the LawRefBook/Laws copy (commit 2f4c5c2) the library imports; `title` is the short title the library files
the text under (the full title without 中华人民共和国), so `knowledge.queries.article_url` finds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tiaojie.knowledge import numbers


@dataclass(frozen=True)
class Citation:
    title: str  # the short title, as the library files the text (劳动合同法, 劳动合同法实施条例 …)
    number: int  # 47 for 第四十七条
    sub_number: int = 0  # 1 for 第十七条之一
    note: str = ""  # which paragraph or item, or what the article settles, in Chinese

    @property
    def label(self) -> str:
        """《劳动合同法》第四十七条第二款: the citation as a mediator reads it."""
        return f"《{self.title}》{numbers.label(self.number, self.sub_number)}{self.note_suffix}"

    @property
    def note_suffix(self) -> str:
        # A note that names a paragraph or item (第二款, 第（五）项) reads as part of the citation.
        return self.note if self.note.startswith("第") else ""


LCL = "劳动合同法"
LABOUR_LAW = "劳动法"
MEDIATION_LAW = "劳动争议调解仲裁法"
REGULATIONS = "劳动合同法实施条例"
LEAVE_REGULATION = "职工带薪年休假条例"
LEAVE_MEASURES = "企业职工带薪年休假实施办法"
INJURY = "工伤保险条例"
SOCIAL_INSURANCE = "社会保险法"
INTERPRETATION_1 = "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）"

ARTICLES: dict[str, tuple[Citation, ...]] = {
    "wages": (
        Citation(LCL, 30),
        Citation(LABOUR_LAW, 50),
        Citation(MEDIATION_LAW, 6),
        Citation(MEDIATION_LAW, 27, note="第四款"),
    ),
    "overtime": (
        Citation(LABOUR_LAW, 44),
        Citation(LABOUR_LAW, 36),
        Citation(LABOUR_LAW, 39),
        Citation(LCL, 31),
        Citation(INTERPRETATION_1, 42),
    ),
    "compensation": (
        Citation(LCL, 46),
        Citation(LCL, 47),
        Citation(LCL, 97, note="第三款"),
        Citation(REGULATIONS, 27),
    ),
    "unlawful_termination": (
        Citation(LCL, 48),
        Citation(LCL, 87),
        Citation(LCL, 39),
        Citation(LCL, 43),
        Citation(REGULATIONS, 25),
        Citation(INTERPRETATION_1, 44),
    ),
    "double_wage": (
        Citation(LCL, 10),
        Citation(LCL, 82),
        Citation(LCL, 14, note="第三款"),
        Citation(REGULATIONS, 6),
        Citation(REGULATIONS, 7),
        Citation(MEDIATION_LAW, 27),
    ),
    "annual_leave": (
        Citation(LEAVE_REGULATION, 3),
        Citation(LEAVE_REGULATION, 5),
        Citation(LEAVE_MEASURES, 4),
        Citation(LEAVE_MEASURES, 10),
        Citation(LEAVE_MEASURES, 11),
    ),
    "social_insurance": (
        Citation(SOCIAL_INSURANCE, 58),
        Citation(SOCIAL_INSURANCE, 63),
        Citation(INTERPRETATION_1, 1, note="第（五）项"),
    ),
    "work_injury": (
        Citation(INJURY, 14),
        Citation(INJURY, 17),
        Citation(INJURY, 30),
        Citation(INJURY, 33),
        Citation(MEDIATION_LAW, 16),
    ),
    "labour_relationship": (
        Citation(LCL, 7),
        Citation(LCL, 10),
        Citation(INTERPRETATION_1, 1, note="第（二）项"),
    ),
    "notice_pay": (
        Citation(LCL, 40),
        Citation(REGULATIONS, 20),
    ),
}


def articles_for(claim_types: Iterable[str]) -> list[Citation]:
    """The deciding articles of these claim types, each once, in the order of the types and the table."""
    seen: set[Citation] = set()
    out: list[Citation] = []
    for claim_type in claim_types:
        for citation in ARTICLES.get(claim_type, ()):
            if citation not in seen:
                seen.add(citation)
                out.append(citation)
    return out
