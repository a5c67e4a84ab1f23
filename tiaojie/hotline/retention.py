"""The hotline's part of the retention job (tiaojie.cases.retention, docs/privacy.md): registered from
HotlineConfig.ready().

A call that became (or joined) the case loses the caller's name and number (encrypted value, blind index and
mask); its summary, answer, work order and rating comment lose names and numbers. Topic, kind, duration, dates
and the score stay for the hotline's statistics. The case's CaseEvent records it: a HotlineEvent needs a user,
and this job has none. Calls that never became a case are not touched here (docs/privacy.md, "not yet covered").
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tiaojie.cases.models import Case
from tiaojie.cases.retention import Anonymisation
from tiaojie.hotline.models import HotlineCall, ServiceRating, WorkOrder


def names(case: Case) -> dict[str, str]:
    return {call.caller_name: _("来电人") for call in HotlineCall.objects.filter(case=case)}


def anonymise(ctx: Anonymisation) -> None:
    for call in HotlineCall.objects.filter(case=ctx.case):
        HotlineCall.objects.filter(pk=call.pk).update(
            caller_name=ctx.placeholder(call.caller_name, _("来电人")),
            caller_phone_encrypted="",
            caller_phone_index="",
            caller_phone_masked="",
            summary=ctx.scrub(call.summary),
            answer=ctx.scrub(call.answer),
            route_reason=ctx.scrub(call.route_reason),
        )
        ctx.counts["hotline_calls"] += 1
    for order in WorkOrder.objects.filter(call__case=ctx.case):
        WorkOrder.objects.filter(pk=order.pk).update(
            description=ctx.scrub(order.description), closing_note=ctx.scrub(order.closing_note)
        )
    for rating in ServiceRating.objects.filter(call__case=ctx.case).exclude(comment=""):
        ServiceRating.objects.filter(pk=rating.pk).update(comment=ctx.scrub(rating.comment))
