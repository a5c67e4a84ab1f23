"""The rows of the staff case list (cases/_rows.html), written in Python.

The list shows fifty cases a page, each with its workers, claims and dates; through the template engine that
was two thirds of the list's time (a variable lookup, a related manager and a date filter per cell). This
writes the same markup directly, every value escaped by format_html."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.db import models
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from tiaojie.cases.forms import CaseFilterForm
from tiaojie.cases.models import Case, ClaimItem
from tiaojie.cases.queries import listed_claims, listed_workers

SHOWN_WORKERS = 2


def _workers(case: Case) -> SafeString:
    links = listed_workers(case)[:SHOWN_WORKERS]
    shown = format_html_join(
        "、",
        "{}",
        (
            (
                format_html("{}", link.worker.name)
                if not link.worker.id_number_masked
                else format_html('{} <span class="muted">{}</span>', link.worker.name, link.worker.id_number_masked),
            )
            for link in links
        ),
    )
    if case.worker_count > SHOWN_WORKERS:
        more = ngettext("等%(n)s人", "等%(n)s人", case.worker_count) % {"n": case.worker_count}
        return format_html("{} {}", shown, more)
    return shown


def _labels(model: type[models.Model], name: str) -> dict[str, str]:
    """A field's choice labels in the active language, translated once for the page: get_FOO_display hashes
    every lazy label of the field on each call, a translation lookup per choice and row."""
    return {str(value): str(label) for value, label in model._meta.get_field(name).flatchoices}  # type: ignore[union-attr]


def case_row(case: Case, labels: dict[str, dict[str, str]]) -> SafeString:
    collective = format_html(' <span class="badge">{}</span>', _("集体争议")) if case.is_collective else ""
    row = format_html(
        '\n<tr>\n  <td><a href="{}" class="case-number">{}</a></td>\n'
        '  <td><span class="badge {}">{}</span>{}</td>\n'
        "  <td>{}</td>\n  <td>{}</td>\n"
        '  <td class="hide-sm">{}</td>\n  <td class="hide-sm">{}</td>\n'
        '  <td>{}</td>\n  <td class="hide-sm">{}</td>\n</tr>\n',
        reverse("cases:detail", args=[case.pk]),
        case.display_number,
        case.status,
        labels["status"].get(case.status, case.status),
        collective,
        _workers(case),
        case.employer.name,
        "、".join(labels["type"].get(c.type, c.type) for c in listed_claims(case)),
        labels["channel"].get(case.channel, case.channel),
        timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M"),
        case.organisation.name,
    )
    snippet = getattr(case, "search_snippet", "")
    if snippet:
        return format_html('{}<tr class="search-snippet"><td colspan="8">{}</td></tr>\n', row, snippet)
    return format_html("{}\n", row)  # the blank line _rows.html left after a row


def case_rows(cases: Iterable[Case]) -> SafeString:
    labels = {
        "status": _labels(Case, "status"),
        "channel": _labels(Case, "channel"),
        "type": _labels(ClaimItem, "type"),
    }
    return format_html_join("", "{}", ((case_row(case, labels),) for case in cases))


# The filter form's fields, drawn by Django's widget templates, cost about as much as the fifty rows (a select of
# every status, claim type and channel). They depend only on the language and the values chosen, so each such
# combination is kept. Never with a search text (staff search for names and ID numbers, which a cache on disk
# must not hold) or with an error (it shows what was typed). FILTERS_LAYOUT changes with the template.
FILTERS_LAYOUT = 1
FILTERS_SECONDS = 60 * 60


def filter_fields(form: CaseFilterForm) -> SafeString:
    def draw() -> str:
        return render_to_string("cases/_filter_fields.html", {"form": form})

    data = form.data if form.is_bound else QueryDict()
    if not isinstance(data, QueryDict) or data.get("q") or form.errors:
        return mark_safe(draw())  # noqa: S308 - rendered by a template, which escaped it
    values = tuple((name, tuple(data.getlist(name))) for name in form.fields)
    digest = hashlib.sha256(repr((FILTERS_LAYOUT, get_language(), values)).encode()).hexdigest()
    key = f"case-list-filters:{digest}"
    html = cache.get(key)
    if html is None:
        html = draw()
        cache.set(key, html, FILTERS_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by a template, which escaped it
