from django import forms
from django.utils.translation import gettext_lazy as _

from tiaojie.knowledge.models import LawText, Level


class SearchForm(forms.Form):
    q = forms.CharField(label=_("标题或条文"), max_length=100, required=False)
    level = forms.ChoiceField(label=_("效力级别"), choices=[("", _("全部")), *Level.choices], required=False)
    status = forms.ChoiceField(label=_("时效性"), choices=[("", _("全部")), *LawText.Status.choices], required=False)


class LawStatusForm(forms.Form):
    """The admin's 'mark amended / repealed' step."""

    status = forms.ChoiceField(label=_("时效性"), choices=LawText.Status.choices)
    effective_on = forms.DateField(
        label=_("自何日起"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("说明（如修改或废止的文件）"), max_length=500, required=False)
