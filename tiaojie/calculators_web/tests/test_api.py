import json

import pytest

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.calculators.registry import CALCULATORS

from .factories import CITY, wage_row

pytestmark = pytest.mark.django_db

URL = "/api/v1/calculators"
TWO_N = {"start_date": "2005-03-01", "end_date": "2010-08-31", "monthly_wage": "8000"}


@pytest.fixture
def headers(mediator_a):
    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=mediator_a)}"}


def post(client, name, payload, headers):
    body = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return client.post(f"{URL}/{name}", body, content_type="application/json", **headers)


def test_calculates(client, headers):
    response = post(client, "unlawful-termination", TWO_N, headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["amount"] == "96000.00" and body["steps"][0]["basis"].startswith("《劳动合同法》")
    assert "赔偿金" in response.content.decode()  # readable Chinese, not \u escapes


def test_numbers_may_be_json_numbers(client, headers):
    response = post(
        client, "overtime", {"monthly_wage": 5000, "weekday_hours": 2, "rest_day_hours": 0, "holiday_hours": 0}, headers
    )
    assert response.status_code == 200 and response.json()["amount"] == "86.21"  # docs/law.md §7 example


def test_bad_input_is_422_with_the_fields(client, headers):
    response = post(client, "unlawful-termination", {**TWO_N, "end_date": "2010-02-30", "bonus": 1}, headers)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == {"end_date": "不是有效的日期或时间", "bonus": "未知字段"}


def test_what_only_the_calculator_can_judge_is_its_422(client, headers):
    backwards = post(client, "unlawful-termination", {**TWO_N, "start_date": "2011-01-01"}, headers)
    assert backwards.status_code == 422
    assert backwards.json()["errors"] == {"end_date": "离职日期（end_date）不能早于入职日期（start_date）"}
    resigned = post(client, "unlawful-termination", {**TWO_N, "termination_reason": "employee_resigned_art38"}, headers)
    assert resigned.status_code == 422 and "第三十八条" in resigned.json()["errors"]["termination_reason"]
    # ...and the schema says so: art 38 is not among 2N's reasons, and its end date is from 2008 on.
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["UnlawfulTerminationInput"]
    assert "employee_resigned_art38" not in schema["properties"]["termination_reason"]["enum"]
    assert schema["properties"]["end_date"]["pattern"].startswith("^(200[89]")


def test_numbers_are_a_decimal_text_or_a_json_number(client, headers):
    for wage in ("8000", "8000.5", 8000, 8000.25):
        assert post(client, "notice-pay", {"last_month_wage": wage}, headers).status_code == 200, wage
    for wage in ("1e3", " 8000", "8000.123", -1, 8000.001, "1000000000", True, None):
        response = post(client, "notice-pay", {"last_month_wage": wage}, headers)
        assert response.status_code == 422 and "last_month_wage" in response.json()["errors"], wage


def test_annual_leave_takes_the_unused_days_or_the_four_inputs(client, headers):
    assert post(client, "annual-leave", {"monthly_wage": "5000", "unused_days": 3}, headers).status_code == 200
    both = post(client, "annual-leave", {"monthly_wage": "5000", "unused_days": 3, "days_taken": 1}, headers)
    assert both.status_code == 422 and "days_taken" in both.json()["errors"]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["AnnualLeaveInput"]
    assert [branch["required"] for branch in schema["anyOf"]] == [
        ["unused_days"],
        ["cumulative_years", "period_start", "period_end", "days_taken"],
    ]


def test_a_body_that_is_not_an_object_is_422(client, headers):
    assert post(client, "notice-pay", "[1, 2]", headers).status_code == 422
    assert post(client, "notice-pay", "{oops", headers).status_code == 400


def test_unknown_calculator_is_404(client, headers):
    response = post(client, "severance", TWO_N, headers)
    assert response.status_code == 404 and "severance" in response.json()["detail"]


def test_a_token_is_required(client):
    assert post(client, "unlawful-termination", TWO_N, {}).status_code == 401
    assert client.get(URL).status_code == 401


def test_lists_the_calculators_with_their_fields(client, headers):
    body = client.get(URL, **headers).json()
    assert [c["name"] for c in body] == list(CALCULATORS)
    assert body[0]["fields"][0] == {
        "name": "start_date",
        "type": "date",
        "label": "入职日期（用工之日）",
        "required": True,
        "nullable": False,
    }


def test_city_code_lookup(client, headers):
    wage_row(CITY, "minimum_monthly", "2024-01-01", "2490.00", source="南京市文件")
    payload = {"start_date": "2023-01-01", "end_date": "2024-06-30", "monthly_wage": "2000", "city_code": CITY}
    response = post(client, "economic-compensation", payload, headers)
    assert response.status_code == 200 and response.json()["amount"] == "4980.00"
    missing = post(client, "economic-compensation", {**payload, "on_date": "2023-12-31"}, headers)
    assert missing.status_code == 422 and list(missing.json()["errors"]) == ["city_code"]
    alone = post(client, "economic-compensation", {**payload, "city_code": None, "on_date": "2023-12-31"}, headers)
    assert alone.status_code == 422 and "on_date" in alone.json()["errors"]  # on_date needs city_code


def test_each_step_lists_the_links_of_its_basis(client, headers, tmp_path):
    """basis_links: the citations of a step's basis the law library holds, each with its article's page."""
    from tiaojie.knowledge import links
    from tiaojie.knowledge.actions import do_import_law_directory
    from tiaojie.knowledge.tests import samples

    before = post(client, "unlawful-termination", TWO_N, headers).json()
    assert all(step["basis_links"] == [] for step in before["steps"])  # an empty library: nothing to link
    do_import_law_directory(root=samples.write_laws(tmp_path / "laws"), commit="x")
    links.clear_memo()
    body = post(client, "unlawful-termination", TWO_N, headers).json()
    listed = [link for step in body["steps"] for link in step["basis_links"]]
    article_47 = "/laws/%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C%E6%B3%95/articles/47/"  # /laws/劳动合同法/articles/47/
    assert any(link["url"] == article_47 and link["citation"].startswith("《劳动合同法》第四十七条") for link in listed)
    # The sample text stops at 第九十八条 and lacks 第八十七条: not listed rather than a link that answers 404.
    assert not any(link["url"].endswith("/87/") for link in listed)
