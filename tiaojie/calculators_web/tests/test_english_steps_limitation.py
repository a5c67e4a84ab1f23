"""The limitation calculator and the double-wage calculators in English, every branch (docs/i18n.md). These pass
with the branch's translations applied (/tmp catalogue merged by the lead)."""

import pytest

from .english import chinese_left, english_result

pytestmark = pytest.mark.django_db

DW = {"start_date": "2024-01-01", "monthly_wage": "6000", "contract_signed_date": "", "end_date": "2024-12-31"}
OE = {"due_date": "2022-01-01", "monthly_wage": "5000", "end_date": "2024-12-31"}

CASES = {
    "limitation plain": ("arbitration-limitation", {"known_on": "2023-03-01"}),
    "limitation rolled past a holiday": ("arbitration-limitation", {"known_on": "2024-10-01"}),
    "limitation beyond the calendar": ("arbitration-limitation", {"known_on": "2098-06-01"}),
    "limitation claimed and agreed": (
        "arbitration-limitation",
        {"known_on": "2023-03-01", "claimed_on": "2023-05-05", "employer_agreed_on": "2023-06-06"},
    ),
    "limitation mediation ended": (
        "arbitration-limitation",
        {"known_on": "2023-03-01", "mediation_requested_on": "2023-10-09", "mediation_ended_on": "2023-11-20"},
    ),
    "limitation mediation running": (
        "arbitration-limitation",
        {"known_on": "2023-03-01", "mediation_requested_on": "2023-10-09"},
    ),
    "limitation interruption before the start": (
        "arbitration-limitation",
        {"known_on": "2023-03-01", "claimed_on": "2023-01-01"},
    ),
    "limitation expired": (
        "arbitration-limitation",
        {"known_on": "2023-03-01", "mediation_requested_on": "2024-05-06", "application_date": "2024-06-03"},
    ),
    "limitation in time": ("arbitration-limitation", {"known_on": "2023-03-01", "application_date": "2023-06-01"}),
    "limitation labour pay employed": ("arbitration-limitation", {"kind": "labour_pay"}),
    "limitation labour pay left": (
        "arbitration-limitation",
        {"kind": "labour_pay", "employment_ended_on": "2025-06-30", "application_date": "2026-08-03"},
    ),
    "limitation no known_on": ("arbitration-limitation", {"kind": "other"}),
    "limitation end without start": (
        "arbitration-limitation",
        {"known_on": "2023-03-01", "mediation_ended_on": "2023-11-20"},
    ),
    "limitation end before start": (
        "arbitration-limitation",
        {"known_on": "2023-03-01", "mediation_requested_on": "2023-11-20", "mediation_ended_on": "2023-10-09"},
    ),
    "double wage plain": ("double-wage", DW),
    "double wage signed": ("double-wage", {**DW, "contract_signed_date": "2024-05-16"}),
    "double wage pre-2008": ("double-wage", {**DW, "start_date": "2007-06-01", "end_date": "2008-03-15"}),
    "double wage none": ("double-wage", {**DW, "end_date": "2024-01-20"}),
    "double wage late": ("double-wage", {**DW, "application_date": "2025-06-10"}),
    "double wage in time": ("double-wage", {**DW, "application_date": "2025-02-28"}),
    "double wage bad dates": ("double-wage", {**DW, "end_date": "2023-01-01", "monthly_wage": "-5"}),
    "open-ended plain": ("open-ended-double-wage", OE),
    "open-ended part month": ("open-ended-double-wage", {**OE, "end_date": "2024-12-15"}),
    "open-ended late": ("open-ended-double-wage", {**OE, "application_date": "2025-01-20"}),
    "open-ended deemed": ("open-ended-double-wage", {**OE, "ground": "art14_3"}),
    "open-ended bad dates": ("open-ended-double-wage", {**OE, "end_date": "2021-01-01"}),
}


@pytest.mark.parametrize("label", list(CASES))
def test_english_page_shows_no_chinese(client, label):
    name, data = CASES[label]
    assert chinese_left(client, name, data) == []


def test_the_limitation_reads_in_english(client):
    english, _ = english_result(client, "arbitration-limitation", {"known_on": "2023-03-01"})
    assert english["steps"][-1]["text"] == "Last day to apply for arbitration: 2024-03-01 (until 24:00 that day)"


def test_the_double_wage_warning_reads_in_english(client):
    english, _ = english_result(client, "double-wage", {**DW, "application_date": "2025-06-10"})
    warning = next(s["text"] for s in english["steps"] if s["text"].startswith("Warning"))
    assert "the 4 months from 2024-02-01 to 2024-05-31 are more than a year old" in warning


def test_the_open_ended_double_wage_reads_in_english(client):
    english, _ = english_result(client, "open-ended-double-wage", OE)
    assert english["steps"][-1]["text"].startswith("The normal wage has been paid; one more month's wage is owed")
