"""Statistics pages. Thin: access_* → build from the rollups → render or export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tiaojie.analytics import access, coverage, exports, risk
from tiaojie.analytics.actions import do_acknowledge_risk_alert
from tiaojie.analytics.forms import EnterpriseImportForm
from tiaojie.analytics.importer import ImportFailed, do_import_enterprises, read_workbook
from tiaojie.analytics.metrics import METRICS
from tiaojie.analytics.queries import Dashboard, build_dashboard, child_divisions, year_instants
from tiaojie.lib.db_router import replica_reads, replica_rows
from tiaojie.lib.workdays import legal_date

YEARS_BACK = 6


def _today() -> Any:
    return legal_date(timezone.now())


def _year(request: HttpRequest) -> int:
    this_year = _today().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError as exc:
        raise Http404 from exc
    if not 2000 <= year <= this_year + 1:
        raise Http404
    return year


def _region_url(code: str | None) -> str:
    return reverse("analytics:region", args=[code]) if code else reverse("analytics:national")


def _scope_url(scope: access.StatsScope, name: str = "") -> str:
    if scope.organisation is not None:
        return reverse(f"analytics:org{name}", args=[scope.organisation.pk])
    if scope.division is not None:
        return reverse(f"analytics:region{name}", args=[scope.division.code])
    return reverse(f"analytics:national{name}")


def scope_title(scope: access.StatsScope) -> str:
    if scope.organisation is not None:
        return scope.organisation.name
    if scope.division is not None:
        return scope.division.full_name
    return _("全国")


def breadcrumbs(request: HttpRequest, scope: access.StatsScope) -> list[tuple[str, str]]:
    """The path from the widest level the user may see down to this scope, each a link."""
    crumbs: list[tuple[str, str]] = []
    division = scope.division or (scope.organisation.division if scope.organisation else None)
    if access.covers_division(request.user, None):  # type: ignore[arg-type]
        crumbs.append((_("全国"), reverse("analytics:national")))
    if division is not None:
        for d in [*division.ancestors(), division]:
            if access.covers_division(request.user, d.code):  # type: ignore[arg-type]
                crumbs.append((d.name, _region_url(d.code)))
    if scope.organisation is not None:
        crumbs.append((scope.organisation.name, _scope_url(scope)))
    return crumbs


@login_required
def index(request: HttpRequest) -> HttpResponse:
    points = access.statistics_entry_points(request.user)  # type: ignore[arg-type]
    if not points:
        raise Http404
    if len(points) == 1:
        return redirect(_scope_url(points[0]))
    return render(
        request,
        "analytics/index.html",
        {"points": [(scope_title(p), _scope_url(p)) for p in points], "supervisor": access.is_supervisor(request.user)},  # type: ignore[arg-type]
    )


def _dashboard(request: HttpRequest, scope: access.StatsScope) -> Dashboard:
    user = request.user
    return build_dashboard(
        scope,
        year=_year(request),
        today=_today(),
        region_url=lambda code: _region_url(code) if access.covers_division(user, code) else "",  # type: ignore[arg-type]
        org_url=lambda pk: reverse("analytics:org", args=[pk]),
    )


def _render_dashboard(request: HttpRequest, scope: access.StatsScope) -> HttpResponse:
    # Who may see the scope was decided on the primary; the figures come from the replica when it is usable.
    with replica_reads():
        return _render_dashboard_page(request, scope)


def _render_dashboard_page(request: HttpRequest, scope: access.StatsScope) -> HttpResponse:
    dashboard = _dashboard(request, scope)
    this_year = _today().year
    return render(
        request,
        "analytics/dashboard.html",
        {
            "d": dashboard,
            "title": scope_title(scope),
            "crumbs": breadcrumbs(request, scope),
            "years": list(range(this_year, this_year - YEARS_BACK, -1)),
            "base_url": _scope_url(scope),
            "ledger_base": _scope_url(scope) + "ledger.",
            "year_str": str(dashboard.year),
            "coverage_url": reverse("analytics:coverage_region", args=[scope.division.code])
            if scope.division is not None and scope.organisation is None
            else (reverse("analytics:coverage") if scope.kind == "nation" else ""),
            "metrics": METRICS,
            # The risk list is for supervisors only, like the coverage pages (an organisation has no region).
            "risk_url": _risk_page_url(scope.division.code if scope.division else None)
            if scope.organisation is None
            else "",
        },
    )


@login_required
def national(request: HttpRequest) -> HttpResponse:
    return _render_dashboard(request, access.access_region_stats(request.user, None))  # type: ignore[arg-type]


@login_required
def region(request: HttpRequest, code: str) -> HttpResponse:
    return _render_dashboard(request, access.access_region_stats(request.user, code))  # type: ignore[arg-type]


@login_required
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return _render_dashboard(request, access.access_org_stats(request.user, organisation_id))  # type: ignore[arg-type]


def _resolve(request: HttpRequest, code: str | None = None, organisation_id: int | None = None) -> access.StatsScope:
    if organisation_id is not None:
        return access.access_org_stats(request.user, organisation_id)  # type: ignore[arg-type]
    return access.access_region_stats(request.user, code)  # type: ignore[arg-type]


@login_required
def export_table(
    request: HttpRequest, table: str, fmt: str, code: str | None = None, organisation_id: int | None = None
) -> HttpResponseBase:
    scope = _resolve(request, code, organisation_id)
    if fmt not in exports.FORMATS:
        raise Http404
    with replica_reads():
        dashboard = _dashboard(request, scope)
        found = dashboard.table(table)
        if found is None:
            raise Http404
        return exports.table_response(fmt, found, f"{scope_title(scope)}-{found.title}-{dashboard.year}")


@login_required
def ledger(
    request: HttpRequest, fmt: str, code: str | None = None, organisation_id: int | None = None
) -> HttpResponseBase:
    scope = _resolve(request, code, organisation_id)
    if fmt not in exports.FORMATS:
        raise Http404
    cases = access.ledger_cases(request.user, scope)  # type: ignore[arg-type]
    if request.GET.get("year"):
        start, end = year_instants(_year(request))
        cases = cases.filter(received_at__gte=start, received_at__lt=end)
    return exports.stream(
        fmt,
        exports.ledger_filename(scope_title(scope)),
        _("案件台账"),
        exports.ledger_header(),
        replica_rows(exports.ledger_rows(cases)),
        [_("劳动者姓名和身份证号已脱敏。")],
    )


# --- coverage of the 2025 targets ---------------------------------------------------------------------------


@login_required
def coverage_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scope = access.access_coverage(request.user, code)  # type: ignore[arg-type]
    year = _year(request)
    with replica_reads():
        report = coverage.build_coverage(
            scope,
            year=year,
            region_url=lambda c: (
                reverse("analytics:coverage_region", args=[c])
                if access.covers_division(request.user, c)  # type: ignore[arg-type]
                else ""
            ),
        )
    this_year = _today().year
    crumbs = [
        (name, url.replace("/analytics/region", "/analytics/coverage")) for name, url in breadcrumbs(request, scope)
    ]
    return render(
        request,
        "analytics/coverage.html",
        {
            "r": report,
            "title": scope_title(scope),
            "crumbs": crumbs,
            "years": list(range(this_year, this_year - YEARS_BACK, -1)),
            "year": year,
            "year_str": str(year),
            "base_url": request.path,
            "dashboard_url": _scope_url(scope),
            "may_import": access.may_import_enterprises(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
def coverage_export(request: HttpRequest, table: str, fmt: str, code: str | None = None) -> HttpResponseBase:
    scope = access.access_coverage(request.user, code)  # type: ignore[arg-type]
    if fmt not in exports.FORMATS:
        raise Http404
    with replica_reads():
        report = coverage.build_coverage(scope, year=_year(request))
        found = report.table(table)
        if found is None:
            raise Http404
        if table != "missing_committees":
            return exports.table_response(fmt, found, f"{scope_title(scope)}-{found.title}-{report.year}")
    rows = replica_rows(coverage.enterprises_without_committee_rows(scope))
    return exports.stream(fmt, f"{scope_title(scope)}-{found.title}", str(found.title), found.header(), rows)


@login_required
def import_enterprises(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.may_import_enterprises(user):  # type: ignore[arg-type]
        raise Http404
    errors = None
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_workbook(upload, division_allowed=access.import_division_allowed(user))  # type: ignore[arg-type]
            result = do_import_enterprises(rows=rows, actor=user, file_name=upload.name)  # type: ignore[arg-type]
        except ImportFailed as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("导入完成：共%(rows)d行，新增%(created)d家，更新%(updated)d家。")
                % {"rows": result.rows, "created": result.created, "updated": result.updated},
            )
            return redirect("analytics:import_enterprises")
    return render(
        request,
        "analytics/import.html",
        {"form": form, "errors": errors, "columns": coverage.REGISTER_COLUMNS},
    )


# --- employer risk (docs/risk.md) ------------------------------------------------------------------------------

RISK_LIST_LIMIT = 200  # a bounded list: the highest first; the CSV export has them all


def _scope_code(scope: access.StatsScope) -> str | None:
    return scope.division.code if scope.division is not None else None


def _risks(request: HttpRequest, scope: access.StatsScope) -> list[risk.EmployerRisk]:
    with replica_reads():
        return risk.compute(access.ledger_cases(request.user, scope), _today())  # type: ignore[arg-type]


@login_required
def risk_index(request: HttpRequest) -> HttpResponse:
    """The first region the supervisor covers (the country for a national scope)."""
    points = [p for p in access.statistics_entry_points(request.user) if p.kind != "org"]  # type: ignore[arg-type]
    if not points:
        raise Http404
    return redirect(_risk_page_url(_scope_code(points[0])))


def _risk_page_url(code: str | None) -> str:
    return reverse("analytics:risk_region", args=[code]) if code else reverse("analytics:risk_national")


def _employer_url(code: str | None, employer_id: int) -> str:
    if code:
        return reverse("analytics:risk_employer", args=[code, employer_id])
    return reverse("analytics:risk_national_employer", args=[employer_id])


@login_required
def risk_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scope = access.access_risk_region(request.user, code)  # type: ignore[arg-type]
    level = request.GET.get("level", "")
    if level and level not in risk.LEVELS:
        raise Http404
    risks = _risks(request, scope)
    rows = risk.employer_rows(risks, level=level, limit=RISK_LIST_LIMIT)
    shown = sum(1 for r in risks if not level or r.level == level)
    user = request.user
    children = [
        (d.name, _risk_page_url(d.code))
        for d in child_divisions(scope)
        if access.covers_division(user, d.code)  # type: ignore[arg-type]
    ]
    crumbs = []
    if access.covers_division(user, None):  # type: ignore[arg-type]
        crumbs.append((_("全国"), _risk_page_url(None)))
    if scope.division is not None:
        for d in [*scope.division.ancestors(), scope.division]:
            if access.covers_division(user, d.code):  # type: ignore[arg-type]
                crumbs.append((d.name, _risk_page_url(d.code)))
    alerts = access.risk_alerts_visible_to(user, scope).filter(acknowledged_at__isnull=True)  # type: ignore[arg-type]
    return render(
        request,
        "analytics/risk.html",
        {
            "title": scope_title(scope),
            "crumbs": crumbs,
            "rows": [(row, _employer_url(_scope_code(scope), row.employer.pk)) for row in rows],
            "shown": shown,
            "limit": RISK_LIST_LIMIT,
            "level": level,
            "counts": risk.level_counts(risks),
            "children": children,
            "factor_labels": [str(label) for label in risk.FACTOR_LABELS.values()],
            "rule": risk.rule_rows(),
            "window_days": risk.WINDOW_DAYS,
            "as_of": _today(),
            "base_url": _risk_page_url(_scope_code(scope)),
            "alerts": list(alerts.select_related("employer").order_by("-raised_on", "-id")[:50]),
        },
    )


@login_required
def risk_export(request: HttpRequest, code: str | None = None) -> HttpResponseBase:
    scope = access.access_risk_region(request.user, code)  # type: ignore[arg-type]
    rows = risk.employer_rows(_risks(request, scope))
    header = [_("用人单位"), _("统一社会信用代码"), _("所在区划"), _("风险等级"), _("评分")] + [
        str(label) for label in risk.FACTOR_LABELS.values()
    ]
    lines = [
        [r.employer.name, r.employer.credit_code or "", r.employer.division.name, r.risk.level_label, r.risk.score]
        + [value for _key, _label, value in r.risk.factors()]
        for r in rows
    ]
    title = _("用人单位风险")
    return exports.stream("csv", f"{scope_title(scope)}-{title}-{_today().isoformat()}.csv", title, header, lines)


@login_required
def risk_employer(request: HttpRequest, employer_id: int, code: str | None = None) -> HttpResponse:
    scope = access.access_risk_region(request.user, code)  # type: ignore[arg-type]
    employer = access.access_risk_employer(request.user, scope, employer_id)  # type: ignore[arg-type]
    cases = access.ledger_cases(request.user, scope).filter(employer_id=employer.pk)  # type: ignore[arg-type]
    with replica_reads():  # the alerts below come from the primary: one just acknowledged shows as such
        found = risk.compute(cases, _today())
        graded = found[0] if found else risk.grade(risk.EmployerRisk(employer.pk))
        case_rows = list(cases.select_related("organisation").order_by("-received_at", "-id")[:RISK_LIST_LIMIT])
    return render(
        request,
        "analytics/risk_employer.html",
        {
            "title": scope_title(scope),
            "employer": employer,
            "r": graded,
            "cases": case_rows,
            "limit": RISK_LIST_LIMIT,
            "back_url": _risk_page_url(_scope_code(scope)),
            "window_days": risk.WINDOW_DAYS,
            "as_of": _today(),
            "alerts": list(
                access.risk_alerts_visible_to(request.user, scope)  # type: ignore[arg-type]
                .filter(employer=employer)
                .order_by("-raised_on", "-id")[:20]
            ),
        },
    )


@login_required
@require_POST
def risk_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = access.access_risk_alert(request.user, alert_id)  # type: ignore[arg-type]
    if do_acknowledge_risk_alert(alert=alert, actor=request.user):  # type: ignore[arg-type]
        messages.success(request, _("预警已标记为已处理。"))
    else:
        messages.info(request, _("该预警已由其他人处理。"))
    return redirect(_risk_page_url(alert.county_id))
