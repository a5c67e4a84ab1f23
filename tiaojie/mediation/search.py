"""The text mediation adds to a case's search document (cases.search.register_search_text): the minutes, the
agreement's items and terms, the settlements. Registered in MediationConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tiaojie.cases.models import Case
from tiaojie.mediation.models import Agreement, AgreementItem, Minutes, Settlement


def search_text(case: Case) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for m in Minutes.objects.filter(case=case).order_by("held_at", "id"):
        fields.append((gettext_noop("调解笔录"), "\n".join((m.participants, m.statements, m.proposals))))
    agreement = Agreement.objects.filter(case=case).first()
    if agreement is not None:
        notes = AgreementItem.objects.filter(agreement=agreement).exclude(note="").values_list("note", flat=True)
        texts = [*notes, agreement.waived_note, agreement.other_terms, agreement.payment_method_note]
        fields.append((gettext_noop("调解协议书"), "\n".join(t for t in texts if t)))
    for terms in Settlement.objects.filter(case=case).order_by("id").values_list("terms", flat=True):
        fields.append((gettext_noop("和解协议"), terms))
    return fields
