"""The rows of the staff case list (cases/_rows.html), written in Python.

The list shows fifty cases a page, each with its workers, claims and dates; through the template engine that
was two thirds of the list's time (a variable lookup, a related manager and a date filter per cell). This
writes the same markup directly, every value escaped by format_html."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
