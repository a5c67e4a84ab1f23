"""The triage questions, one small form per screen (intake/triage.py holds what the answers mean).

Nothing about the person is asked: no name, no phone, no employer name. The answers are kept as typed (strings)
in a signed token, so going back or a wrong date loses nothing; `answers_from` turns them into `triage.Answers`
once every screen is in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiaojie.intake import triage
from tiaojie.lib.workdays import legal_date

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise
else:
    StrOrPromise = str

EARLIEST = dt.date(1950, 1, 1)  # before the labour law of the People's Republic existed: a typing mistake
Raw = dict[str, str]


def _date_field(label: StrOrPromise, required: bool, help_text: StrOrPromise = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("请填写日期；记不清的，写个大概的日子也可以"),
            "invalid": gettext_lazy("请按 年-月-日 填写日期，例如 2025-03-01"),
        },
    )


def check_date(form: forms.Form, name: str, today: dt.date) -> None:
    day = form.cleaned_data.get(name)
    if day is None:
        return
    if day > today:
        form.add_error(name, _("这个日期晚于今天，请核对"))
    elif day < EARLIEST:
        form.add_error(name, _("这个日期早于1950年，请核对"))


class TriageForm(forms.Form):
    def __init__(self, *args: Any, today: dt.date, earlier: Raw | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.earlier = earlier or {}  # the other screens' answers, for checks across screens


class WorkForm(TriageForm):
    still_employed = forms.ChoiceField(
        label=gettext_lazy("您现在还在这个单位工作吗"),
        choices=[("yes", gettext_lazy("还在工作")), ("no", gettext_lazy("已经离开"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选一项")},
    )
    left_on = _date_field(gettext_lazy("哪天离开的"), required=False)
    left_reason = forms.ChoiceField(
        label=gettext_lazy("为什么离开"),
        choices=triage.LEFT_REASON_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        check_date(self, "left_on", self.today)
        if d.get("still_employed") == "no":
            if not d.get("left_on") and "left_on" not in self.errors:
                self.add_error("left_on", _("已经离开的，请填写离开的日期（记不清可以写大概）"))
            if not d.get("left_reason"):
                self.add_error("left_reason", _("请选择离开的原因"))
        return d


class ProblemsForm(TriageForm):
    problems = forms.MultipleChoiceField(
        label=gettext_lazy("遇到了什么问题（可以选几项）"),
        choices=triage.PROBLEM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("请至少选一项；说不清的，选“说不清，想问问”")},
    )


class DatesForm(TriageForm):
    known_on = _date_field(
        gettext_lazy("问题是从哪天开始的，或者您是哪天知道的"),
        required=True,
        help_text=gettext_lazy("例如第一次没按时发工资的日子、受伤的日子；记不清可以写大概"),
    )
    employment_start = _date_field(gettext_lazy("哪天开始在这个单位工作（可不填）"), required=False)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        check_date(self, "known_on", self.today)
        check_date(self, "employment_start", self.today)
        start = d.get("employment_start")
        try:
            left = dt.date.fromisoformat(self.earlier.get("left_on", ""))
        except ValueError:
            left = None
        if start and left and self.earlier.get("still_employed") == "no" and start > left:
            self.add_error("employment_start", _("开始工作的日期晚于离开的日期，请核对"))
        return d


class EmployerForm(TriageForm):
    employer_size = forms.ChoiceField(
        label=gettext_lazy("单位有多大"),
        choices=triage.SIZE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选一项；不清楚的，选“不清楚”")},
    )


class AgreementForm(TriageForm):
    agreement = forms.ChoiceField(
        label=gettext_lazy("单位和您已经有书面的约定了吗"),
        choices=triage.AGREEMENT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选一项")},
    )


@dataclass(frozen=True)
class Screen:
    slug: str
    title: str | Promise
    form: type[TriageForm]


SCREENS: tuple[Screen, ...] = (
    Screen("work", gettext_lazy("还在单位吗"), WorkForm),
    Screen("problems", gettext_lazy("遇到了什么问题"), ProblemsForm),
    Screen("dates", gettext_lazy("什么时候开始的"), DatesForm),
    Screen("employer", gettext_lazy("单位有多大"), EmployerForm),
    Screen("agreement", gettext_lazy("有没有协议"), AgreementForm),
)
SCREEN_SLUGS = tuple(s.slug for s in SCREENS)
FORMS = {s.slug: s.form for s in SCREENS}


def field_names(slug: str) -> list[str]:
    return list(FORMS[slug](today=dt.date.min).fields)


def posted(slug: str, data: Any) -> Raw:
    """The screen's fields as posted, valid or not (several ticks joined by commas); an unticked field is ""."""
    values: Raw = {}
    for name, field in FORMS[slug](today=dt.date.min).fields.items():
        if isinstance(field, forms.MultipleChoiceField):
            values[name] = ",".join(v[:40] for v in data.getlist(name)[:20])
        else:
            values[name] = data.get(name, "")[:40]
    return values


def bound(slug: str, raw: Raw, today: dt.date) -> TriageForm:
    data: dict[str, Any] = {}
    for name, field in FORMS[slug](today=today).fields.items():
        value = raw.get(name, "")
        data[name] = [v for v in value.split(",") if v] if isinstance(field, forms.MultipleChoiceField) else value
    return FORMS[slug](data=data, today=today, earlier=raw)


def first_unanswered(raw: Raw, today: dt.date) -> str | None:
    for slug in SCREEN_SLUGS:
        if not bound(slug, raw, today).is_valid():
            return slug
    return None


def answers_from(raw: Raw, today: dt.date) -> triage.Answers | None:
    """The answers, or None while a screen is not in order."""
    cleaned: dict[str, Any] = {}
    for slug in SCREEN_SLUGS:
        form = bound(slug, raw, today)
        if not form.is_valid():
            return None
        cleaned.update(form.cleaned_data)
    still = cleaned["still_employed"] == "yes"
    return triage.Answers(
        still_employed=still,
        left_on=None if still else cleaned["left_on"],
        left_reason="" if still else cleaned["left_reason"],
        problems=frozenset(cleaned["problems"]),
        known_on=cleaned["known_on"],
        employment_start=cleaned.get("employment_start"),
        employer_size=cleaned["employer_size"],
        agreement=cleaned["agreement"],
    )


def today() -> dt.date:
    return legal_date(timezone.now())
