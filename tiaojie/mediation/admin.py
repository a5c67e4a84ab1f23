"""MediatorEmployment is edited here (who works for which employer); the rest is read-only, because every
write of the flow goes through mediation/actions.py."""

from django.contrib import admin

from tiaojie.lib.admin import ReadOnlyAdmin
from tiaojie.mediation.models import Agreement, MediatorEmployment, Negotiation, Notice, Rating


@admin.register(MediatorEmployment)
class MediatorEmploymentAdmin(admin.ModelAdmin):
    list_display = ["user", "employer", "note", "created_at"]
    raw_id_fields = ["user", "employer"]
    search_fields = ["user__username", "user__display_name", "employer__name"]


@admin.register(Negotiation)
class NegotiationAdmin(ReadOnlyAdmin):
    list_display = ["case", "requested_by", "requested_at", "answer_due", "state"]
    list_filter = ["state"]
    exclude = ["token_index", "token_encrypted"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["case", "version", "effective_at", "confirmation_route", "confirmation_outcome"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "issued_on"]
    list_filter = ["kind"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["case", "party", "score", "rated_at"]
    exclude = ["token_index", "token_encrypted"]
