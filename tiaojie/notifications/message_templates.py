"""The texts of notifications, in Chinese through gettext, keyed by `Notification.template_key`.

Format strings rather than Django templates: SMS must stay short and plain, and a missing placeholder
should fail loudly in a test rather than render an empty string. Party SMS carry no names or amounts (a
phone may be shared or lost): only the case number, the period and what the person may do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SMS_SIGNATURE = _("【劳动争议调解】")


@dataclass(frozen=True)
class MessageTemplate:
    subject: str | Promise
    body: str | Promise


TEMPLATES: dict[str, MessageTemplate] = {
    "reminder.staff": MessageTemplate(
        subject=_("【期限提醒】案件%(case_id)s %(label)s%(when)s"),
        body=_(
            "案件%(case_id)s（被申请人：%(employer)s）的%(label)s%(when)s，最后一日为%(last_day)s，"
            "当日24时届满。请及时处理。%(advice)s"
        ),
    ),
    "reminder.party": MessageTemplate(
        subject="",
        # A party knows the dispute by the employer's name; the case's database id meant nothing to them.
        body=_(
            "%(signature)s您的调解案件（被申请人：%(employer)s）%(label)s%(when)s（最后一日%(last_day)s）。%(advice)s"
        ),
    ),
    "breach.staff": MessageTemplate(
        subject=_("【逾期】案件%(case_id)s %(label)s已届满"),
        body=_(
            "案件%(case_id)s（被申请人：%(employer)s）的%(label)s已于%(last_day)s届满，"
            "案件当时仍为「%(status)s」。%(advice)s"
        ),
    ),
    # analytics.actions.do_record_risk_levels: an employer rose to 红 or 橙 in a supervisor's region (docs/risk.md).
    "risk_alert": MessageTemplate(
        subject=_("【用人单位风险预警】%(employer)s升为%(level)s"),
        body=_(
            "%(county)s：用人单位%(employer)s的风险等级于%(day)s由%(previous)s升为%(level)s（%(reasons)s）。"
            "请查看用人单位风险页面，及早介入预防：%(url)s"
        ),
    ),
}

# What each kind of deadline means for the people reminded (docs/law.md §3–§4), added to the text.
STAFF_ADVICE: dict[str, str | Promise] = {
    "acceptance": _("逾期未决定是否受理的，请尽快作出决定并书面告知申请人。"),
    "clock_a": _(
        "自收到调解申请之日起15日内未达成调解协议的，当事人可以依法申请仲裁（《劳动争议调解仲裁法》第十四条第三款），"
        "不得阻止。"
    ),
    "clock_b": _("调解期限内未达成协议的视为调解不成；双方同意的可以延长。"),
}
PARTY_ADVICE: dict[str, str | Promise] = {
    "clock_a": _("期限届满仍未达成调解协议的，您可以依法申请劳动争议仲裁。"),
    "clock_b": _("如需延长调解期限，须经双方同意。"),
}


# Added before the advice when the date was counted past the configured holiday years (DeadlineItem.uncertain):
# the same words the case page and the tracking page show beside such a date.
STAFF_UNCERTAIN = _("该期限超出已配置节假日的年份，未计入可能的节假日调整，请管理员补充节假日表后核对。")
PARTY_UNCERTAIN = _("这个日期可能因节假日调整而变化，以调解组织通知为准。")


def when_phrase(last_day: dt.date, today: dt.date) -> str:
    left = (last_day - today).days
    if left <= 0:
        return str(_("今天届满"))
    if left == 1:
        return str(_("明天届满"))
    return str(_("还有%(days)d天届满")) % {"days": left}


def render(key: str, **context: object) -> tuple[str, str]:
    """(subject, text) for template `key`; every placeholder must be given."""
    template = TEMPLATES[key]
    values = {"signature": SMS_SIGNATURE, "advice": "", **context}
    values = {name: str(value) for name, value in values.items()}
    subject = str(template.subject) % values if template.subject else ""
    return subject, str(template.body) % values
