"""The prepared 支付令 application (调解仲裁法 art 16; 民事诉讼法 art 225): the text staff print for the worker."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from tiaojie.accounts.actions import do_log_pii_access
from tiaojie.accounts.models import User
from tiaojie.lib.workdays import legal_date
from tiaojie.mediation import rules
from tiaojie.mediation.actions import applicant_workers
from tiaojie.mediation.models import Agreement
from tiaojie.mediation.queries import mediation_state, payment_order_view
from tiaojie.mediation.texts import cn_date


def payment_order_context(agreement: Agreement, *, user: User, request: HttpRequest | None) -> dict[str, Any]:
    case = agreement.case
    state = mediation_state(case)
    today = legal_date(timezone.now())
    view = payment_order_view(agreement, state.items, state.payments, today)
    applicants = []
    for worker in applicant_workers(case):
        id_number = worker.id_number_masked
        if worker.id_number_encrypted:
            id_number = worker.reveal("id_number")
            do_log_pii_access(
                user=user,
                record_type="cases.worker",
                record_id=worker.pk,
                field="id_number",
                request=request,
                purpose=f"payment order case {case.pk}",
            )
        applicants.append({"worker": worker, "id_number": id_number})
    return {
        "case": case,
        "agreement": agreement,
        "state": state,
        "view": view,
        "applicants": applicants,
        "effective_day": cn_date(legal_date(agreement.effective_at)) if agreement.effective_at else "",
        "today": cn_date(today),
        "basis": rules.PAYMENT_ORDER_BASIS,
        "payments": [
            {"p": p, "due": cn_date(p.due_date), "paid": cn_date(p.paid_on) if p.paid_on else ""}
            for p in state.payments
        ],
    }
