"""Web forms generated from the calculator library's metadata (`registry.CALCULATORS`).

The library is the one validator, so every form field here accepts any text: the form only carries what was
typed to `lookup.calculate_with_tables` and puts the library's Chinese messages back beside their fields.
A blank field is sent as "" which the library reads as "not given" (or as null for a nullable field).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from tiaojie.calculators.core import FieldError
from tiaojie.calculators.registry import Calculator, Field
from tiaojie.calculators_web.lookup import TABLE_FIELDS
from tiaojie.calculators_web.models import LocalWageStandard
from tiaojie.lib.stored_text import translate_stored
from tiaojie.reference.models import Division


def _form_field(field: Field) -> forms.Field:
    label = _(field.label)  # the library's Chinese labels, translatable if a catalogue has them
    widget: forms.Widget
    if field.type == "choice":
        choices = [(value, _(text)) for value, text in field.choices]
        if not field.default:
            choices.insert(0, ("", "—"))
        return forms.ChoiceField(label=label, choices=choices, required=False, initial=field.default)
    if field.type == "date":
        widget = forms.DateInput(attrs={"type": "date", "placeholder": "YYYY-MM-DD"}, format="%Y-%m-%d")
    elif field.type == "text":
        # A textarea, one entry a line: typed on a phone's keyboard without a picker for each day.
        widget = forms.Textarea(attrs={"rows": 4, "placeholder": "2026-10-01 8\n2026-10-04 6", "autocomplete": "off"})
        help_text = _(field.help) if field.help else ""
        return forms.CharField(label=label, required=False, strip=False, widget=widget, help_text=help_text)
    else:
        widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    return forms.CharField(label=label, required=False, strip=False, widget=widget)


def wage_table_places() -> list[tuple[str, str]]:
    """(code, name) of every province or city with a row in the wage tables, by code."""
    codes = sorted(set(LocalWageStandard.objects.values_list("division_id", flat=True)))
    rows = {d.code: d for d in Division.objects.filter(code__in=codes).select_related("parent")}
    places = []
    for code in codes:
        division = rows[code]
        # A municipality's "市辖区" grouping is shown under the municipality's own name.
        name = division.parent.name if division.is_placeholder and division.parent else division.name
        places.append((code, name))  # the code is the form's value; a person reads the name only
    return places


class CalculatorForm(forms.Form):
    """The inputs of one calculator, plus an optional place and date for looking up local wages."""

    def __init__(self, calculator: Calculator, *args: Any, place: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calculator = calculator
        self.required_names = {f.name for f in calculator.fields if f.required or f.nullable}
        for field in calculator.fields:
            self.fields[field.name] = _form_field(field)
        self.takes_local_wages = any(f.name in TABLE_FIELDS for f in calculator.fields)
        if self.takes_local_wages:
            places = wage_table_places()
            self.fields["city_code"] = forms.ChoiceField(
                label=_("按地区查当地工资标准（可选）"),
                choices=[("", _("不查表")), *places],
                required=False,
                initial=place if place in dict(places) else "",
                help_text=_(
                    "选择地区后，未填写的当地最低月工资标准、当地上年度职工月平均工资按表中在查表日期施行的标准填入，"
                    "并在计算过程中注明来源。"
                ),
            )
            self.fields["on_date"] = forms.CharField(
                label=_("查表日期（可选，默认为解除或者终止日期）"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "placeholder": "YYYY-MM-DD"}, format="%Y-%m-%d"),
            )

    def calculator_input(self) -> dict[str, object]:
        """The typed values as the JSON object the CLI and the API take; call after is_valid()."""
        return {name: self.cleaned_data.get(name, "") for name in self.fields}

    def add_calculator_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            name = error["field"]
            message = str(translate_stored(error["message"]))  # a library `Text` in the reader's language
            self.add_error(name if name in self.fields else None, self.for_people(message))

    def for_people(self, text: str) -> str:
        """The library's text without the JSON keys it names for CLI and API users: "离职日期（end_date）不能早于
        入职日期（start_date）" reads "离职日期不能早于入职日期" on the page, and in the steps kept with a claim."""
        keys = "|".join(re.escape(name) for name in sorted(self.fields, key=len, reverse=True))
        return re.sub(rf"（(?:{keys})）| ?\((?:{keys})\)", "", text)
