"""Every statistic, defined once (docs/law.md §10). The dashboard, the exports and docs/metrics.md render
these definitions; `rollups.py` and `naive.py` implement them, and a test checks the two agree.

Dates are Beijing calendar dates. Each counter falls in the period of its own event: a case received in
March and closed in April counts as received in March and closed in April.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Outcomes (the status the handling ended in), by name: `negotiating`/`settled` may or may not exist in
# cases.models.Status yet, and the definitions must hold either way.
AGREED = "agreed"
SETTLED = "settled"
FAILED = "failed"
DECLINED = "declined"
CLOSED = "closed"
# Outcomes after which no mediation took place, even if the case had been accepted.
NOT_MEDIATED = frozenset({SETTLED, DECLINED})
COLLECTIVE_MIN_WORKERS = 10  # 调解仲裁法 art 7: ten or more workers with a common claim
CLOSE_DAYS_CAP = 366  # the days-to-close histogram lumps everything from a year on into one bucket


@dataclass(frozen=True)
class Metric:
    id: str
    name: str | Promise
    definition: str | Promise
    unit: str | Promise = ""


METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            "received",
            _("收到申请数"),
            _("统计期内调解组织收到的调解申请（案件）数，按收到申请的日期计；转交其他组织的案件计入现受理组织。"),
            _("件"),
        ),
        Metric("accepted", _("受理数"), _("统计期内决定受理的案件数，按受理日期计。"), _("件")),
        Metric(
            "closed",
            _("结案数"),
            _("统计期内结案（状态变为“已结案”）的案件数，按结案日期计。"),
            _("件"),
        ),
        Metric(
            "mediation_success_rate",
            _("调解成功率"),
            _(
                "调解协议数 ÷ 调解结束的案件数。调解结束的案件：已受理、且统计期内以达成协议、调解不成或撤回结束的案件"
                "（不含不予受理和协商和解的案件）；调解协议数：其中达成调解协议（含协议履行后结案）的案件数。"
                "按调解结束日期计。"
            ),
            "%",
        ),
        Metric(
            "settled_share",
            _("协商调解解决率"),
            _(
                "以协商和解或调解协议解决的案件数 ÷ 统计期内办理结束的全部争议数。"
                "办理结束的争议包括达成协议、协商和解、调解不成（可申请仲裁）、不予受理和撤回的案件；"
                "按办理结束的日期计。"
            ),
            "%",
        ),
        Metric(
            "arbitration",
            _("调解不成转仲裁数"),
            _("统计期内调解不成、当事人可依法申请仲裁的案件数（含其后结案的），按调解结束日期计。"),
            _("件"),
        ),
        Metric(
            "overdue",
            _("当前逾期案件"),
            _(
                "今天仍在办理、且已超过期限的案件数：收到申请后3个工作日内未决定是否受理，"
                "或超过申请仲裁前的15日调解期限（期限A），或超过受理后的调解期限（期限B）。不随统计年度变化。"
            ),
            _("件"),
        ),
        Metric(
            "median_days_to_close",
            _("结案用时中位数"),
            _("统计期内结案的案件，从收到申请到结案的天数（北京时间日历日）的中位数；一年以上的按366天计。"),
            _("天"),
        ),
        Metric(
            "amount_claimed",
            _("请求金额"),
            _("统计期内收到的案件中各请求事项的请求金额之和（按收到申请的日期计）。"),
            _("元"),
        ),
        Metric(
            "amount_agreed",
            _("协议金额"),
            _(
                "统计期内生效的调解协议约定的金额之和，按协议生效的日期（双方当事人、调解员签名和调解组织盖章"
                "全部完成之日，北京时间）计；计入协议所属案件现在的调解组织、地区、组织类型和来源渠道。"
                "按请求事项统计时，按协议各项的请求事项和协议金额计。尚未生效的协议草稿不计。"
            ),
            _("元"),
        ),
        Metric(
            "amount_paid",
            _("已履行金额"),
            _(
                "统计期内生效的调解协议中，截至目前已登记支付的款项之和。按协议生效的日期计、不按支付日期计："
                "例如3月生效的协议在5月支付的款项计入3月，即“3月达成的协议，至今已履行多少”，"
                "所以以往月份的数字会随履行登记而增加。款项按期次登记、不分请求事项，按请求事项统计时不列。"
            ),
            _("元"),
        ),
        Metric(
            "performance_rate",
            _("履行率"),
            _("已履行金额 ÷ 协议金额：统计期内生效的调解协议约定的金额中，截至目前已支付的比例。"),
            "%",
        ),
        Metric("workers", _("涉及劳动者人数"), _("统计期内收到的案件涉及的劳动者人数之和。"), _("人")),
        Metric(
            "collective",
            _("集体争议数"),
            _("统计期内收到的、涉及劳动者10人以上的案件数（《劳动争议调解仲裁法》第七条）。"),
            _("件"),
        ),
        Metric(
            "satisfaction",
            _("满意度"),
            _(
                "统计期内12351热线来电人对服务的评分（1–5分）的平均值，限本范围内的热线组织。"
                "调解当事人满意度评价尚未采集，无评分时显示“暂无”。"
            ),
            _("分"),
        ),
    )
}

# Shown with each breakdown table.
DIMENSION_NOTES: dict[str, str | Promise] = {
    "region": _("按调解组织所在区划统计；县级以上组织受理的案件不属于任何乡镇，计入“本级组织”行。"),
    "org_type": _("按受理案件的调解组织类型统计。"),
    "claim_type": _(
        "一件案件有多项请求时，在每一项请求事项下各计一次，故各行之和可能大于合计；请求金额为该类请求的金额，"
        "协议金额为调解协议中该类事项的协议金额。履行款项不分请求事项登记，本表不列已履行金额和履行率。"
    ),
    "channel": _("按申请的来源渠道统计。"),
    "monthly": _(
        "按月统计，各计数按其事件日期归入月份；协议金额和已履行金额按协议生效的月份计，已履行金额为截至目前的累计。"
    ),
}
