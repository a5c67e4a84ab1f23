"""Forms for staff. They parse input only; the rules live in cases/actions.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.actions import CaseInput, ClaimInput, EmployerInput, WorkerInput
from tiaojie.cases.models import Channel, ClaimType, Status
from tiaojie.cases.queries import SEARCH_MAX_LENGTH, CaseFilters


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("查找"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={"max_length": _("查找内容不超过%(limit_value)d个字")},
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("案号、姓名、用人单位、信用代码、身份证号、手机号，或事实、笔录中的词"),
            }
        ),
    )
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *Status.choices], required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    claim_type = forms.ChoiceField(label=_("请求事项"), choices=[("", _("全部")), *ClaimType.choices], required=False)
    channel = forms.ChoiceField(label=_("来源渠道"), choices=[("", _("全部")), *Channel.choices], required=False)
    received_from = forms.DateField(
        label=_("收到日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    received_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def filters(self) -> CaseFilters:
        # The fields that parsed still apply when another did not (its error shows beside it).
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        return CaseFilters(
            q=d.get("q", ""),
            status=d.get("status", ""),
            overdue=bool(d.get("overdue")),
            claim_type=d.get("claim_type", ""),
            channel=d.get("channel", ""),
            received_from=d.get("received_from"),
            received_to=d.get("received_to"),
        )


class IntakeForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("受理组织"), coerce=int)
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices, initial=Channel.WALK_IN)
    received_at = forms.DateTimeField(
        label=_("收到申请时间"),
        required=False,
        help_text=_("留空为现在；补录书面申请时填写实际收到时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    employer_name = forms.CharField(label=_("用人单位名称"), max_length=200)
    employer_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    employer_address = forms.CharField(label=_("用人单位地址"), max_length=200, required=False)
    employer_legal_representative = forms.CharField(label=_("法定代表人"), max_length=50, required=False)
    facts = forms.CharField(label=_("事实和理由"), widget=forms.Textarea, max_length=20000)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]  # type: ignore[attr-defined]

    def clean_received_at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise ValidationError(_("收到申请时间不能晚于现在"))
        return value


class WorkerForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=30, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)


def claim_amount_field() -> forms.DecimalField:
    """A claim's amount in yuan, optional: one field for every staff form that takes a claim (this one and the
    hotline's conversion of a call), so their limits and messages cannot drift apart."""
    return forms.DecimalField(
        label=_("请求金额（元）"),
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("请输入金额，例如 12500 或 12500.50")},
    )


class ClaimForm(forms.Form):
    type = forms.ChoiceField(label=_("请求事项"), choices=ClaimType.choices)
    amount = claim_amount_field()
    description = forms.CharField(label=_("说明"), max_length=300, required=False)


WorkerFormSet = forms.formset_factory(WorkerForm, extra=0, min_num=1, validate_min=True, max_num=200)
ClaimFormSet = forms.formset_factory(ClaimForm, extra=0, min_num=1, validate_min=True, max_num=30)


def case_input_from_forms(form: IntakeForm, workers: forms.BaseFormSet, claims: forms.BaseFormSet) -> CaseInput:
    d = form.cleaned_data
    return CaseInput(
        employer=EmployerInput(
            name=d["employer_name"],
            credit_code=d.get("employer_credit_code", ""),
            address=d.get("employer_address", ""),
            legal_representative=d.get("employer_legal_representative", ""),
        ),
        workers=[
            WorkerInput(
                name=w["name"],
                id_number=w.get("id_number", ""),
                phone=w.get("phone", ""),
                address=w.get("address", ""),
            )
            for w in workers.cleaned_data
            if w
        ],
        claims=[
            ClaimInput(type=c["type"], amount=c.get("amount"), description=c.get("description", ""))
            for c in claims.cleaned_data
            if c
        ],
        channel=d["channel"],
        facts=d["facts"],
        received_at=d.get("received_at"),
    )


def attach_action_errors(
    errors: dict[str, str], form: IntakeForm, workers: forms.BaseFormSet, claims: forms.BaseFormSet
) -> None:
    """Put the action's dotted error keys back on the right form fields."""
    simple = {
        "employer.name": "employer_name",
        "employer.credit_code": "employer_credit_code",
        "facts": "facts",
        "channel": "channel",
    }
    for key, message in errors.items():
        parts = key.split(".")
        if key in simple:
            form.add_error(simple[key], message)
        elif parts[0] in ("workers", "claims") and len(parts) == 3:
            formset = workers if parts[0] == "workers" else claims
            formset.forms[int(parts[1])].add_error(parts[2], message)
        else:
            form.add_error(None, message)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    expected_status = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


# A typo guard on the form, not a rule of law: a cap on the days agreed is a provincial rule, checked by the
# action with its own message (reference.rules, docs/law.md §3).
EXTENSION_INPUT_MAX_DAYS = 365


class ExtendClockBForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=EXTENSION_INPUT_MAX_DAYS)
    reason = forms.CharField(label=_("双方同意延长的情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


CLAIM_MONEY = {
    "max_digits": 14,
    "decimal_places": 2,
    "min_value": Decimal("0"),
    "required": False,
    "error_messages": {
        "invalid": _("请输入金额，例如 26000 或 26000.50"),
        "min_value": _("金额不能为负数"),
        "max_digits": _("金额应小于一万亿元"),
        "max_whole_digits": _("金额应小于一万亿元"),
        "max_decimal_places": _("金额最多保留两位小数"),
    },
}


class ClaimEditForm(forms.Form):
    """A claim's amount (empty: no amount, e.g. 确认劳动关系) and description; `expected_amount` is the amount
    the editor saw, so an edit over someone else's newer one is refused instead of silently overwriting it."""

    amount = forms.DecimalField(label=_("请求金额（元）"), **CLAIM_MONEY)  # type: ignore[arg-type]
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    known_on = forms.DateField(
        label=_("知道或者应当知道权利被侵害之日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    expected_amount = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_expected_amount(self) -> Decimal | None:
        raw = self.cleaned_data.get("expected_amount", "")
        if raw in ("", "None"):
            return None
        try:
            return Decimal(raw)
        except ArithmeticError as exc:
            raise ValidationError(_("页面已过期，请刷新后再修改")) from exc


class ClaimAddForm(forms.Form):
    type = forms.ChoiceField(label=_("请求事项"), choices=[("", _("请选择")), *ClaimType.choices])
    amount = forms.DecimalField(label=_("请求金额（元）"), **CLAIM_MONEY)  # type: ignore[arg-type]
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    known_on = forms.DateField(
        label=_("知道或者应当知道权利被侵害之日（可不填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("仲裁时效从这一天起算一年；不填的，按申请调解时尚在时效内显示。"),
    )


def first_errors(form: forms.BaseForm) -> str:
    """The form's field messages in one line, labelled, for a redirect that loses the form."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else ""
        parts.append(f"{label}：{errors[0]}" if label else str(errors[0]))
    return "；".join(parts)
