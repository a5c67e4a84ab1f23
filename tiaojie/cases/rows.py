"""The rows of the staff case list (cases/_rows.html), written in Python.

The list shows fifty cases a page, each with its workers, claims and dates; through the template engine that
was two thirds of the list's time (a variable lookup, a related manager and a date filter per cell). This
writes the same markup directly, every value escaped by format_html."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tiaojie.cases.models import Case

SHOWN_WORKERS = 2


def _workers(case: Case) -> SafeString:
    links = list(case.case_workers.all())[:SHOWN_WORKERS]  # prefetched (cases.queries)
    shown = mark_safe("、").join(
        format_html("{}", link.worker.name)
        if not link.worker.id_number_masked
        else format_html('{} <span class="muted">{}</span>', link.worker.name, link.worker.id_number_masked)
        for link in links
    )
    if case.worker_count > SHOWN_WORKERS:
        more = ngettext("等%(n)s人", "等%(n)s人", case.worker_count) % {"n": case.worker_count}
        return format_html("{} {}", shown, more)
    return SafeString(shown)


def case_row(case: Case) -> SafeString:
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
        case.get_status_display(),
        collective,
        _workers(case),
        case.employer.name,
        "、".join(str(c.get_type_display()) for c in case.claims.all()),
        case.get_channel_display(),
        timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M"),
        case.organisation.name,
    )
    snippet = getattr(case, "search_snippet", "")
    if snippet:
        row = format_html('{}<tr class="search-snippet"><td colspan="8">{}</td></tr>\n', row, snippet)
    return row


def case_rows(cases: Iterable[Case]) -> SafeString:
    return format_html_join("", "{}", ((case_row(case),) for case in cases))
