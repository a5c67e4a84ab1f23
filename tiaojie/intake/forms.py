"""Staff forms for intake. Parsing only; the rules live in intake/actions.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaojie.cases.forms import IntakeForm
from tiaojie.intake.models import OralApplicationRecord


class AssistedIntakeForm(IntakeForm):
    """The staff intake form, plus where the case should go and the oral-application record."""

    ROUTE_HERE = "here"
    ROUTE_RULES = "rules"
    destination = forms.ChoiceField(
        label=_("受理方式"),
        choices=[(ROUTE_HERE, _("由本组织受理")), (ROUTE_RULES, _("按分派规则转到负责的调解组织"))],
        initial=ROUTE_HERE,
        widget=forms.RadioSelect,
    )
    employer_division = forms.CharField(
        label=_("用人单位所在地区划代码"), max_length=12, required=False,
        help_text=_("按规则分派时填写，例如 330110012（余杭区仓前街道）；留空则用本组织所在地"),
    )  # fmt: skip
    negotiation_first = forms.BooleanField(label=_("申请人选择先与用人单位协商"), required=False)
    oral = forms.BooleanField(label=_("口头申请（当场制作口头申请笔录）"), required=False)
    oral_place = forms.CharField(label=_("地点"), max_length=200, required=False)
    oral_confirmation = forms.ChoiceField(
        label=_("申请人确认方式"), choices=[("", "—"), *OralApplicationRecord.Confirmation.choices], required=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("oral") and not data.get("oral_confirmation"):
            self.add_error("oral_confirmation", _("口头申请须记录申请人如何确认笔录内容"))
        return data


class RerouteForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("转交给"), coerce=int)
    reason = forms.CharField(label=_("转交原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, f"{o.name}（{o.type.name}）") for o in organisations]  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("文件"), error_messages={"required": _("请选择要上传的文件")})
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class DuplicateForm(forms.Form):
    MERGE = "merge"
    KEEP = "keep"
    decision = forms.ChoiceField(
        label=_("处理方式"),
        choices=[(MERGE, _("是重复申请：并入原案件")), (KEEP, _("不是重复申请：分别办理"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("核实情况"),
        max_length=500,
        help_text=_("例如：已电话联系原申请人本人，确认是其补充申请"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisputeTypeForm(forms.Form):
    """Staff confirm or correct the dispute types of a case: one or more of the nine labels."""

    labels = forms.MultipleChoiceField(
        label=_("争议类型"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一种争议类型"), "invalid_choice": _("请从列出的争议类型中选择")},
    )
    add_claims = forms.BooleanField(label=_("同时添加本案还没有的对应请求事项（不填金额，可随后修改）"), required=False)

    def __init__(self, *args, **kwargs):
        from tiaojie.knowledge.classifier import LABEL_NAMES, LABELS

        super().__init__(*args, **kwargs)
        self.fields["labels"].choices = [(label, LABEL_NAMES[label]) for label in LABELS]  # type: ignore[attr-defined]
