"""Every write of the negotiation and mediation flow. Each action is one transaction, writes a CaseEvent, and
sends SMS with `transaction.on_commit`; status changes go through `cases.actions.do_transition_case`.

Races are settled in the database: conditional UPDATEs (`… WHERE state = old`), unique constraints (one
signature per role, one open negotiation per case) and a row lock on the agreement while it is signed. The
loser of a race gets StaleCaseError with a message saying what happened.
"""

from tiaojie.mediation.actions.agreement import (
    AgreementInput,
    ItemInput,
    PaymentInput,
    agreement_total,
    do_create_agreement,
    do_mark_payment_paid,
    do_record_confirmation,
    do_send_signature_code,
    do_sign_in_person,
    do_sign_with_code,
    do_sign_with_scan,
    do_update_agreement,
    do_void_signatures,
    validate_agreement_input,
)
from tiaojie.mediation.actions.common import SYSTEM, applicant_workers, negotiation_link, rating_link
from tiaojie.mediation.actions.negotiation import (
    do_answer_negotiation,
    do_expire_negotiations,
    do_fail_negotiation,
    do_open_negotiation,
    do_record_settlement,
    do_record_settlement_performance,
    do_set_employer_contact,
)
from tiaojie.mediation.actions.proceedings import (
    MinutesInput,
    RescheduleInput,
    SessionInput,
    do_assign_mediator,
    do_cancel_session,
    do_fail_mediation,
    do_issue_arbitration_notice,
    do_issue_decline_notice,
    do_record_minutes,
    do_reschedule_session,
    do_schedule_session,
    do_unassign_mediator,
    eligible_mediators,
    mediator_conflict,
)
from tiaojie.mediation.actions.ratings import do_issue_rating_links, do_rate, do_send_rating_sms, on_case_transition

__all__ = [
    "SYSTEM",
    "AgreementInput",
    "ItemInput",
    "MinutesInput",
    "PaymentInput",
    "RescheduleInput",
    "SessionInput",
    "agreement_total",
    "applicant_workers",
    "do_answer_negotiation",
    "do_assign_mediator",
    "do_cancel_session",
    "do_create_agreement",
    "do_expire_negotiations",
    "do_fail_mediation",
    "do_fail_negotiation",
    "do_issue_arbitration_notice",
    "do_issue_decline_notice",
    "do_issue_rating_links",
    "do_mark_payment_paid",
    "do_open_negotiation",
    "do_rate",
    "do_record_confirmation",
    "do_record_minutes",
    "do_record_settlement",
    "do_record_settlement_performance",
    "do_reschedule_session",
    "do_schedule_session",
    "do_send_rating_sms",
    "do_send_signature_code",
    "do_set_employer_contact",
    "do_sign_in_person",
    "do_sign_with_code",
    "do_sign_with_scan",
    "do_unassign_mediator",
    "do_update_agreement",
    "do_void_signatures",
    "eligible_mediators",
    "mediator_conflict",
    "negotiation_link",
    "on_case_transition",
    "rating_link",
    "validate_agreement_input",
]
