"""Forms parse input only; the rules live in mediation/actions.py."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.models import ClaimType
from tiaojie.mediation.models import Agreement, Negotiation, Notice, Party, Session, SignerRole

MONEY = {
    "max_digits": 14,
    "decimal_places": 2,
    "min_value": Decimal("0"),
    "error_messages": {"invalid": _("请输入金额，例如 12500 或 12500.50")},
}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# The site stylesheet makes every input a full-width block; choices sit inline (and stay 44px tall to tap).
INLINE = {"class": "u-inline-choice"}  # site.css: a style attribute would be blocked by the CSP


def _radio() -> forms.RadioSelect:
    return forms.RadioSelect(attrs=INLINE)


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


class EmployerContactForm(forms.Form):
    contact_name = forms.CharField(label=_("用人单位联系人"), max_length=50)
    contact_title = forms.CharField(label=_("职务"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("联系人手机号码"), max_length=20, required=False, help_text=_("用于发送协商答复链接和签署验证码")
    )


class OpenNegotiationForm(forms.Form):
    requested_by = forms.ChoiceField(
        label=_("提出协商的一方"), choices=Party.choices, initial=Party.WORKER, widget=_radio()
    )
    contact_name = forms.CharField(label=_("用人单位联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系人手机号码"), max_length=20, required=False)


class StaffAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("答复"), choices=[("accept", _("同意协商")), ("decline", _("拒绝协商"))], widget=_radio()
    )
    channel = forms.ChoiceField(
        label=_("答复方式"),
        choices=[(c.value, c.label) for c in Negotiation.AnswerChannel if c != Negotiation.AnswerChannel.LINK],
    )
    note = forms.CharField(label=_("答复内容"), widget=_rows(2), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=_rows(2), max_length=2000)


class SettlementForm(forms.Form):
    terms = forms.CharField(label=_("和解内容"), widget=_rows(4), max_length=20000)
    amount = forms.DecimalField(label=_("涉及金额（元）"), required=False, **MONEY)  # type: ignore[arg-type]
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE)
    perform_by = forms.DateField(label=_("履行期限"), widget=DATE, required=False)


class SettlementPerformanceForm(forms.Form):
    performed = forms.ChoiceField(
        label=_("履行情况"),
        choices=[("yes", _("已履行，结案")), ("no", _("未履行，转入调解"))],
        widget=_radio(),
    )
    note = forms.CharField(label=_("说明（未履行时必填）"), widget=_rows(2), required=False, max_length=2000)


class AssignForm(forms.Form):
    user = forms.TypedChoiceField(label=_("调解员"), coerce=int)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = list(choices)  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    mode = forms.ChoiceField(label=_("方式"), choices=Session.Mode.choices)
    starts_at = forms.DateTimeField(label=_("时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点（现场调解必填）"), max_length=200, required=False)
    link = forms.CharField(label=_("视频链接（视频调解必填）"), max_length=500, required=False)
    participants = forms.CharField(label=_("参加人员"), widget=_rows(2), max_length=2000)
    notify_parties = forms.BooleanField(
        label=_("短信通知双方当事人"), required=False, widget=forms.CheckboxInput(attrs=INLINE)
    )
    already_held = forms.BooleanField(
        label=_("补登记已进行的调解（时间已过，不发短信）"), required=False, widget=forms.CheckboxInput(attrs=INLINE)
    )


class RescheduleForm(forms.Form):
    mode = forms.ChoiceField(label=_("方式"), choices=Session.Mode.choices)
    starts_at = forms.DateTimeField(label=_("新的时间"), widget=DATETIME)
    place = forms.CharField(label=_("地点（现场调解必填）"), max_length=200, required=False)
    link = forms.CharField(label=_("视频链接（视频调解必填）"), max_length=500, required=False)
    reason = forms.CharField(label=_("改期原因（可不填）"), max_length=300, required=False)


class CancelSessionForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=300)


class MinutesForm(forms.Form):
    held_at = forms.DateTimeField(label=_("时间（留空为会议时间）"), widget=DATETIME, required=False)
    place = forms.CharField(label=_("地点（留空为会议地点）"), max_length=200, required=False)
    participants = forms.CharField(label=_("参加人员（留空为会议安排的人员）"), widget=_rows(2), required=False)
    statements = forms.CharField(label=_("双方陈述"), widget=_rows(5), max_length=50000)
    proposals = forms.CharField(label=_("调解意见和方案"), widget=_rows(3), required=False, max_length=20000)
    signatures = forms.CharField(
        label=_("签名情况"),
        max_length=300,
        initial=_("双方当事人及调解员已在笔录上签名"),
    )


class AgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    payment_method = forms.ChoiceField(label=_("履行方式"), choices=Agreement.Method.choices)
    payment_method_note = forms.CharField(label=_("履行方式说明（如收款账户）"), max_length=200, required=False)
    tax_note = forms.CharField(label=_("税费说明"), max_length=300, required=False)
    waived_note = forms.CharField(label=_("放弃的请求事项及说明"), widget=_rows(2), required=False, max_length=5000)
    other_terms = forms.CharField(label=_("其他约定"), widget=_rows(3), required=False, max_length=20000)


class ItemForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    type = forms.ChoiceField(label=_("请求事项"), choices=[("", "—"), *ClaimType.choices], required=False)
    amount_agreed = forms.DecimalField(label=_("协议金额（元）"), **MONEY)  # type: ignore[arg-type]
    note = forms.CharField(label=_("说明（如放弃、部分支持）"), max_length=300, required=False)


class PaymentForm(forms.Form):
    due_date = forms.DateField(label=_("支付期限"), widget=DATE)
    amount = forms.DecimalField(label=_("金额（元）"), **MONEY)  # type: ignore[arg-type]


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=40, absolute_max=40)
PaymentFormSet = forms.formset_factory(PaymentForm, extra=1, max_num=60, absolute_max=60)


class SignatureBaseForm(forms.Form):
    role = forms.ChoiceField(choices=SignerRole.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class SignCodeForm(SignatureBaseForm):
    code = forms.CharField(label=_("短信验证码"), max_length=10)
    signer_name = forms.CharField(label=_("签署人姓名"), max_length=100, required=False)


class SignScanForm(SignatureBaseForm):
    file = forms.FileField(label=_("签字（盖章）页扫描件"))
    signer_name = forms.CharField(label=_("签署人姓名"), max_length=100, required=False)


class ConfirmationForm(forms.Form):
    route = forms.ChoiceField(label=_("双方选择"), choices=Agreement.Route.choices)
    outcome = forms.ChoiceField(label=_("结果"), choices=Agreement.Outcome.choices)
    outcome_on = forms.DateField(label=_("结果日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class PaymentPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("实际支付日期"), widget=DATE)
    file = forms.FileField(label=_("支付凭证（PDF、JPEG、PNG）"))


class FailMediationForm(forms.Form):
    category = forms.ChoiceField(label=_("原因类别"), choices=Notice.FailureCategory.choices)
    reason = forms.CharField(label=_("具体情况"), widget=_rows(2), max_length=2000)


class EmployerAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("同意协商")), ("decline", _("不同意协商"))])


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(5, _("5 非常满意")), (4, _("4 满意")), (3, _("3 一般")), (2, _("2 不满意")), (1, _("1 非常不满意"))],
        widget=_radio(),
    )
    comment = forms.CharField(label=_("意见和建议（可不填）"), widget=_rows(3), required=False, max_length=1000)
