"""Human-readable case numbers (仓调〔2026〕12号): one sequence per organisation and Beijing year of receipt,
allocated at creation, never twice, shown wherever a case is named."""

from __future__ import annotations

import datetime as dt
import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from tiaojie.cases.models import Case, CaseNumberCounter
from tiaojie.cases.tests.factories import make_case
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.models import Organisation, derive_case_prefix
from tiaojie.organisations.tests.factories import OrganisationFactory


def at(year: int, month: int = 3, day: int = 1, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LEGAL_TZ)


@pytest.mark.parametrize(
    ("name", "ancestors", "prefix"),
    [
        ("福州市仓山区劳动人事争议调解委员会", ["福建省", "福州市"], "仓调"),
        ("浙江省杭州市余杭区仓前街道调解中心", ["浙江省", "杭州市"], "余调"),
        ("仓前街道劳动争议调解中心", ["浙江省", "杭州市"], "仓调"),
        ("浙江省杭州市西湖区调解中心", [], "西调"),  # no division given: the place suffixes are dropped
        ("调解中心", [], "调"),
        ("【基准】城关镇劳动人事争议调解中心", [], "城调"),
    ],
)
def test_the_prefix_is_derived_from_the_name_without_province_and_city(name, ancestors, prefix):
    assert derive_case_prefix(name, ancestors) == prefix


def test_a_new_organisation_gets_a_derived_prefix_and_an_edited_one_is_kept(db):
    # A township's organisation drops province, city and county; a county's keeps the county.
    org = OrganisationFactory(name="杭州市余杭区仓前街道调解中心", division_id="330110012")
    assert org.case_prefix == "仓调"
    assert OrganisationFactory(name="杭州市余杭区劳动人事争议调解中心", division_id="330110").case_prefix == "余调"
    org.case_prefix = "仓前调"
    org.save()
    org.refresh_from_db()
    assert org.case_prefix == "仓前调"


def test_numbers_run_per_organisation_and_year(org_a, mediator_a, org_b, mediator_b):
    org_a.case_prefix = "仓调"
    org_a.save(update_fields=["case_prefix"])
    first = make_case(org_a, mediator_a, received_at=at(2025, 12, 30))
    second = make_case(org_a, mediator_a, received_at=at(2025, 12, 31, 23, 59))
    # 00:30 in Beijing on 1 January is still 31 December in UTC: the number's year is Beijing's.
    new_year = make_case(org_a, mediator_a, received_at=at(2026, 1, 1, 0, 30))
    other_org = make_case(org_b, mediator_b, received_at=at(2025, 12, 30))
    assert [first.number, second.number, new_year.number] == ["仓调〔2025〕1号", "仓调〔2025〕2号", "仓调〔2026〕1号"]
    assert (other_org.number_year, other_org.number_seq) == (2025, 1)
    assert other_org.number == f"{org_b.case_prefix}〔2025〕1号"
    assert first.display_number == "仓调〔2025〕1号" and str(first).startswith("仓调〔2025〕1号 ")
    assert CaseNumberCounter.objects.get(organisation=org_a, year=2025).last == 2


def test_a_changed_prefix_applies_to_later_cases_only(org_a, mediator_a):
    before = make_case(org_a, mediator_a, received_at=at(2025))
    org_a.case_prefix = "余调"
    org_a.save(update_fields=["case_prefix"])
    after = make_case(org_a, mediator_a, received_at=at(2025, 3, 2))
    before.refresh_from_db()
    assert before.number.endswith("〔2025〕1号") and not before.number.startswith("余调")
    assert after.number == "余调〔2025〕2号"


def test_a_refused_registration_uses_no_number(org_a, mediator_a):
    from tiaojie.cases.actions import CaseActionError

    make_case(org_a, mediator_a, received_at=at(2025))
    with pytest.raises(CaseActionError):
        make_case(org_a, mediator_a, received_at=at(2025, 3, 2), facts="")
    assert make_case(org_a, mediator_a, received_at=at(2025, 3, 3)).number_seq == 2


