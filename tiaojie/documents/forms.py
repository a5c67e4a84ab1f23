"""Forms parse input only; the rules (what a refusal needs, what a seal must be) live in documents/actions.py,
whose DocumentError.field_errors the views attach to these forms' fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.documents.actions import ServiceInput
from tiaojie.documents.models import Kind, Service
from tiaojie.lib.workdays import LEGAL_TZ

VERIFY_MAX_BYTES = 20 * 1024 * 1024


class IssueForm(forms.Form):
    """Which document to issue: a kind and its subject ("" or "doc:12", "minutes:3" …)."""

    kind = forms.ChoiceField(choices=Kind.choices)
    subject = forms.CharField(max_length=40, required=False)
    open = forms.BooleanField(required=False)  # go to the new document's page (else back to the case page)


class RegenerateForm(forms.Form):
    reason = forms.CharField(
        label=_("重新生成的原因"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("例如：更正被申请人名称")}),
        error_messages={"required": _("请说明重新生成的原因")},
    )


class BeijingDateTimeField(forms.DateTimeField):
    """A datetime-local value read as Beijing time whatever the active time zone (the form says 北京时间)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> dt.datetime | None:
        result = super().to_python(value)
        if result is None:
            return None
        naive = timezone.make_naive(result) if timezone.is_aware(result) else result
        return naive.replace(tzinfo=LEGAL_TZ)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value.astimezone(LEGAL_TZ).replace(tzinfo=None)
        return value


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "——"), *choices]


class ServiceForm(forms.Form):
    """One proof of service. Only the time must parse here; which fields an outcome needs is validate_service's."""

    method = forms.ChoiceField(label=_("送达方式"), choices=_blank(Service.Method.choices), required=False)
    served_at = BeijingDateTimeField(
        label=_("送达时间（北京时间）"),
        error_messages={"required": _("请填写送达时间"), "invalid": _("请填写有效的日期和时间")},
    )
    receiver = forms.CharField(label=_("受送达人"), max_length=100, required=False)
    receiver_relation = forms.CharField(
        label=_("签收人与受送达人关系"), max_length=50, required=False, help_text=_("本人签收的填“本人”")
    )
    address = forms.CharField(label=_("送达地址或号码"), max_length=200, required=False)
    outcome = forms.ChoiceField(label=_("送达结果"), choices=_blank(Service.Outcome.choices), required=False)
    refusal_reason = forms.CharField(
        label=_("拒收事由"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    witness = forms.CharField(
        label=_("见证人"), max_length=100, required=False, help_text=_("留置送达时须有见证人（姓名及身份）")
    )
    server_name = forms.CharField(label=_("送达人"), max_length=50, required=False)
    tracking_number = forms.CharField(label=_("邮件单号"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scan = forms.FileField(
        label=_("送达回证扫描件（可选）"), required=False, help_text=_("PDF、JPEG 或 PNG，已签收或注明拒收的回证")
    )

    def service_input(self, *, served_at: dt.datetime | None = None) -> ServiceInput:
        """The parsed input; after a failed is_valid() the fields that did parse, `served_at` standing in for a
        time that did not (so the action's other rules can still be checked and shown at once)."""
        d = self.cleaned_data

        def text(name: str) -> str:
            return d.get(name) or ""

        return ServiceInput(
            method=text("method"),
            served_at=d.get("served_at") or served_at or timezone.now(),
            receiver=text("receiver"),
            outcome=text("outcome"),
            server_name=text("server_name"),
            receiver_relation=text("receiver_relation"),
            address=text("address"),
            refusal_reason=text("refusal_reason"),
            witness=text("witness"),
            tracking_number=text("tracking_number"),
            note=text("note"),
        )


class LetterheadForm(forms.Form):
    header = forms.CharField(label=_("文书抬头"), max_length=100, required=False, help_text=_("留空则使用组织名称"))
    number_prefix = forms.CharField(
        label=_("文书编号前缀"),
        max_length=12,
        required=False,
        help_text=_("例如“西劳调”；编号形如 西劳调〔2026〕12号。留空则使用系统默认前缀"),
    )
    seal = forms.FileField(
        label=_("印章图片（PNG，透明背景，不超过1 MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    remove_seal = forms.BooleanField(
        label=_("删除现有印章图片"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "u-inline-check"}),  # site.css (no style attribute: the CSP)
    )


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=_("选择要核对的文件（PDF 或 Word）"),
        error_messages={"required": _("请选择一个文件"), "empty": _("文件是空的")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > VERIFY_MAX_BYTES:
            raise forms.ValidationError(_("文件太大：不超过 20 MB"))
        return upload
