"""Forms of the hotline console. They parse input only; the rules live in hotline/actions.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.forms import claim_amount_field
from tiaojie.cases.models import ClaimType
from tiaojie.hotline.actions import CallInput, ConversionInput
from tiaojie.hotline.models import CallKind, ComplexityTier, HotlineCall
from tiaojie.organisations.models import Organisation

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class CallFilterForm(forms.Form):
    work_order = forms.ChoiceField(
        label=_("工单"),
        required=False,
        choices=[("", _("全部来电")), ("open", _("工单未办结")), ("overdue", _("工单已逾期"))],
    )
    kind = forms.ChoiceField(label=_("来电类型"), required=False, choices=[("", _("全部")), *CallKind.choices])

    def values(self) -> dict[str, str]:
        d = self.cleaned_data if self.is_valid() else {}
        return {"work_order": d.get("work_order", ""), "kind": d.get("kind", "")}


class CallForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("热线"), coerce=int)
    caller_name = forms.CharField(
        label=_("来电人"),
        max_length=50,
        error_messages=_required(_("请填写来电人姓名（来电人不愿透露的，可填“匿名”）")),
    )
    caller_phone = forms.CharField(
        label=_("来电号码"),
        max_length=30,
        required=False,
        help_text=_("手机或带区号的固定电话；列表中只显示部分号码"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("来电类型"),
        choices=CallKind.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("请选择来电类型")),
    )
    topic = forms.ChoiceField(
        label=_("来电事项"), choices=ClaimType.choices, error_messages=_required(_("请选择来电事项"))
    )
    other_topics = forms.MultipleChoiceField(
        label=_("同一来电还反映了（可多选）"),
        choices=ClaimType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从列表中选择其他来电事项")},
    )
    summary = forms.CharField(
        label=_("来电内容"), widget=TEXTAREA, max_length=5000, error_messages=_required(_("请填写来电内容"))
    )
    answer = forms.CharField(
        label=_("答复内容"), widget=TEXTAREA, max_length=5000, error_messages=_required(_("请填写答复内容"))
    )
    duration_minutes = forms.IntegerField(
        label=_("通话时长：分"),
        min_value=0,
        max_value=24 * 60 - 1,
        error_messages=_required(_("请填写通话时长")),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    duration_seconds = forms.IntegerField(
        label=_("秒"),
        min_value=0,
        max_value=59,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    started_at = forms.DateTimeField(
        label=_("来电时间"),
        required=False,
        help_text=_("留空为现在；补录时填写实际来电时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, organisations: Iterable[Organisation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(o.pk, o.name) for o in organisations]
        field = self.fields["organisation"]
        field.choices = choices  # type: ignore[attr-defined]
        if len(choices) == 1:
            field.initial = choices[0][0]
            field.widget = forms.HiddenInput()

    def call_input(self) -> CallInput:
        d = self.cleaned_data
        return CallInput(
            caller_name=d["caller_name"],
            caller_phone=d.get("caller_phone", ""),
            topic=d["topic"],
            other_topics=list(d.get("other_topics") or []),
            kind=d["kind"],
            summary=d["summary"],
            answer=d["answer"],
            duration_seconds=d["duration_minutes"] * 60 + (d.get("duration_seconds") or 0),
            started_at=d.get("started_at"),
        )

    def attach_action_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            field = {"duration": "duration_minutes"}.get(key, key)
            self.add_error(field if field in self.fields else None, message)


class WorkOrderForm(forms.Form):
    tier = forms.ChoiceField(label=_("复杂程度"), error_messages=_required(_("请选择复杂程度")))
    description = forms.CharField(label=_("工单内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, tiers: Iterable[ComplexityTier] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [  # type: ignore[attr-defined]
            (t.code, _("%(name)s（%(days)d个工作日）") % {"name": t.name, "days": t.working_days}) for t in tiers
        ]


class CloseWorkOrderForm(forms.Form):
    note = forms.CharField(
        label=_("办结情况"), widget=forms.Textarea(attrs={"rows": 2}), error_messages=_required(_("请填写办结情况"))
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[
            (5, _("5 非常满意")),
            (4, _("4 满意")),
            (3, _("3 基本满意")),
            (2, _("2 不满意")),
            (1, _("1 非常不满意")),
        ],
        widget=forms.RadioSelect,
        error_messages=_required(_("请选择评分")),
    )
    comment = forms.CharField(
        label=_("评价意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=500
    )


class ConvertForm(forms.Form):
    worker_name = forms.CharField(label=_("劳动者姓名"), max_length=50, error_messages=_required(_("请填写劳动者姓名")))
    worker_id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=30,
        required=False,
        help_text=_("填写后可识别同一劳动者的在办案件，避免重复立案"),
    )
    use_caller_phone = forms.BooleanField(label=_("使用来电号码作为劳动者手机号码"), required=False)
    worker_phone = forms.CharField(
        label=_("劳动者手机号码"),
        max_length=20,
        required=False,
        help_text=_("与来电号码不同时填写"),
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    claim_type = forms.ChoiceField(label=_("请求事项"), choices=ClaimType.choices)
    amount = claim_amount_field()
    facts = forms.CharField(
        label=_("事实和理由"), widget=TEXTAREA, max_length=20000, error_messages=_required(_("请填写事实和理由"))
    )
    employer_name = forms.CharField(
        label=_("用人单位名称"), max_length=200, error_messages=_required(_("请填写用人单位名称"))
    )
    employer_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    # A name or a code: the action resolves a name within the hotline's area (hotline.actions). No numeric
    # keypad: operators type names ("仓前") far more often than nine-digit codes.
    employer_division = forms.CharField(
        label=_("用人单位所在地"),
        max_length=60,
        help_text=_(
            "输入乡镇（街道）或县（区）的名称，如“仓前”，从列表中选择，也可输入行政区划代码；决定由哪个调解组织受理"
        ),
        error_messages=_required(_("请选择用人单位所在地")),
        widget=forms.TextInput(attrs={"list": "division-options", "autocomplete": "off"}),
    )

    MORE_CLAIMS = 3  # rows for further claims of the same call, after the first

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(2, self.MORE_CLAIMS + 2):
            self.fields[f"claim_type_{n}"] = forms.ChoiceField(
                label=_("请求事项%(n)d") % {"n": n}, choices=[("", _("（无）")), *ClaimType.choices], required=False
            )
            amount = claim_amount_field()
            amount.label = _("请求金额%(n)d（元）") % {"n": n}
            self.fields[f"amount_{n}"] = amount

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for n in range(2, self.MORE_CLAIMS + 2):
            if d.get(f"amount_{n}") is not None and not d.get(f"claim_type_{n}"):
                self.add_error(f"claim_type_{n}", _("填了金额的，请选择是哪一项请求"))
        return d

    def claim_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """The (type, amount) fields of each claim row, the first included, for the template."""
        names = [("claim_type", "amount")] + [
            (f"claim_type_{n}", f"amount_{n}") for n in range(2, self.MORE_CLAIMS + 2)
        ]
        return [(self[t], self[a]) for t, a in names]

    @classmethod
    def initial_from_call(cls, call: HotlineCall) -> dict[str, object]:
        more = {f"claim_type_{n}": t for n, t in enumerate(call.other_topics[: cls.MORE_CLAIMS], start=2)}
        return {
            "worker_name": call.caller_name,
            "use_caller_phone": call.caller_phone_is_mobile,
            "claim_type": call.topic,
            "facts": call.summary,
            **more,
        }

    def conversion_input(self) -> ConversionInput:
        d = self.cleaned_data
        return ConversionInput(
            worker_name=d["worker_name"],
            worker_id_number=d.get("worker_id_number", ""),
            worker_phone=d.get("worker_phone", ""),
            use_caller_phone=bool(d.get("use_caller_phone")),
            claim_type=d["claim_type"],
            amount=d.get("amount"),
            facts=d["facts"],
            employer_name=d["employer_name"],
            employer_credit_code=d.get("employer_credit_code", ""),
            employer_division=d["employer_division"],
            more_claims=[
                (d[f"claim_type_{n}"], d.get(f"amount_{n}"))
                for n in range(2, self.MORE_CLAIMS + 2)
                if d.get(f"claim_type_{n}")
            ],
        )

    def attach_action_errors(self, errors: dict[str, str]) -> None:
        """Put do_submit_application's dotted keys back on the right fields."""
        fields = {
            "workers.0.name": "worker_name",
            "workers.0.id_number": "worker_id_number",
            "workers.0.phone": "worker_phone",
            "claims.0.type": "claim_type",
            "claims.0.amount": "amount",
            "facts": "facts",
            "employer.name": "employer_name",
            "employer.credit_code": "employer_credit_code",
            "employer.division": "employer_division",
        }
        # A further claim's key counts the rows filled; find the row it came from.
        filled = [n for n in range(2, self.MORE_CLAIMS + 2) if self.cleaned_data.get(f"claim_type_{n}")]
        for i, n in enumerate(filled, start=1):
            fields[f"claims.{i}.type"] = f"claim_type_{n}"
            fields[f"claims.{i}.amount"] = f"amount_{n}"
        for key, message in errors.items():
            self.add_error(fields.get(key), message)
