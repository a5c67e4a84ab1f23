"""Overtime by date through the three doors (issue 14 item 3): each date is looked up in the holiday table, so
a statutory holiday pays 300 %, a 调休 rest day or a weekend 200 %, a working day or a 调休 Saturday 150 %;
a year not configured is refused. The edges: 除夕 is statutory from 2025 (《全国年节及纪念日放假办法》 as
amended in 2024) and not before; 2026-10-04 is a 调休 rest day beside 10-01; 2026-02-14 is a 调休 Saturday."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.calculators_web.lookup import day_kinds
from tiaojie.cases.models import ClaimItem, ClaimType
from tiaojie.cases.tests.factories import make_case
from tiaojie.reference.models import SpecialDay

pytestmark = pytest.mark.django_db

WAGE = "17400"  # 100 yuan an hour


def page(client, days, **extra):
    data = {"monthly_wage": WAGE, "days_worked": days, **extra}
    return client.post(reverse("calculators:calculator", args=["overtime"]), data)


def amount_and_steps(client, days):
    response = page(client, days)
    result = response.context["result"]
    assert result is not None, response.context["form"].errors
    return result["amount"], [s["text"] for s in result["steps"]]


@pytest.mark.parametrize(
    ("day", "amount", "kind"),
    [
        ("2025-01-28", "2400.00", "（周二，春节，法定节假日）"),  # 除夕 2025: statutory since the 2024 amendment
        ("2023-01-21", "1600.00", "（周六，春节假期中的调休休息日，不是法定节假日）"),  # 除夕 2023: a day off only
        ("2024-02-09", "1200.00", "（周五，工作日）"),  # 除夕 2024 was a working day: extended hours
        ("2026-10-01", "2400.00", "（周四，国庆节，法定节假日）"),
        ("2026-10-04", "1600.00", "（周日，国庆节假期中的调休休息日，不是法定节假日）"),
        ("2026-10-06", "1600.00", "（周二，国庆节假期中的调休休息日，不是法定节假日）"),  # a weekday moved
        ("2026-02-14", "1200.00", "（周六，春节调休上班日，按工作日计）"),  # a 调休 Saturday
        ("2026-03-07", "1600.00", "（周六，休息日）"),
        ("2026-03-03", "1200.00", "（周二，工作日）"),
    ],
)
def test_each_edge_day_is_classified_from_the_table(client, day, amount, kind):
    got, steps = amount_and_steps(client, f"{day} 8")
    assert got == amount
    assert steps[1].startswith(day + kind)


def test_the_issue_example_on_the_page(client):
    got, steps = amount_and_steps(client, "2026-10-01 8; 2026-10-04 6; 2026-03-03 2")
    assert got == "3900.00"  # 8 × 300 + 6 × 200 + 2 × 150
    assert steps[-2] == "共 3 天：工作日延长 2 小时，休息日 6 小时，法定节假日 8 小时"


def test_the_table_decides_an_edit_is_seen_at_once(client):
    assert amount_and_steps(client, "2026-10-04 1")[0] == "200.00"
    SpecialDay.objects.filter(pk="2026-10-04").update(kind=SpecialDay.Kind.HOLIDAY)  # classify_days reads the table
    assert amount_and_steps(client, "2026-10-04 1")[0] == "300.00"


def test_a_year_not_configured_is_refused_on_the_page(client):
    response = page(client, "2099-10-01 8")
    assert response.context["result"] is None
    errors = response.context["form"].errors["days_worked"]
    assert errors[0].startswith("2099 年的节假日安排尚未录入本系统，无法判断该年的日期是法定节假日、休息日还是工作日")
    assert 2099 not in {d.year for d in day_kinds("2099-10-01 8")}


def test_mixing_the_modes_is_refused_with_the_reason(client):
    response = page(client, "2026-10-01 8", weekday_hours="2")
    assert "二者选一" in response.context["form"].errors["days_worked"][0]


def test_the_api_and_the_command_classify_the_same(client, mediator_a):
    payload = {"monthly_wage": WAGE, "days_worked": "2026-10-01 8；2026-10-04 6"}
    token = do_create_api_token(user=mediator_a)
    response = client.post(
        "/api/v1/calculators/overtime",
        json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "3600.00"
    refused = client.post(
        "/api/v1/calculators/overtime",
        json.dumps({**payload, "days_worked": "2099-01-01 1"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert refused.status_code == 422 and "2099 年的节假日安排尚未录入" in refused.json()["detail"]
    out = io.StringIO()
    call_command("calc", "overtime", stdin=io.StringIO(json.dumps(payload)), stdout=out)
    assert json.loads(out.getvalue())["amount"] == "3600.00"


def test_the_schema_describes_the_text_field(client, mediator_a):
    token = do_create_api_token(user=mediator_a)
    listing = client.get("/api/v1/calculators", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    fields = {f["name"]: f for c in listing if c["name"] == "overtime" for f in c["fields"]}
    assert fields["days_worked"]["type"] == "text" and "2026-10-01 8" in fields["days_worked"]["help"]
    assert not fields["weekday_hours"]["required"]


def test_adding_a_by_date_result_to_a_case_and_another_organisation_gets_404(client, org_a, mediator_a, mediator_b):
    case = make_case(org_a, mediator_a)
    url = reverse("calculators:add_to_case", args=["overtime", case.pk])
    data = {"monthly_wage": WAGE, "days_worked": "2026-10-01 8"}
    client.force_login(mediator_b)
    assert client.post(url, data).status_code == 404
    assert not ClaimItem.objects.filter(case=case, type=ClaimType.OVERTIME).exists()
    client.force_login(mediator_a)
    assert client.post(url, data).status_code == 302
    item = ClaimItem.objects.get(case=case, type=ClaimType.OVERTIME)
    assert item.amount_claimed == Decimal("2400.00")
    assert item.explanation[1]["text"].startswith("2026-10-01（周四，国庆节，法定节假日）")
