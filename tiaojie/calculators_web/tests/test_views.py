import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tiaojie.calculators.registry import CALCULATORS
from tiaojie.calculators_web.views import CLAIM_TYPES
from tiaojie.cases.actions import Actor, do_add_claim_item, do_transition_case
from tiaojie.cases.models import CaseEvent, ClaimItem, ClaimType
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind

from .factories import wage_row

pytestmark = pytest.mark.django_db

TWO_N = {"start_date": "2005-03-01", "end_date": "2010-08-31", "monthly_wage": "8000", "termination_reason": "art40"}


def page(name):
    return reverse("calculators:calculator", args=[name])


def add_url(name, case):
    return reverse("calculators:add_to_case", args=[name, case.pk])


def test_every_calculator_maps_to_a_claim_type():
    # the limitation gives a day, not an amount: it is the only one that adds nothing to a case
    assert set(CLAIM_TYPES) == set(CALCULATORS) - {"arbitration-limitation"}
    assert set(CLAIM_TYPES.values()) <= set(ClaimType)


def test_index_is_public_and_lists_every_calculator(client):
    response = client.get(reverse("calculators:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for calculator in CALCULATORS.values():
        assert calculator.title in html and page(calculator.name) in html


def test_nav_and_home_link_to_the_calculators(client):
    html = client.get("/").content.decode()
    assert html.count('href="/calculators/"') >= 2  # nav and home page


@pytest.mark.parametrize("name", list(CALCULATORS))
def test_each_page_renders_its_form_for_anyone(client, name):
    response = client.get(page(name))
    assert response.status_code == 200
    html = response.content.decode()
    for field in CALCULATORS[name].fields:
        assert f'name="{field.name}"' in html
    assert "加入案件请求事项" not in html


def test_unknown_calculator_is_404(client):
    assert client.get("/calculators/severance/").status_code == 404


def test_result_shows_every_step_with_its_basis_and_the_rounding(client):
    response = client.post(page("unlawful-termination"), TWO_N)
    assert response.status_code == 200
    result = response.context["result"]
    html = response.content.decode()
    assert result["amount"] == "96000.00" and 'id="result-amount">96000.00<' in html
    for step in result["steps"]:
        assert step["basis"] in html
    assert html.count('<tr><td class="muted">') == len(result["steps"])
    assert "仅对最终金额按四舍五入" in html
    assert 'value="8000"' in html  # the form keeps what was typed


def test_errors_reshow_what_was_typed_with_the_message_beside_the_field(client):
    data = {**TWO_N, "monthly_wage": "八千", "end_date": "2010-02-30"}
    response = client.post(page("unlawful-termination"), data)
    assert response.status_code == 200 and response.context["result"] is None
    html = response.content.decode()
    assert 'value="八千"' in html and 'value="2010-02-30"' in html
    wage_errors = re.search(r'id="id_monthly_wage_errors">(.*?)</ul>', html, re.S)
    assert wage_errors and "须为数字" in wage_errors.group(1)
    date_errors = re.search(r'id="id_end_date_errors">(.*?)</ul>', html, re.S)
    assert date_errors and "不是有效日期" in date_errors.group(1)
    assert "输入有误" in html


def test_blank_required_fields_are_named(client):
    response = client.post(
        page("double-wage"), {"start_date": "", "monthly_wage": "", "contract_signed_date": "", "end_date": ""}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"start_date", "monthly_wage", "end_date"}  # contract_signed_date blank = not signed
    assert "请填写" in errors["monthly_wage"][0]


@pytest.mark.parametrize(
    "junk",
    [
        {"monthly_wage": "1e999999"},
        {"monthly_wage": "NaN"},
        {"termination_reason": "nonsense"},
        {"city_code": "not-a-place"},
        {"on_date": "9999-99-99"},
        {"start_date": "\x00"},
        {"monthly_wage": "9" * 5000},
    ],
)
def test_no_input_produces_a_500(client, junk):
    response = client.post(page("economic-compensation"), {**TWO_N, **junk})
    assert response.status_code == 200
    assert response.context["result"] is None


def test_a_place_from_the_tables_fills_the_local_wages(client):
    wage_row("3201", "minimum_monthly", "2024-01-01", "2490.00", source="南京市最低工资文件")
    form = client.get(page("economic-compensation")).content.decode()
    assert 'value="3201"' in form and 'value="31"' in form  # 南京 (test row) and 上海 (seeded)
    data = {
        "start_date": "2023-01-01",
        "end_date": "2024-06-30",
        "monthly_wage": "2000",
        "city_code": "3201",
        "on_date": "",
    }
    response = client.post(page("economic-compensation"), data)
    assert response.context["result"]["amount"] == "4980.00"
    assert "南京市最低工资文件" in response.content.decode()


# --- from a case: add the result to its claims ---------------------------------------------------------------


def test_mediator_from_a_case_sees_the_button(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    index = client.get(reverse("calculators:index"), {"case": case.pk}).content.decode()
    assert f"{page('overtime')}?case={case.pk}" in index
    response = client.post(f"{page('unlawful-termination')}?case={case.pk}", TWO_N)
    html = response.content.decode()
    assert "加入案件请求事项" in html and add_url("unlawful-termination", case) in html
    assert html.count('name="monthly_wage"') == 2  # the inputs again, hidden, for the recalculation


def test_add_to_case_recalculates_and_keeps_the_steps(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    response = client.post(add_url("unlawful-termination", case), {**TWO_N, "amount": "999999.00"})
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    item = ClaimItem.objects.get(case=case, type=ClaimType.UNLAWFUL_TERMINATION)
    assert item.amount_claimed == Decimal("96000.00")  # recalculated, the posted amount ignored
    assert item.description == CALCULATORS["unlawful-termination"].title
    assert item.explanation[0]["basis"].startswith("《劳动合同法》第四十八条") and len(item.explanation) == 7
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CLAIM_ADDED).count() == 1
    detail = client.get(response.url).content.decode()
    assert "已将「违法解除或者终止劳动合同赔偿金（2N）」96000.00 元加入请求事项" in detail
    assert "<details><summary>计算过程</summary>" in detail and item.explanation[-1]["text"] in detail


def test_case_detail_links_to_the_calculators_for_those_who_can_act(client, org_a, mediator_a, supervisor_county):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    link = f'href="/calculators/?case={case.pk}"'
    assert link in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    client.force_login(supervisor_county)  # reads the case, may not act on it
    assert link not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_another_organisations_mediator_gets_404(client, org_a, mediator_a, org_b, mediator_b):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_b)
    assert client.post(add_url("unlawful-termination", case), TWO_N).status_code == 404
    html = client.post(f"{page('unlawful-termination')}?case={case.pk}", TWO_N).content.decode()
    assert "加入案件请求事项" not in html and case.number not in html
    assert not ClaimItem.objects.filter(case=case, type=ClaimType.UNLAWFUL_TERMINATION).exists()


def test_a_supervisor_who_only_reads_gets_404(client, org_a, mediator_a, supervisor_county):
    case = make_case(org_a, mediator_a)
    client.force_login(supervisor_county)
    assert client.post(add_url("unlawful-termination", case), TWO_N).status_code == 404


def test_anonymous_is_sent_to_log_in(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    response = client.post(add_url("unlawful-termination", case), TWO_N)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_bad_input_is_not_added(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    response = client.post(add_url("unlawful-termination", case), {**TWO_N, "monthly_wage": "-1"})
    assert response.status_code == 200 and "不能为负数" in response.content.decode()
    assert not ClaimItem.objects.filter(case=case, type=ClaimType.UNLAWFUL_TERMINATION).exists()


def test_a_closed_case_takes_no_more_claims(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    do_transition_case(case=case, to="declined", reason="不属于调解范围", actor=Actor(ActorKind.STAFF, mediator_a))
    client.force_login(mediator_a)
    html = client.post(f"{page('unlawful-termination')}?case={case.pk}", TWO_N).content.decode()
    assert "加入案件请求事项" not in html
    response = client.post(add_url("unlawful-termination", case), TWO_N, follow=True)
    assert "案件已结束" in response.content.decode()
    assert not ClaimItem.objects.filter(case=case, type=ClaimType.UNLAWFUL_TERMINATION).exists()


# --- a result replaces the claim of its type (issue 13 item 2) ---------------------------------------------

COMPENSATION_26000 = {"start_date": "2022-01-01", "end_date": "2023-12-31", "monthly_wage": "13000"}  # 2 years × 13,000


def test_a_result_replaces_the_typed_claim_of_its_type_instead_of_adding_a_second(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    do_add_claim_item(
        case=case, type=ClaimType.COMPENSATION, amount=Decimal("22750.00"), actor=Actor(ActorKind.STAFF, mediator_a)
    )
    client.force_login(mediator_a)
    html = client.post(f"{page('economic-compensation')}?case={case.pk}", COMPENSATION_26000).content.decode()
    assert "已有请求事项「经济补偿」22750.00 元" in html and "不会另加一项" in html
    response = client.post(add_url("economic-compensation", case), COMPENSATION_26000)
    assert response.status_code == 302
    rows = list(ClaimItem.objects.filter(case=case, type=ClaimType.COMPENSATION))
    assert [r.amount_claimed for r in rows] == [Decimal("26000.00")]
    assert rows[0].explanation and rows[0].description == CALCULATORS["economic-compensation"].title
    event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CLAIM_EDITED).get()
    assert (event.data["old_amount"], event.data["amount"]) == ("22750.00", "26000.00")
    detail = client.get(response.url).content.decode()
    assert "替换请求事项「经济补偿」原来的 22750.00 元" in detail
    assert "38500.00" in detail.split('id="claims-total"')[1][:40]  # 12,500 wages + 26,000
    # Adding the same result again changes nothing but records the (unchanged) replacement.
    client.post(add_url("economic-compensation", case), COMPENSATION_26000)
    assert ClaimItem.objects.filter(case=case, type=ClaimType.COMPENSATION).count() == 1


def test_a_duplicate_of_the_type_left_from_intake_is_pointed_out(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    for amount in ("22750.00", "1000.00"):
        do_add_claim_item(
            case=case, type=ClaimType.COMPENSATION, amount=Decimal(amount), actor=Actor(ActorKind.STAFF, mediator_a)
        )
    client.force_login(mediator_a)
    response = client.post(add_url("economic-compensation", case), COMPENSATION_26000, follow=True)
    html = response.content.decode()
    amounts = ClaimItem.objects.filter(case=case, type=ClaimType.COMPENSATION).order_by("id")
    assert [c.amount_claimed for c in amounts] == [Decimal("26000.00"), Decimal("1000.00")]  # the earliest replaced
    assert "本案还有1项「经济补偿」，合计时会重复计算" in html


# --- what a person reads: no JSON keys, no codes (issue 13 item 10) ---------------------------------------


def test_places_are_named_without_their_code(client):
    wage_row("3201", "minimum_monthly", "2024-01-01", "2490.00")
    form = client.get(page("economic-compensation")).content.decode()
    assert '<option value="3201">南京市</option>' in form
    assert "（3201）" not in form and "（31）" not in form


def test_messages_and_steps_on_the_page_name_no_json_key(client, org_a, mediator_a):
    backwards = client.post(page("economic-compensation"), {**TWO_N, "end_date": "2004-01-01"})
    errors = backwards.context["form"].errors["end_date"]
    assert errors == ["离职日期不能早于入职日期"]
    wage_row("3201", "minimum_monthly", "2024-01-01", "2490.00", source="南京市最低工资文件")
    data = {"start_date": "2023-01-01", "end_date": "2024-06-30", "monthly_wage": "2000", "city_code": "3201"}
    steps = client.post(page("economic-compensation"), data).context["result"]["steps"]
    texts = " ".join(step["text"] + step["value"] for step in steps)
    assert "按地区查表：南京市" in texts  # the lookup step, which names its field for CLI users
    assert not re.search(r"[a-z]+_[a-z_]+|art\d+", texts), texts
    # The steps kept with a claim read the same.
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    client.post(add_url("economic-compensation", case), data)
    kept = ClaimItem.objects.get(case=case, type=ClaimType.COMPENSATION).explanation
    assert not re.search(r"[a-z]+_[a-z_]+|art\d+", " ".join(s["text"] + s["value"] for s in kept))


def test_the_cli_and_api_note_is_for_signed_in_staff_only(client, mediator_a):
    assert "tiaojie calc" not in client.get(reverse("calculators:index")).content.decode()
    client.force_login(mediator_a)
    assert "tiaojie calc NAME" in client.get(reverse("calculators:index")).content.decode()


def test_the_limitation_page_shows_a_day_counted_with_the_holiday_calendar(client):
    # 2024-10-01 + one year is 2025-10-01, inside the National Day holiday (seeded calendar): it rolls to 10-09.
    response = client.post(
        reverse("calculators:calculator", args=["arbitration-limitation"]), {"known_on": "2024-10-01"}
    )
    result = response.context["result"]
    assert (result["last_day"], result["nominal_last_day"]) == ("2025-10-09", "2025-10-01")
    assert 'id="result-last-day"' in response.content.decode()
    assert "result-amount" not in response.content.decode()


def test_the_limitation_cannot_be_added_to_a_case(client, org_a, mediator_a):
    from tiaojie.cases.tests.factories import make_case

    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    response = client.post(add_url("arbitration-limitation", case), {"known_on": "2024-10-01"})
    assert response.status_code == 404
