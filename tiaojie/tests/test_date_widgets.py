"""Every date and date-time box of every form shows a saved or typed value again, in Chinese as in English.

A browser's <input type="date"> accepts only 2026-12-02 as its value; Django's default rendering in zh-hans is
2026/12/02, which the browser silently drops, so an edit page showed its saved dates blank and a form sent back
with an error lost the dates the user had typed."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation

import tiaojie


def date_fields():
    for module_info in pkgutil.walk_packages(tiaojie.__path__, "tiaojie."):
        if not module_info.name.endswith(("forms", "public_forms")) or ".tests" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            for field_name, field in getattr(cls, "base_fields", {}).items():
                if isinstance(field.widget, forms.DateInput | forms.DateTimeInput):
                    yield pytest.param(field.widget, id=f"{module_info.name}.{name}.{field_name}")


WIDGETS = list(date_fields())


def test_the_forms_have_date_boxes_to_check():
    assert len(WIDGETS) > 10


@pytest.mark.parametrize("widget", WIDGETS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_box_shows_its_value_in_the_form_the_browser_accepts(widget, language):
    with translation.override(language):
        if isinstance(widget, forms.DateTimeInput):
            assert widget.format_value(dt.datetime(2026, 12, 2, 9, 30)) == "2026-12-02T09:30"
        else:
            assert widget.format_value(dt.date(2026, 12, 2)) == "2026-12-02"
