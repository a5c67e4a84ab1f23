"""The calculators of issue 14 item 7 through the three doors: the page (and adding to a case, with another
organisation's mediator getting 404), the API with its schema, and `tiaojie calc`."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.cases.models import ClaimItem, ClaimType
from tiaojie.cases.tests.factories import make_case

from .factories import CITY, wage_row
from .test_cli import tiaojie_calc

pytestmark = pytest.mark.django_db

INJURY = {
    "monthly_wage": "8000",
    "local_average_monthly_wage": "6000",
    "outcome": "7",
    "stoppage_months": "3",
    "employment_end_date": "2024-06-30",
    "province": "33",
    "province_average_monthly_wage": "6500",
}
EXAMPLES = {
    "work-injury": (INJURY, "258000.00"),
    "unlawful-probation": (
        {
            "contract_start_date": "2024-01-01",
            "contract_end_date": "2024-12-31",
            "probation_served_until": "2024-06-30",
            "post_probation_wage": "6000",
        },
        "24000.00",
    ),
    "open-ended-double-wage": (
        {"due_date": "2024-01-01", "monthly_wage": "6000", "end_date": "2024-12-31"},
        "72000.00",
    ),
    "service-period-penalty": (
        {
            "training_cost": "36600",
            "service_start_date": "2024-01-01",
            "service_end_date": "2024-12-31",
            "left_on": "2024-06-30",
        },
        "18400.00",
    ),
    "non-compete": ({"average_monthly_wage": "10000", "months_observed": "12"}, "36000.00"),
    "sick-leave": ({"total_work_years": "3", "years_with_employer": "1", "local_minimum_wage": "2490"}, "1992.00"),
}


@pytest.fixture
def headers(mediator_a):
    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=mediator_a)}"}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_page_calculates(client, name):
    data, amount = EXAMPLES[name]
    response = client.post(reverse("calculators:calculator", args=[name]), data)
    assert response.context["result"]["amount"] == amount
    assert f'id="result-amount">{amount}<' in response.content.decode()


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_api_calculates(client, headers, name):
    data, amount = EXAMPLES[name]
    response = client.post(f"/api/v1/calculators/{name}", json.dumps(data), content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == amount


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_console_script(name):
    data, amount = EXAMPLES[name]
    status, body = tiaojie_calc(name, json.dumps(data))
    assert (status, body["amount"]) == (0, amount)


def test_work_injury_result_keeps_who_pays_through_the_api(client, headers):
    response = client.post(
        "/api/v1/calculators/work-injury", json.dumps(INJURY), content_type="application/json", **headers
    )
    body = response.json()
    assert (body["fund_pays"], body["employer_pays"]) == ("169000.00", "89000.00")


def test_the_schema_states_the_cross_field_rules(client, headers):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    injury = json.dumps(schemas["WorkInjuryInput"], ensure_ascii=False)
    assert '"const": "death"' in injury and "province_average_monthly_wage" in injury
    missing = client.post(
        "/api/v1/calculators/work-injury",
        json.dumps({**INJURY, "province_average_monthly_wage": None}),
        content_type="application/json",
        **headers,
    )
    assert missing.status_code == 422 and "province_average_monthly_wage" in missing.json()["errors"]
    probation = client.post(
        "/api/v1/calculators/unlawful-probation",
        json.dumps(
            {"contract_start_date": "2024-01-01", "probation_served_until": "2024-06-30", "post_probation_wage": "1"}
        ),
        content_type="application/json",
        **headers,
    )
    assert probation.status_code == 422 and "contract_end_date" in probation.json()["errors"]


def test_a_city_lookup_without_an_end_date_needs_its_on_date(client):
    wage_row(CITY, "minimum_monthly", "2024-01-01", "2490.00", source="南京市最低工资文件")
    data = {"total_work_years": "3", "years_with_employer": "1", "city_code": CITY}
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("calc", "sick-leave", stdin=io.StringIO(json.dumps(data)), stdout=out)
    assert "查表日期（on_date）" in out.getvalue()
    out = io.StringIO()
    call_command("calc", "sick-leave", stdin=io.StringIO(json.dumps({**data, "on_date": "2024-06-30"})), stdout=out)
    body = json.loads(out.getvalue())
    assert body["amount"] == "1992.00" and "南京市最低工资文件" in body["steps"][0]["basis"]


def test_add_work_injury_to_a_case_and_another_organisation_gets_404(client, org_a, mediator_a, mediator_b):
    case = make_case(org_a, mediator_a)
    url = reverse("calculators:add_to_case", args=["work-injury", case.pk])
    client.force_login(mediator_b)
    assert client.post(url, INJURY).status_code == 404
    assert not ClaimItem.objects.filter(case=case, type=ClaimType.WORK_INJURY).exists()
    client.force_login(mediator_a)
    assert client.post(url, INJURY).status_code == 302
    item = ClaimItem.objects.get(case=case, type=ClaimType.WORK_INJURY)
    assert item.amount_claimed == Decimal("258000.00")
    assert any("第六十四条" in step["basis"] for step in item.explanation)


def test_bad_input_on_the_page_keeps_what_was_typed(client):
    response = client.post(reverse("calculators:calculator", args=["work-injury"]), {**INJURY, "stoppage_months": "30"})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["result"] is None
    assert "不得超过 24 个月" in html or "不超过 24" in html
    assert 'value="30"' in html