def test_the_case_page_and_list_show_the_number(client, org_a, mediator_a):
    case = make_case(org_a, mediator_a, received_at=at(2025))
    client.force_login(mediator_a)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'<span id="case-number">{case.number}</span>' in detail and f"案件 #{case.pk}" not in detail
    listing = client.get("/cases/").content.decode()
    assert f'class="case-number">{case.number}</a>' in listing and f">#{case.pk}<" not in listing


def test_the_migration_numbers_existing_cases_in_the_order_received(org_a, mediator_a, org_b, mediator_b):
    late = make_case(org_a, mediator_a, received_at=at(2025, 5))
    early = make_case(org_a, mediator_a, received_at=at(2025, 4))
    previous_year = make_case(org_a, mediator_a, received_at=at(2024, 6))
    elsewhere = make_case(org_b, mediator_b, received_at=at(2025, 4))
    # As before the numbers existed.
    Case.objects.update(number="", number_year=None, number_seq=None, numbered_by=None)
    CaseNumberCounter.objects.all().delete()
    migration = importlib.import_module("tiaojie.cases.migrations.0008_case_number_backfill_h5")
    migration.number_existing_cases(apps, None)
    numbers = dict(Case.objects.values_list("pk", "number"))
    prefix_a, prefix_b = org_a.case_prefix, org_b.case_prefix
    assert numbers[early.pk] == f"{prefix_a}〔2025〕1号"
    assert numbers[late.pk] == f"{prefix_a}〔2025〕2号"
    assert numbers[previous_year.pk] == f"{prefix_a}〔2024〕1号"
    assert numbers[elsewhere.pk] == f"{prefix_b}〔2025〕1号"
    assert Case.objects.filter(numbered_by=org_a).count() == 3
    # The counters continue after the numbers the migration gave.
    assert make_case(org_a, mediator_a, received_at=at(2025, 6)).number == f"{prefix_a}〔2025〕3号"


def test_a_rerouted_case_keeps_its_number_and_the_new_organisation_its_sequence(org_a, mediator_a, org_b, mediator_b):
    """Uniqueness is per issuing organisation: a case moved to B keeps A's number and B's own 1号 still fits."""
    moved = make_case(org_a, mediator_a, received_at=at(2025))
    Case.objects.filter(pk=moved.pk).update(organisation=org_b)
    own = make_case(org_b, mediator_b, received_at=at(2025, 3, 2))
    moved.refresh_from_db()
    assert (moved.numbered_by_id, moved.number_seq) == (org_a.pk, 1)
    assert (own.numbered_by_id, own.number_seq) == (org_b.pk, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers (PostgreSQL)")
def test_parallel_registrations_never_share_a_number(transactional_db, org_a, mediator_a):
    """Eight registrations at the same instant, each on its own connection, including the year's first (no
    counter row yet): eight different numbers, 1 to 8."""
    threads_n = 8
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []
    organisation_id = org_a.pk

    def register() -> None:
        try:
            org = Organisation.objects.get(pk=organisation_id)
            barrier.wait()
            make_case(org, mediator_a, received_at=at(2025))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    seqs = sorted(Case.objects.filter(organisation=org_a).values_list("number_seq", flat=True))
    assert seqs == list(range(1, threads_n + 1))
    assert len(set(Case.objects.values_list("number", flat=True))) == threads_n
    assert CaseNumberCounter.objects.get(organisation=org_a, year=2025).last == threads_n


def test_the_admin_edits_the_prefix(admin_client, org_a):
    page = admin_client.get(f"/admin/organisations/organisation/{org_a.pk}/change/").content.decode()
    assert 'name="case_prefix"' in page and f'value="{org_a.case_prefix}"' in page
    assert "案号代字" in page
