"""The worked calculation in English: each step's text, value and basis, and the input errors (issue 13 item 13).

The library keeps composing Chinese (the CLI, the API and the documents use it); the page rebuilds each step
from its translated template, and the bases through the citation grammar. Each row is a branch of a
calculator; a step text left out of `msg()` or a msgid without its English shows up here as Chinese. The
rows of the other calculators are in the test_english_steps_*.py files beside this one."""

import pytest
from django.urls import reverse

from tiaojie.cases.models import ClaimItem, ClaimType
from tiaojie.cases.tests.factories import make_case

from .english import chinese_left, english_result

pytestmark = pytest.mark.django_db

CASES = {
    "notice-pay plain": ("notice-pay", {"last_month_wage": "8000"}),
    "notice-pay with its ground": ("notice-pay", {"last_month_wage": "8000", "termination_reason": "art40_2"}),
    "notice-pay refused with 2N": ("notice-pay", {"last_month_wage": "8000", "claims_unlawful_termination": "yes"}),
    "notice-pay refused for art 39": ("notice-pay", {"last_month_wage": "8000", "termination_reason": "art39"}),
    "notice-pay negative wage": ("notice-pay", {"last_month_wage": "-1"}),
}


@pytest.mark.parametrize("label", list(CASES))
def test_english_page_shows_no_chinese(client, label):
    name, data = CASES[label]
    assert chinese_left(client, name, data) == []


def test_a_step_reads_in_the_readers_language(client):
    english, _ = english_result(client, "notice-pay", {"last_month_wage": "8000"})
    assert english["steps"][-1]["text"] == "Pay in lieu of notice = 1 × 8000.00 yuan = 8000.00 yuan"
    assert english["steps"][-1]["basis"] == (
        "Labour Contract Law, art. 40; Regulation on the Implementation of the Labour Contract Law, art. 20"
    )
    chinese = client.post(reverse("calculators:calculator", args=["notice-pay"]), {"last_month_wage": "8000"})
    step = chinese.context["result"]["steps"][-1]
    assert (step["text"], step["basis"]) == (
        "代通知金 = 1 × 8000.00 元 = 8000.00 元",
        "《劳动合同法》第四十条；《劳动合同法实施条例》第二十条",
    )


def test_an_error_reads_in_english_without_its_json_key(client):
    _, errors = english_result(client, "notice-pay", {"last_month_wage": "-1"})
    assert errors == ["Last month's wage cannot be negative"]


def test_steps_kept_with_a_claim_stay_chinese_and_show_in_english_on_the_case_page(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    client.post(reverse("calculators:add_to_case", args=["notice-pay", case.pk]), {"last_month_wage": "8000"})
    item = ClaimItem.objects.get(case=case, type=ClaimType.NOTICE_PAY)
    assert item.explanation[-1]["text"] == "代通知金 = 1 × 8000.00 元 = 8000.00 元"  # what documents print
    detail = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pay in lieu of notice = 1 × 8000.00 yuan = 8000.00 yuan" in detail
    assert "Labour Contract Law, art. 40; Regulation on the Implementation" in detail
    chinese = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "代通知金 = 1 × 8000.00 元 = 8000.00 元" in chinese


def test_the_local_wage_lookup_steps_read_in_english(client):
    from .factories import CITY, wage_row

    wage_row(CITY, "minimum_monthly", "2024-01-01", "2490.00", source="南京市文件二", note="第一档")
    data = {"start_date": "2021-01-01", "end_date": "2024-05-31", "monthly_wage": "1800", "city_code": CITY}
    english, _ = english_result(client, "economic-compensation", {**data, "local_average_monthly_wage": "11000"})
    assert english["steps"][0]["text"] == (
        "Looked up for 南京市: Local minimum monthly wage, the standard in force on or before 2024-05-31 "
        "(in force from 2024-01-01); note: 第一档"
    )
    chinese = client.post(
        reverse("calculators:calculator", args=["economic-compensation"]),
        {**data, "local_average_monthly_wage": "11000"},
    )
    assert chinese.context["result"]["steps"][0]["text"].startswith(
        "按地区查表：南京市当地最低月工资标准，取 2024-05-31"
    )
