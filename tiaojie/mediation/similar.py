"""Similar cases on the case page (issue 15 item 5; docs/knowledge.md, "Similar cases").

For the case open on the page: the ten ended cases the user may see that look most like it, each with why
(shared claim types, the same employer, key terms of the facts, the same amount band) and how it ended (result,
agreed amount, days from receipt to the end), and the articles of the library that decide its claim types.

Work is bounded whatever the size of the user's scope: the database returns at most the newest
SHARED_TYPE_LIMIT cases sharing a claim type plus the newest SAME_EMPLOYER_LIMIT of the same employer, each an
indexed, limited query, and only those are scored in Python. The panel costs four queries in all (candidates,
their claims, the outcomes of the ten shown, the article links), whatever the number of candidates.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.http import HttpRequest
from django.utils.translation import get_language, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _

from tiaojie.accounts.models import User
from tiaojie.cases.access import cases_visible_to
from tiaojie.cases.models import Case, CaseEvent, ClaimItem, ClaimType, Status
from tiaojie.cases.panels import Panel, register_panel
from tiaojie.knowledge.claim_articles import articles_for, citation_links
from tiaojie.knowledge.classifier.keywords import KEYWORDS
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation.models import Settlement

# The separators through the catalogue's "{head}；{tail}" and "{head}、{tail}" (as calculators.core joins its
# texts): English reads "a; b" and "a, b", and a separator never stands alone as a msgid.
_JOIN_MSGIDS = {"；": gettext_noop("{head}；{tail}"), "、": gettext_noop("{head}、{tail}")}


def _joined(parts: list[str], separator: str) -> str:
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        out = _(_JOIN_MSGIDS[separator]).format(head=out, tail=part)
    return out


SHOWN = 10
# How long the panel's list is kept for one user and one state of the case (similar_cases_panel).
SIMILAR_CACHE_SECONDS = 10 * 60
# The bound on the work per page view. The newest cases are the ones whose outcome still tells a mediator what
# to expect (practice and amounts move), and 2,000 of them is plenty to find ten alike while keeping the scoring
# well under the page's budget (bench/similar_cases.py). The same employer is taken separately so its cases are
# never crowded out by a busy claim type; 500 covers all but the very largest employers' histories.
SHARED_TYPE_LIMIT = 2000
SAME_EMPLOYER_LIMIT = 500
# Key terms come from the start of the facts: that is where an application states the dispute, and a bounded
# length keeps both the rows fetched and the scoring time bounded.
FACTS_CHARS = 300

# Cases that ended, whatever the result: a failed or withdrawn mediation tells a mediator as much about a
# pattern as an agreement. Declined cases (never mediated) are left out, also once closed.
ENDED_STATUSES = (Status.AGREED, Status.FAILED, Status.WITHDRAWN, Status.CLOSED)

# How much each kind of likeness counts (each part scores 0–1). The claim types weigh most: they decide which
# rules and sums apply, and so what an outcome means for this case. The same employer comes next: its practice
# (pay, contracts, willingness to settle) repeats across its cases. The facts' key terms separate cases of one
# claim type by what happened (欠薪 against 辞退). The amount band counts least: it says the stakes are alike,
# not the dispute.
WEIGHTS = {"claims": 0.40, "employer": 0.25, "terms": 0.25, "amount": 0.10}

# The bands of the total claimed (元): [lower, upper).
AMOUNT_BANDS: tuple[tuple[Decimal, Decimal | None, object], ...] = (
    (Decimal("0"), Decimal("10000"), gettext_lazy("1万元以下")),
    (Decimal("10000"), Decimal("50000"), gettext_lazy("1–5万元")),
    (Decimal("50000"), Decimal("200000"), gettext_lazy("5–20万元")),
    (Decimal("200000"), None, gettext_lazy("20万元以上")),
)

# Key terms shown in a row's reason are only words of this vocabulary: scoring uses every two-character term of
# the facts, but a shared term may be a worker's name (张三 in two cases of one worker), and the panel shows no
# personal data. The vocabulary is the two-character dispute-type keywords of the classifier plus the words
# below (a bigram of a longer keyword, 济补 of 经济补偿, is no word to show).
_EXTRA_TERMS = (
    "欠薪", "拖欠", "克扣", "辞退", "开除", "解雇", "裁员", "降薪", "调岗", "停工", "停产", "倒闭", "搬迁", "加班",
    "试用", "押金", "罚款", "社保", "年假", "病假", "产假", "孕期", "哺乳", "工伤", "骨折", "离职", "辞职", "提成",
    "绩效", "奖金", "外卖", "骑手", "派遣", "外包", "包工", "工地", "保安", "保洁", "餐饮", "快递", "司机",
)  # fmt: skip
DISPLAY_TERMS = frozenset({w for words in KEYWORDS.values() for w in words if len(w) == 2} | set(_EXTRA_TERMS))
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


class Result:
    AGREED = "agreed"
    SETTLED = "settled"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


RESULT_LABELS = {
    Result.AGREED: gettext_lazy("调解成功"),
    Result.SETTLED: gettext_lazy("和解"),
    Result.FAILED: gettext_lazy("调解不成"),
    Result.WITHDRAWN: gettext_lazy("撤回"),
}
_RESULT_OF_STATUS = {
    Status.AGREED: Result.AGREED,
    Status.SETTLED: Result.SETTLED,
    Status.FAILED: Result.FAILED,
    Status.WITHDRAWN: Result.WITHDRAWN,
}


@dataclass
class Candidate:
    """What scoring needs, and no more: thousands of these are fetched, ten are shown (their case number,
    employer and dates come with the outcome query)."""

    pk: int
    employer_id: int
    facts: str
    types: set[str] = field(default_factory=set)
    claimed: Decimal | None = None


@dataclass
class SimilarCase:
    pk: int
    score: float
    reasons: list[str]
    number: str = ""
    employer_name: str = ""
    result: str = ""
    result_label: str = ""
    agreed: Decimal | None = None  # the agreement's items (调解成功) or the settlement's amount (和解)
    days: int | None = None  # calendar days from receipt to the end (Beijing dates)

    @property
    def why(self) -> str:
        return _joined(self.reasons, "；")


def terms_of(text: str) -> set[str]:
    """The two-character terms (character bigrams) of the Chinese runs of a text: Chinese has no spaces, and
    bigrams catch most two-character words (欠薪, 辞退) without a dictionary."""
    out: set[str] = set()
    for run in _CJK_RUN.findall(text):
        out.update(map(operator.add, run, run[1:]))
    return out


def shared_terms_of(terms: set[str], text: str) -> set[str]:
    """The terms of `terms` (from terms_of) found in `text`: a substring test in C per term, the hot loop of the
    scoring (splitting every candidate into its own bigrams cost three to ten times as much)."""
    return {t for t in terms if t in text}


def amount_band(total: Decimal | None) -> int | None:
    if total is None or total <= 0:
        return None
    for index, (low, high, _label) in enumerate(AMOUNT_BANDS):
        if total >= low and (high is None or total < high):
            return index
    return None


def _candidates(user: User, case: Case) -> tuple[list[Candidate], Q]:
    """The one candidate query: the cases of two limited, indexed selections (see SHARED_TYPE_LIMIT), each a
    sliced subquery (a UNION of sliced selects is refused by SQLite)."""
    declined = CaseEvent.objects.filter(case=OuterRef("pk"), to_status=Status.DECLINED)
    ended = (
        cases_visible_to(user)
        .filter(status__in=ENDED_STATUSES)
        .exclude(pk=case.pk)
        .exclude(Exists(declined))
        .order_by("-received_at", "-pk")
    )
    own_types = ClaimItem.objects.filter(case_id=case.pk).values("type")
    sharing = ended.filter(pk__in=ClaimItem.objects.filter(type__in=own_types).values("case_id")).values("pk")
    same_employer = ended.filter(employer_id=case.employer_id).values("pk")
    chosen = Q(pk__in=sharing[:SHARED_TYPE_LIMIT]) | Q(pk__in=same_employer[:SAME_EMPLOYER_LIMIT])
    rows = (
        Case.objects.filter(chosen)
        .annotate(short_facts=Substr("facts", 1, FACTS_CHARS))
        .values_list("pk", "employer_id", "short_facts")
    )
    # The claims query selects by the same subqueries: a list of thousands of ids costs more to send than the
    # database takes to find them again.
    of_chosen = Q(case_id__in=sharing[:SHARED_TYPE_LIMIT]) | Q(case_id__in=same_employer[:SAME_EMPLOYER_LIMIT])
    return [Candidate(*row) for row in rows], of_chosen


def _outcomes(pks: list[int]) -> dict[int, tuple[str, str, str, Decimal | None, int | None]]:
    """How each case ended: the last transition into an end (a closed case keeps it in its history) and the sum
    agreed. One query for the cases shown."""
    last_end = (
        CaseEvent.objects.filter(
            case=OuterRef("pk"), kind=CaseEvent.Kind.TRANSITION, to_status__in=list(_RESULT_OF_STATUS)
        )
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    settled = Settlement.objects.filter(case=OuterRef("pk")).order_by("-recorded_at", "-id").values("amount")[:1]
    rows = (
        Case.objects.filter(pk__in=pks)
        .annotate(
            last_end=Subquery(last_end),
            agreed=Sum("agreement__items__amount_agreed", filter=Q(agreement__effective_at__isnull=False)),
            settled_amount=Subquery(settled),
        )
        .values_list(
            "pk",
            "number",
            "employer__name",
            "received_at",
            "ended_at",
            "closed_at",
            "last_end",
            "agreed",
            "settled_amount",
        )
    )
    out = {}
    for pk, number, employer, received, ended, closed, last, agreed, settled_amount in rows:
        result = _RESULT_OF_STATUS.get(last, "")
        amount = agreed if result == Result.AGREED else settled_amount if result == Result.SETTLED else None
        end = closed or ended
        days = (legal_date(end) - legal_date(received)).days if end is not None else None
        out[pk] = (number or f"#{pk}", employer, result, amount, days)
    return out


def _reasons(shared: list[str], same_employer: bool, terms: list[str], band: int | None) -> list[str]:
    reasons = []
    if shared:
        reasons.append(_("同为%(types)s") % {"types": _joined([str(ClaimType(t).label) for t in shared], "、")})
    if same_employer:
        reasons.append(_("同一用人单位"))
    if terms:
        reasons.append(_("关键词：%(terms)s") % {"terms": _joined(list(terms), "、")})
    if band is not None:
        reasons.append(_("金额同在%(band)s") % {"band": AMOUNT_BANDS[band][2]})
    return reasons


def rank(
    case: Case, own_claims: Iterable[tuple[str, Decimal | None]], candidates: list[Candidate], *, limit: int = SHOWN
) -> list[SimilarCase]:
    """Score every candidate and keep the best `limit`, newest first among equals. Pure: no queries."""
    own_claims = list(own_claims)
    own_types = {t for t, _a in own_claims}
    own_band = amount_band(sum((a for _t, a in own_claims if a is not None), Decimal("0")) or None)
    own_terms = terms_of(case.facts[:FACTS_CHARS])
    type_order = [t for t in ClaimType.values if t in own_types]
    # Terms are weighted by inverse document frequency over the candidates: a term most of them share (申请,
    # 公司) says little, one a few share (骑手) says much. Only the open case's terms matter for the score.
    shared_terms = [shared_terms_of(own_terms, c.facts) for c in candidates]
    df = Counter[str]()
    for s in shared_terms:
        df.update(s)
    n = len(candidates)
    idf = {t: math.log((1 + n) / (1 + df[t])) + 1 for t in own_terms}
    own_weight = sum(idf.values()) or 1.0
    w = WEIGHTS
    scored: list[tuple[float, int, Candidate, set[str]]] = []
    for c, shared in zip(candidates, shared_terms, strict=True):
        union = own_types | c.types
        claims = len(own_types & c.types) / len(union) if union else 0.0
        employer = 1.0 if c.employer_id == case.employer_id else 0.0
        terms = sum(idf[t] for t in shared) / own_weight
        band = amount_band(c.claimed)
        amount = 1.0 if band is not None and band == own_band else 0.0
        score = w["claims"] * claims + w["employer"] * employer + w["terms"] * terms + w["amount"] * amount
        scored.append((score, c.pk, c, shared))
    # Among equals the later registered (the higher id) first: its practice is the more current.
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    out = []
    for score, _pk, c, shared in scored[:limit]:
        shown_terms = sorted((t for t in shared if t in DISPLAY_TERMS), key=lambda t: (-idf[t], t))[:3]
        band = amount_band(c.claimed)
        reasons = _reasons(
            [t for t in type_order if t in c.types],
            c.employer_id == case.employer_id,
            shown_terms,
            band if band is not None and band == own_band else None,
        )
        out.append(SimilarCase(c.pk, round(score, 4), reasons))
    return out


def similar_cases(user: User, case: Case) -> tuple[list[SimilarCase], list[tuple[str, Decimal | None]]]:
    """The ten ended cases most like `case` among those `user` may see (three queries), with the case's own
    claims (type, amount) for the articles."""
    candidates, of_candidates = _candidates(user, case)
    by_pk = {c.pk: c for c in candidates}
    own: list[tuple[str, Decimal | None]] = []
    for case_id, claim_type, amount in ClaimItem.objects.filter(Q(case_id=case.pk) | of_candidates).values_list(
        "case_id", "type", "amount_claimed"
    ):
        if case_id == case.pk:
            own.append((claim_type, amount))
            continue
        c = by_pk.get(case_id)
        if c is None:  # only if a case ended between the two queries
            continue
        c.types.add(claim_type)
        if amount is not None:
            c.claimed = (c.claimed or Decimal("0")) + amount
    rows = rank(case, own, candidates)
    outcomes = _outcomes([r.pk for r in rows])
    for r in rows:
        r.number, r.employer_name, r.result, r.agreed, r.days = outcomes[r.pk]
        r.result_label = str(RESULT_LABELS.get(r.result, ""))
    return rows, own


def similar_cases_panel(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    """The panel (four queries)."""
    if not request.user.is_authenticated:
        return None
    rows, own = similar_cases(request.user, case)
    articles = citation_links(articles_for(t for t in ClaimType.values if t in {t for t, _a in own}))
    if not rows and not articles:
        return None
    return Panel("mediation/_similar_panel.html", {"rows": rows, "articles": articles}, 95)


def cached_similar_cases_panel(request: HttpRequest, case: Case) -> Panel | None:
    """The panel kept SIMILAR_CACHE_SECONDS per user and state of the case: a case that ends elsewhere joins the
    list within that time, a change of this case at once (its state_version: cases.state)."""
    key = f"similar-cases:{case.pk}:{case.state_version}:{request.user.pk}:{get_language()}"
    kept = cache.get(key)  # a 1-tuple, so that "no panel" is kept too
    if kept is None:
        kept = (similar_cases_panel(request, case, False),)
        cache.set(key, kept, SIMILAR_CACHE_SECONDS)
    return kept[0]


@register_panel
def similar_cases_slot(request: HttpRequest, case: Case, can_act: bool) -> Panel | None:
    """On the case page, only a place for the panel: it costs more than the rest of the page, so the browser
    fetches it after the page (mediation:similar_cases, htmx); without JavaScript it is a link to it."""
    if not request.user.is_authenticated:
        return None
    return Panel("mediation/_similar_slot.html", {"case": case}, 95)
