"""The wording of notices and SMS messages (Chinese, through gettext)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, translation
from django.utils.translation import gettext as _

from tiaojie.cases.models import Case, CaseEvent
from tiaojie.lib.workdays import legal_date


def cn_date(day: dt.date) -> str:
    """2026年3月10日 in Chinese (legal documents, Chinese SMS), 10 Mar 2026 when English is active
    (tiaojie/formats)."""
    return formats.date_format(day, "DATE_FORMAT")


def worker_names(case: Case) -> str:
    return "、".join(link.worker.name for link in case.case_workers.select_related("worker").order_by("id"))


def claim_assertion_dates(case: Case) -> list[dt.date]:
    """The days the worker asserted the claims here (the application and any repeated application): each
    interrupts the arbitration limitation (调解仲裁法 art 27 para 2)."""
    kinds = (CaseEvent.Kind.CREATED, CaseEvent.Kind.DUPLICATE)
    return sorted({legal_date(at) for at in case.events.filter(kind__in=kinds).values_list("at", flat=True)})


@translation.override("zh-hans")  # a notice is a legal document: Chinese (docs/i18n.md)
def decline_notice_text(case: Case, reason: str, today: dt.date) -> str:
    return _(
        "不予受理通知书\n\n"
        "%(workers)s：\n"
        "你（们）于%(received)s向本组织提出的与%(employer)s之间的劳动争议调解申请，经审查，本组织决定不予受理。\n"
        "理由：%(reason)s\n\n"
        "你（们）可以依法向劳动人事争议仲裁委员会申请仲裁，或者向其他依法设立的劳动争议调解组织申请调解。"
        "申请仲裁的时效期间为一年；你（们）申请调解属于请求权利救济，仲裁时效自申请之日中断，"
        "从中断时起重新计算（《劳动争议调解仲裁法》第二十七条）。\n\n"
        "%(organisation)s\n%(today)s"
    ) % {
        "workers": worker_names(case),
        "received": cn_date(legal_date(case.received_at)),
        "employer": case.employer.name,
        "reason": reason,
        "organisation": case.organisation.name,
        "today": cn_date(today),
    }


@translation.override("zh-hans")
def arbitration_notice_text(case: Case, category: str, reason: str, today: dt.date) -> str:
    claims = "、".join(str(c.get_type_display()) for c in case.claims.order_by("id"))
    assertions = "、".join(cn_date(d) for d in claim_assertion_dates(case)) or cn_date(legal_date(case.received_at))
    return _(
        "调解终止书（申请仲裁权利告知书）\n\n"
        "申请人：%(workers)s\n被申请人：%(employer)s\n\n"
        "申请人于%(received)s向本组织申请调解，请求事项：%(claims)s。\n"
        "调解终止原因：%(category)s。%(reason)s\n\n"
        "根据《劳动争议调解仲裁法》第十四条第三款、第十五条，当事人可以依法向劳动人事争议仲裁委员会申请仲裁。"
        "自本组织收到调解申请之日起15日内（%(clock_a)s 24:00前）未达成调解协议的，"
        "任何一方均可申请仲裁，不受调解影响。\n"
        "仲裁时效：申请仲裁的时效期间为一年，从当事人知道或者应当知道其权利被侵害之日起计算（第二十七条第一款）。"
        "申请调解使仲裁时效中断，从中断时起，时效期间重新计算（第二十七条第二款）。本案主张权利的日期：%(assertions)s。"
        "劳动关系存续期间因拖欠劳动报酬发生争议的，申请仲裁不受一年时效期间的限制；劳动关系终止的，"
        "应当自劳动关系终止之日起一年内提出（第二十七条第四款）。劳动争议仲裁不收费（第五十三条）。\n\n"
        "%(organisation)s\n%(today)s"
    ) % {
        "workers": worker_names(case),
        "employer": case.employer.name,
        "received": cn_date(legal_date(case.received_at)),
        "claims": claims,
        "category": category,
        "reason": reason,
        "clock_a": cn_date(case.clock_a_due),
        "assertions": assertions,
        "organisation": case.organisation.name,
        "today": cn_date(today),
    }
