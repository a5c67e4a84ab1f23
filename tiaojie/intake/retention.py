"""Intake's part of the retention job (tiaojie.cases.retention, docs/privacy.md): registered from IntakeConfig.ready().

- Tracking codes are deleted: the case can no longer be looked up from the public page. So are the SMS codes
  (PhoneChallenge) and the tracking code kept in the online submission's confirmation.
- Evidence files are deleted from disk (on commit) and their rows kept, marked: the name says the file was
  deleted, the path points nowhere (downloads 404), size and SHA-256 stay as the record of what was filed.
- The oral-application record keeps its dates and how it was confirmed; names and numbers leave its texts.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from tiaojie.cases.models import Case
from tiaojie.cases.retention import Anonymisation
from tiaojie.intake.models import (
    DuplicateSuspicion,
    Evidence,
    OralApplicationRecord,
    PhoneChallenge,
    Submission,
    TrackingCode,
)

# Where an anonymised evidence row points: unique per row (the column is unique) and under no folder files are
# written to (uploads go to evidence/<case>/), so lib.uploads.existing_file finds nothing and a download is a 404.
DELETED_PATH = "deleted/evidence/{pk}"


def names(case: Case) -> dict[str, str]:
    record = OralApplicationRecord.objects.filter(case=case).first()
    return {record.applicant_name: _("申请人")} if record else {}


def anonymise(ctx: Anonymisation) -> None:
    deleted, _rows = TrackingCode.objects.filter(case=ctx.case).delete()
    ctx.counts["tracking_codes"] += deleted
    # SMS codes keyed by the phone's blind index: those of the case, and those of a worker cleared in this run.
    PhoneChallenge.objects.filter(Q(case=ctx.case) | Q(phone_index__in=ctx.cleared_indexes)).delete()
    Submission.objects.filter(case=ctx.case).update(done_encrypted="")  # the confirmation shows the tracking code
    for suspicion in DuplicateSuspicion.objects.filter(case=ctx.case).exclude(resolution_reason=""):
        DuplicateSuspicion.objects.filter(pk=suspicion.pk).update(
            resolution_reason=ctx.scrub(suspicion.resolution_reason)
        )
    for evidence in Evidence.objects.filter(case=ctx.case).exclude(path__startswith="deleted/"):
        ctx.delete_file(evidence.path)
        Evidence.objects.filter(pk=evidence.pk).update(
            path=DELETED_PATH.format(pk=evidence.pk),
            original_name=_("（已按保存期限删除）"),
            description=ctx.scrub(evidence.description),
        )
        ctx.counts["evidence"] += 1
    record = OralApplicationRecord.objects.filter(case=ctx.case).first()
    if record is not None:
        OralApplicationRecord.objects.filter(pk=record.pk).update(
            applicant_name=ctx.placeholder(record.applicant_name, _("申请人")),
            matters=ctx.scrub(record.matters),
            reasons=ctx.scrub(record.reasons),
            place=ctx.scrub(record.place),
        )
