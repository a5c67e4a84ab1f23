"""The provincial rule table (reference.rules): the seeded rows, the lookup's in-force boundaries and its
fallback to the national rule, the cache seen by every process, the admin's checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tiaojie.reference import rules
from tiaojie.reference.models import ProvincialRule, ProvincialRuleRevision

Key = ProvincialRule.Key
D = dt.date


def row(province, key, value, start=None, end=None, **extra):
    fields = {"instrument": "测试规定", "article": "第一条", "basis": "测试规定第一条", **extra}
    return ProvincialRule.objects.create(
        province=province, key=key, value=value, in_force_from=start, in_force_to=end, **fields
    )


def test_the_migration_seeds_the_national_defaults_and_zhejiang(db):
    seeded = {(r.province, r.key): r for r in ProvincialRule.objects.all()}
    national = seeded[("", Key.CLOCK_B_START)]
    assert (national.value, national.unconfirmed, national.in_force_from) == ("acceptance", True, None)
    assert seeded[("", Key.CLOCK_B_DAYS)].value == "15"
    cap = seeded[("", Key.CLOCK_B_EXTENSION_MAX_DAYS)]
    assert cap.value == "" and cap.unconfirmed  # no cap nationally, and marked 待核对
    zhejiang = seeded[("33", Key.CLOCK_B_START)]
    assert (zhejiang.value, zhejiang.article, zhejiang.unconfirmed) == ("receipt", "第十条第二款", False)
    assert zhejiang.in_force_from == D(2016, 1, 1)  # 浙江条例 art 48
    assert zhejiang.basis == rules.ZHEJIANG_CLOCK_B_BASIS
    assert len(seeded) == len(rules.SEED) == 6
    assert rules.seed_provincial_rules() == 0  # idempotent


def test_a_province_row_applies_only_on_the_days_it_is_in_force(db):
    assert rules.rule_for("33", Key.CLOCK_B_START, D(2015, 12, 31)).value == "acceptance"  # before art 48's day
    assert rules.rule_for("33", Key.CLOCK_B_START, D(2016, 1, 1)).value == "receipt"
    row("32", Key.CLOCK_B_DAYS, "20", D(2026, 3, 1), D(2026, 3, 31))
    assert rules.rule_for("32", Key.CLOCK_B_DAYS, D(2026, 2, 28)).value == "15"  # the national row
    assert rules.rule_for("32", Key.CLOCK_B_DAYS, D(2026, 3, 1)).value == "20"
    assert rules.rule_for("32", Key.CLOCK_B_DAYS, D(2026, 3, 31)).value == "20"  # the last day counts
    assert rules.rule_for("32", Key.CLOCK_B_DAYS, D(2026, 4, 1)).value == "15"


def test_any_division_code_means_its_province_and_an_unknown_one_the_national_rule(db):
    assert rules.rule_for("330110012", Key.CLOCK_B_START, D(2026, 3, 1)).province == "33"
    national = rules.rule_for("110101001", Key.CLOCK_B_START, D(2026, 3, 1))
    assert (national.province, national.value) == ("", "acceptance")
    assert rules.rule_for(None, Key.CLOCK_B_START, D(2026, 3, 1)).province == ""


def test_with_no_national_row_in_force_the_built_in_default_answers(db):
    ProvincialRule.objects.filter(province="", key=Key.CLOCK_B_DAYS).delete()
    rule = rules.rule_for("11", Key.CLOCK_B_DAYS, D(2026, 3, 1))
    assert rule == rules.NATIONAL_DEFAULTS[Key.CLOCK_B_DAYS] and rule.number == 15


def test_an_edit_made_in_another_process_is_seen_on_the_next_lookup(db):
    assert rules.rule_for("33", Key.CLOCK_B_DAYS, D(2026, 3, 1)).value == "15"
    # Another process: the row and the revision change without this process's signal handler running.
    ProvincialRule.objects.filter(province="33", key=Key.CLOCK_B_DAYS).update(value="20")
    assert rules.rule_for("33", Key.CLOCK_B_DAYS, D(2026, 3, 1)).value == "15"  # cached, revision unchanged
    ProvincialRuleRevision.objects.update_or_create(pk=1, defaults={"revision": rules.current_revision() + 1})
    assert rules.rule_for("33", Key.CLOCK_B_DAYS, D(2026, 3, 1)).value == "20"


def test_a_save_here_moves_the_revision(db):
    before = rules.current_revision()
    row("32", Key.CLOCK_B_DAYS, "20", D(2026, 3, 1))
    assert rules.current_revision() == before + 1
    assert rules.rule_for("32", Key.CLOCK_B_DAYS, D(2026, 3, 2)).number == 20


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        (Key.CLOCK_B_START, "receipt", True),
        (Key.CLOCK_B_START, "收到", False),
        (Key.CLOCK_B_DAYS, "15", True),
        (Key.CLOCK_B_DAYS, "", False),
        (Key.CLOCK_B_DAYS, "0", False),
        (Key.CLOCK_B_DAYS, "366", False),
        (Key.CLOCK_B_EXTENSION_MAX_DAYS, "", True),
        (Key.CLOCK_B_EXTENSION_MAX_DAYS, "15", True),
        (Key.CLOCK_B_EXTENSION_MAX_DAYS, "-1", False),
    ],
)
def test_values_are_checked_per_rule(key, value, ok):
    assert (rules.value_error(key, value) is None) == ok


def test_clean_refuses_a_non_province_code_and_overlapping_periods(db):
    bad = ProvincialRule(province="99", key=Key.CLOCK_B_DAYS, value="15", instrument="x", basis="x")
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "province" in error.value.message_dict
    overlapping = ProvincialRule(
        province="33", key=Key.CLOCK_B_DAYS, value="20", instrument="x", basis="x", in_force_from=D(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()  # the seeded Zhejiang row is in force from 2016 with no end
    assert "in_force_from" in error.value.message_dict
    ProvincialRule.objects.filter(province="33", key=Key.CLOCK_B_DAYS).update(in_force_to=D(2025, 12, 31))
    overlapping.full_clean()  # after the old row ends: fine


def test_an_administrator_edits_the_rules_in_the_admin(client, db):
    from tiaojie.organisations.tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:reference_provincialrule_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "全国（默认）" in text and "浙江省（33）" in text
    assert "《浙江省劳动人事争议调解仲裁条例》第十条第二款" in text
    rule = ProvincialRule.objects.get(province="33", key=Key.CLOCK_B_EXTENSION_MAX_DAYS)
    page = client.get(reverse("admin:reference_provincialrule_change", args=[rule.pk]))
    assert page.status_code == 200
    form = {
        "province": "33",
        "key": rule.key,
        "value": "10",
        "instrument": rule.instrument,
        "article": rule.article,
        "basis": rule.basis,
        "in_force_from": "2016-01-01",
        "in_force_to": "",
        "unconfirmed": "on",
        "_save": "1",
    }
    saved = client.post(reverse("admin:reference_provincialrule_change", args=[rule.pk]), form)
    assert saved.status_code == 302
    assert rules.rule_for("33", Key.CLOCK_B_EXTENSION_MAX_DAYS, D(2026, 3, 1)).number == 10
    assert rule.history.count() >= 1
