"""Every analytics endpoint: who gets it, who gets 404, and what the exports contain."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from tiaojie.analytics.metrics import METRICS
from tiaojie.cases.actions import WorkerInput
from tiaojie.cases.tests.factories import make_case, valid_id_number
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.mediation import actions as mediation
from tiaojie.mediation.models import Payment
from tiaojie.mediation.tests.factories import agreed_case, pdf_upload, staff

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"
YEAR = 2025
TABLES = ["summary", "monthly", "regions", "org_type", "claim_type", "channel"]


@pytest.fixture
def cases(org_a, org_b, mediator_a, mediator_b, django_capture_on_commit_callbacks):
    """Two cases in 余杭 (organisation A) and one in 西湖 (organisation B), received in 2025."""
    when = dt.datetime(YEAR, 3, 10, 10, tzinfo=LEGAL_TZ)
    a_id = valid_id_number()
    with django_capture_on_commit_callbacks(execute=True):
        a1 = make_case(org_a, mediator_a, received_at=when, workers=[WorkerInput(name="张三丰", id_number=a_id)])
        a2 = make_case(org_a, mediator_a, received_at=when + dt.timedelta(days=40))
        b1 = make_case(
            org_b, mediator_b, received_at=when, workers=[WorkerInput(name="李四", id_number=valid_id_number("330106"))]
        )
    return {"a1": a1, "a2": a2, "b1": b1, "a_id": a_id}


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def urls(org_a):
    return {
        "national": "/analytics/region/",
        "county": "/analytics/region/330110/",
        "township": "/analytics/region/330110012/",
        "org": f"/analytics/org/{org_a.pk}/",
        "coverage": "/analytics/coverage/330110/",
    }


def test_county_supervisor_sees_the_county_with_definitions(client, supervisor_county, cases):
    response = get(client, supervisor_county, "/analytics/region/330110/", year=YEAR)
    assert response.status_code == 200
    html = response.content.decode()
    for metric in METRICS.values():
        assert str(metric.name) in html
        assert str(metric.definition) in html
    dashboard = response.context["d"]
    assert dashboard.totals[0] == 2  # received: the two 余杭 cases, not the 西湖 one
    regions = dashboard.table("regions")
    row = next(r for r in regions.rows if r.cells["name"] == "仓前街道")
    assert row.cells["received"] == 2
    assert row.url == "/analytics/region/330110012/"
    assert 'data-chart="chart-monthly"' in html
    assert "echarts.min.js" in html


def test_drill_down_to_the_township_and_its_organisations(client, supervisor_county, org_a, cases):
    response = get(client, supervisor_county, "/analytics/region/330110012/", year=YEAR)
    assert response.status_code == 200
    dashboard = response.context["d"]
    assert dashboard.totals[0] == 2
    orgs = dashboard.table("organisations")
    assert [r.url for r in orgs.rows] == [f"/analytics/org/{org_a.pk}/"]
    crumbs = [name for name, _url in response.context["crumbs"]]
    assert crumbs[-1] == "仓前街道" and "余杭区" in crumbs


def test_other_county_supervisor_gets_404_and_sees_none_of_it(client, supervisor_other_county, org_a, cases):
    for url in urls(org_a).values():
        assert get(client, supervisor_other_county, url).status_code == 404, url
    for url in ["/analytics/region/330110/ledger.csv", "/analytics/region/330110/export/monthly.csv",
                f"/analytics/org/{org_a.pk}/ledger.xlsx"]:  # fmt: skip
        assert get(client, supervisor_other_county, url).status_code == 404, url
    own = get(client, supervisor_other_county, "/analytics/region/330106/", year=YEAR)
    assert own.status_code == 200
    assert own.context["d"].totals[0] == 1


def test_mediator_without_admin_role_gets_404(client, mediator_a, org_a, cases):
    for url in [*urls(org_a).values(), "/analytics/", f"/analytics/org/{org_a.pk}/ledger.csv",
                "/analytics/enterprises/import/"]:  # fmt: skip
        assert get(client, mediator_a, url).status_code == 404, url
    assert "统计" not in get(client, mediator_a, "/cases/").content.decode().split("<main>")[0]


def test_org_admin_sees_own_organisation_only(client, admin_a, org_a, org_b, cases):
    response = get(client, admin_a, "/analytics/")
    assert response.status_code == 302 and response["Location"] == f"/analytics/org/{org_a.pk}/"
    response = get(client, admin_a, f"/analytics/org/{org_a.pk}/", year=YEAR)
    assert response.status_code == 200
    assert response.context["d"].totals[0] == 2
    assert response.context["d"].table("org_type") is None  # one organisation has one type
    for url in [f"/analytics/org/{org_b.pk}/", "/analytics/region/330110/", "/analytics/coverage/",
                "/analytics/coverage/330110/"]:  # fmt: skip
        assert get(client, admin_a, url).status_code == 404, url
    assert ">统计<" in get(client, admin_a, "/cases/").content.decode()


def test_no_role_and_anonymous(client, no_role_user, org_a, cases):
    for url in urls(org_a).values():
        assert get(client, no_role_user, url).status_code == 404
    client.logout()
    response = client.get("/analytics/region/330110/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_national_supervisor_sees_everything(client, supervisor_national, org_a, cases):
    response = get(client, supervisor_national, "/analytics/region/", year=YEAR)
    assert response.status_code == 200
    assert response.context["d"].totals[0] == 3
    zhejiang = next(r for r in response.context["d"].table("regions").rows if r.cells["name"] == "浙江省")
    assert zhejiang.cells["received"] == 3
    assert get(client, supervisor_national, f"/analytics/org/{org_a.pk}/").status_code == 200


def test_unknown_division_or_bad_year_is_404(client, supervisor_national):
    assert get(client, supervisor_national, "/analytics/region/999999/").status_code == 404
    assert get(client, supervisor_national, "/analytics/region/", year="abc").status_code == 404
    assert get(client, supervisor_national, "/analytics/region/export/nope.csv").status_code == 404


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(response) -> list[list]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("table", TABLES)
def test_every_statistics_table_exports_to_csv_and_excel(client, supervisor_county, cases, table):
    client.force_login(supervisor_county)
    csv_rows = _csv(client.get(f"/analytics/region/330110/export/{table}.csv", {"year": YEAR}))
    xlsx_response = client.get(f"/analytics/region/330110/export/{table}.xlsx", {"year": YEAR})
    assert xlsx_response["Content-Type"].startswith("application/vnd.openxmlformats")
    xlsx_rows = _xlsx(xlsx_response)
    assert csv_rows[0] == [str(v) for v in xlsx_rows[0]]
    if table == "monthly":
        march = next(r for r in csv_rows if r[0] == "2025年3月")
        assert march[1] == "1"
        total = next(r for r in xlsx_rows if r[0] == "合计")
        assert total[1] == 2
    if table == "summary":
        assert any(r[0] == "调解成功率" for r in csv_rows)


def test_ledger_has_the_scope_cases_with_masked_ids(client, supervisor_county, cases):
    client.force_login(supervisor_county)
    rows = _csv(client.get("/analytics/region/330110/ledger.csv"))
    header, body = rows[0], rows[1:]
    assert header[0] == "案件编号"
    assert sorted(r[0] for r in body) == sorted([cases["a1"].number, cases["a2"].number])
    text = "\n".join(",".join(r) for r in rows)
    assert cases["a_id"] not in text
    assert cases["a_id"][:6] + "********" + cases["a_id"][-4:] in text
    assert "张**" in text and "张三丰" not in text
    a1 = next(r for r in body if r[0] == cases["a1"].number)
    assert a1[header.index("县（区）")] == "余杭区" and a1[header.index("乡镇（街道）")] == "仓前街道"
    xlsx = _xlsx(client.get("/analytics/region/330110/ledger.xlsx", {"year": YEAR}))
    assert len(xlsx) - 1 - 2 == 2  # header, two cases, a blank line and the note
    assert cases["a_id"] not in str(xlsx)


def test_ledger_pages_through_many_cases(client, supervisor_county, org_a, mediator_a, monkeypatch):
    from tiaojie.analytics import exports

    monkeypatch.setattr(exports, "LEDGER_PAGE", 3)
    made = [make_case(org_a, mediator_a, received_at=dt.datetime(2025, 1, 1 + i, tzinfo=LEGAL_TZ)) for i in range(8)]
    client.force_login(supervisor_county)
    rows = _csv(client.get("/analytics/region/330110/ledger.csv"))
    assert [r[0] for r in rows[1:]] == [c.number for c in reversed(made)]


def test_dashboard_query_count_does_not_grow_with_cases(
    client, supervisor_county, org_a, mediator_a, django_assert_max_num_queries, cases
):
    client.force_login(supervisor_county)
    client.get("/analytics/region/330110/")
    with django_assert_max_num_queries(20):
        client.get("/analytics/region/330110/", {"year": YEAR})
    for i in range(5):
        make_case(org_a, mediator_a, received_at=dt.datetime(2025, 6, 1 + i, tzinfo=LEGAL_TZ))
    with django_assert_max_num_queries(20):
        client.get("/analytics/region/330110/", {"year": YEAR})


@pytest.fixture
def agreement_a(org_a, mediator_a, cases, django_capture_on_commit_callbacks):
    """A third 余杭 case: its agreement (12,500 in two instalments) takes effect on 12 March 2025; the first
    instalment is recorded as paid on 20 April."""
    when = dt.datetime(YEAR, 3, 12, 15, tzinfo=LEGAL_TZ)
    with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = agreed_case(org_a, mediator_a, due=dt.date(YEAR, 4, 1), instalments=2, received_at=when)
    first = Payment.objects.filter(agreement__case=case).order_by("seq").first()
    upload = pdf_upload("slip.pdf")
    with (
        time_machine.travel(dt.datetime(YEAR, 4, 20, 10, tzinfo=LEGAL_TZ), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        mediation.do_mark_payment_paid(
            payment=first, paid_on=dt.date(YEAR, 4, 20), upload=upload, name=upload.name, size=upload.size,
            actor=staff(mediator_a),
        )  # fmt: skip
    return case


def test_dashboard_shows_agreed_and_paid_amounts_with_definitions(client, supervisor_county, agreement_a):
    response = get(client, supervisor_county, "/analytics/region/330110/", year=YEAR)
    assert response.status_code == 200
    html = response.content.decode()
    summary = {s.metric.id: s.value for s in response.context["d"].summary}
    assert summary["amount_agreed"] == Decimal("12500.00")
    assert summary["amount_paid"] == Decimal("6250.00")
    assert summary["performance_rate"] == 0.5
    for mid, shown in (("amount_agreed", "12,500.00"), ("amount_paid", "6,250.00"), ("performance_rate", "50.0%")):
        metric = METRICS[mid]
        item = html.split(f'data-metric="{mid}"')[1].split("</li>")[0]
        assert str(metric.name) in item and shown in item and str(metric.definition) in item
    assert "暂无（调解协议模块尚未上线）" not in html
    # The amounts are in every breakdown where the claimed amounts are, dated by the agreement's effect.
    d = response.context["d"]
    march = next(r for r in d.table("monthly").rows if r.cells["name"] == "2025年3月")
    assert (march.cells["amount_agreed"], march.cells["amount_paid"]) == (Decimal("12500.00"), Decimal("6250.00"))
    april = next(r for r in d.table("monthly").rows if r.cells["name"] == "2025年4月")
    assert april.cells["amount_paid"] == 0 and april.cells["performance_rate"] is None
    township = next(r for r in d.table("regions").rows if r.cells["name"] == "仓前街道")
    assert township.cells["performance_rate"] == 0.5
    assert next(iter(d.table("org_type").rows)).cells["amount_agreed"] == Decimal("12500.00")
    wages = next(r for r in d.table("claim_type").rows if r.cells["name"] == "劳动报酬")
    assert wages.cells["amount_agreed"] == Decimal("12500.00")
    assert "amount_paid" not in [c.key for c in d.table("claim_type").columns]  # payments are not per item


def test_exports_carry_the_amounts(client, supervisor_county, agreement_a):
    client.force_login(supervisor_county)
    summary = _csv(client.get("/analytics/region/330110/export/summary.csv", {"year": YEAR}))
    values = {r[0]: r[1] for r in summary[1:] if r}
    assert (values["协议金额"], values["已履行金额"], values["履行率"]) == ("12500.00", "6250.00", "50.00%")
    monthly = _xlsx(client.get("/analytics/region/330110/export/monthly.xlsx", {"year": YEAR}))
    header = monthly[0]
    march = next(r for r in monthly if r[0] == "2025年3月")
    assert march[header.index("协议金额（元）")] == 12500
    assert march[header.index("已履行金额（元）")] == 6250
    assert march[header.index("履行率（%）")] == 50
    ledger = _csv(client.get("/analytics/region/330110/ledger.csv"))
    row = next(r for r in ledger[1:] if r[0] == agreement_a.number)
    head = ledger[0]
    assert row[head.index("调解协议生效日期")] == "2025-03-12"
    assert (row[head.index("协议金额（元）")], row[head.index("已履行金额（元）")]) == ("12500.00", "6250.00")
