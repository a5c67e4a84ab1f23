"""How the agreement follows the case's claims (registered with cases.actions.register_claim_hook).

Claims may change until anyone signs the agreement: a signature covers the amounts it saw. Before that, a
draft agreement follows each change inside the claim action's transaction, so the case page, the agreement,
its documents and the ledger never disagree about which claims there are or what was asked:

- an added claim becomes an item agreed at its amount (the mediator then edits the draft as usual);
- an edited claim updates the item's claimed amount, and its agreed amount too while that still equalled the
  old claim (the draft's default); an agreed amount the mediator changed stays as negotiated;
- a removed claim removes its item.

Each change bumps the agreement's version, so a draft form or a signing page opened before it is refused as
stale, and the payment schedule must again add up to the new total before anyone can sign.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.cases.actions import Actor, ClaimChange, StaleCaseError
from tiaojie.cases.models import Case
from tiaojie.mediation.models import Agreement, AgreementItem, Signature

LOCKED = gettext_lazy(
    "已有当事人签署调解协议，请求事项不能再修改。如确需修改，请先撤销全部签署（协议书面板），再修改并重新签署。"
)


def claims_locked(case: Case) -> str | None:
    agreement = Agreement.objects.filter(case=case).values_list("pk", "effective_at").first()
    if agreement is None:
        return None
    pk, effective_at = agreement
    if effective_at is not None:
        return _("调解协议已生效，请求事项不能再修改。")
    if Signature.objects.filter(agreement_id=pk).exists():
        return str(LOCKED)
    return None


def follow_claim_change(case: Case, change: ClaimChange, actor: Actor) -> None:
    # Lock the agreement row: a signature recorded at this moment either lands before (and the check below
    # refuses the claim change) or waits and then finds the new version (and is refused as stale).
    agreement = Agreement.objects.select_for_update().filter(case_id=case.pk).first()
    if agreement is None:
        return
    if agreement.effective_at is not None or Signature.objects.filter(agreement=agreement).exists():
        raise StaleCaseError(str(LOCKED))
    claim = change.claim
    items = AgreementItem.objects.filter(agreement=agreement, claim_id=claim.pk)
    if change.kind == "added":
        last = AgreementItem.objects.filter(agreement=agreement).aggregate(m=Max("position"))["m"]
        AgreementItem.objects.create(
            agreement=agreement,
            claim=claim,
            type=claim.type,
            amount_claimed=claim.amount_claimed,
            amount_agreed=claim.amount_claimed or Decimal("0"),
            position=0 if last is None else last + 1,
        )
    elif change.kind == "edited":
        new = claim.amount_claimed
        # Still the draft's default (agreed = claimed, or 0 for no amount): follow the claim.
        items.filter(amount_agreed=change.old_amount or Decimal("0")).update(
            amount_claimed=new, amount_agreed=new or Decimal("0")
        )
        items.update(amount_claimed=new)
    elif change.kind == "removed":
        items.delete()
    Agreement.objects.filter(pk=agreement.pk).update(version=F("version") + 1, updated_at=timezone.now())
