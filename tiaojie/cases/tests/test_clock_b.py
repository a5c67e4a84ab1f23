"""Clock B from the provincial rules (docs/law.md §3): where it runs from, for how long, under which article, how
an agreed extension counts, and the configured cap. Organisation A is in Zhejiang (浙江条例 art 10 para 2: from
receipt); the organisation in Nanjing keeps the national rule (from acceptance)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tiaojie.cases import clock_b
from tiaojie.cases.actions import Actor, CaseActionError, do_extend_clock_b, do_transition_case
from tiaojie.cases.deadlines import case_deadlines, recompute_uncertain_case_deadlines
from tiaojie.cases.models import Case, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.transitions import ActorKind
from tiaojie.lib.workdays import LEGAL_TZ
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tiaojie.reference import rules
from tiaojie.reference.models import ProvincialRule

BJ = LEGAL_TZ
NANJING_TOWNSHIP = "320102002"  # 江苏省南京市玄武区梅园新村街道: no provincial row, the national rule applies


def rules_changed():
    """After a queryset update (which sends no signal): what a save does, a new revision and this process's copy
    dropped. Clearing the copy alone would leave it built at the old revision, which the rollback at the end of
    the test restores, so the next test would read this test's rules."""
    rules.bump_revision()
    rules.clear_rules_cache()


def staff(user):
    return Actor(ActorKind.STAFF, user)


def at(y, m, d, hour=9):
    return time_machine.travel(dt.datetime(y, m, d, hour, 0, tzinfo=BJ), tick=False)


@pytest.fixture
def org_nanjing(db):
    return OrganisationFactory(name="梅园新村街道调解中心", division_id=NANJING_TOWNSHIP)


@pytest.fixture
def mediator_nanjing(org_nanjing):
    return MembershipFactory(user=UserFactory(username="mediator_nanjing"), organisation=org_nanjing).user


def accepted(org, user, received, accepted_on):
    with at(*received):
        case = make_case(org, user)
    with at(*accepted_on):
        do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(user))
    return case


def clock_b_view(case, now):
    return next(d for d in case_deadlines(case, now) if d.key == "clock_b")


def test_zhejiang_counts_clock_b_from_receipt_with_the_article(org_a, mediator_a):
    case = accepted(org_a, mediator_a, (2026, 3, 2), (2026, 3, 4))
    assert case.clock_b_due == dt.date(2026, 3, 17)  # 2 March + 15, not 4 March + 15 = 19 March
    case.refresh_from_db()
    assert (case.clock_b_from, case.clock_b_days) == ("receipt", 15)
    assert case.clock_b_basis == rules.ZHEJIANG_CLOCK_B_BASIS
    view = clock_b_view(case, dt.datetime(2026, 3, 5, tzinfo=BJ))
    assert view.basis.startswith("《浙江省劳动人事争议调解仲裁条例》第十条第二款")
    assert "收到申请起15日" in str(view.label)


def test_an_organisation_outside_zhejiang_keeps_the_national_rule(org_nanjing, mediator_nanjing):
    case = accepted(org_nanjing, mediator_nanjing, (2026, 3, 2), (2026, 3, 4))
    assert case.clock_b_due == dt.date(2026, 3, 19)  # 4 March + 15
    case.refresh_from_db()
    assert case.clock_b_from == "acceptance" and case.clock_b_basis == rules.NATIONAL_CLOCK_B_BASIS
    view = clock_b_view(case, dt.datetime(2026, 3, 5, tzinfo=BJ))
    assert "受理起15日" in str(view.label) and view.basis.startswith("《企业劳动争议协商调解规定》")
    # No cap nationally (the 15 days an earlier version applied had no basis): 40 days are agreed and added.
    with at(2026, 3, 10):
        do_extend_clock_b(case=case, days=10, actor=staff(mediator_nanjing), reason="双方书面同意延长10日")
        do_extend_clock_b(case=case, days=30, actor=staff(mediator_nanjing), reason="双方书面同意再延长30日")
    case.refresh_from_db()
    # 19 March + 10 = 29 March (Sunday) → 30 March; + 30 = 29 April.
    assert case.clock_b_extensions == [10, 30] and case.clock_b_extension_days == 40
    assert case.clock_b_due == dt.date(2026, 4, 29)
    assert case.clock_a_due == dt.date(2026, 3, 17)  # clock A never moves


@pytest.mark.parametrize("org_fixture", ["org_a", "org_nanjing"])
def test_an_extension_over_spring_festival_adds_its_days(request, org_fixture):
    """Received Monday 2 February 2026, accepted the 3rd: clock B's last day (17 or 18 February) falls in the
    Spring Festival holiday (15–23 February) and rolls to Tuesday 24 February. Five days agreed on the 10th
    run from the 24th: 1 March is a Sunday, so 2 March. Counted from the start (3 Feb + 20 = 22 Feb → 24 Feb)
    the five days added nothing."""
    org = request.getfixturevalue(org_fixture)
    user = MembershipFactory(organisation=org).user
    case = accepted(org, user, (2026, 2, 2), (2026, 2, 3))
    assert case.clock_b_due == dt.date(2026, 2, 24)
    with at(2026, 2, 10):
        do_extend_clock_b(case=case, days=5, actor=staff(user), reason="春节前双方同意延长5日")
    assert case.clock_b_due == dt.date(2026, 3, 2)
    event = case.events.get(kind="clock_b_extended")
    assert event.data["from"] == "2026-02-24" and event.data["new_due"] == "2026-03-02"
    assert event.data["counting"] == clock_b.EXTENSION_RULE
    view = clock_b_view(case, dt.datetime(2026, 2, 10, tzinfo=BJ))
    assert "次日起算" in str(view.note)


def test_each_extension_adds_its_days_after_the_one_before(org_a, mediator_a):
    case = accepted(org_a, mediator_a, (2026, 2, 2), (2026, 2, 3))
    with at(2026, 2, 10):
        do_extend_clock_b(case=case, days=5, actor=staff(mediator_a), reason="第一次")
        do_extend_clock_b(case=case, days=1, actor=staff(mediator_a), reason="第二次")
    assert case.clock_b_due == dt.date(2026, 3, 3)  # 2 March + 1


def cap_row(province, days, *, start=None, end=None, unconfirmed=True):
    return ProvincialRule.objects.create(
        province=province,
        key=ProvincialRule.Key.CLOCK_B_EXTENSION_MAX_DAYS,
        value=str(days),
        instrument="测试规定",
        article="第一条",
        basis=f"测试规定第一条：延长不超过{days}日",
        in_force_from=start,
        in_force_to=end,
        unconfirmed=unconfirmed,
    )


def test_a_configured_cap_refuses_with_its_article_from_the_day_it_is_in_force(org_a, mediator_a):
    # Zhejiang's seeded row (no cap) ends on 15 March; a capped row from the 16th.
    ProvincialRule.objects.filter(province="33", key=ProvincialRule.Key.CLOCK_B_EXTENSION_MAX_DAYS).update(
        in_force_to=dt.date(2026, 3, 15)
    )
    rules_changed()
    cap_row("33", 15, start=dt.date(2026, 3, 16))
    case = accepted(org_a, mediator_a, (2026, 3, 2), (2026, 3, 4))
    with at(2026, 3, 15, 23):  # the last day of the uncapped row: 20 days are fine
        do_extend_clock_b(case=case, days=20, actor=staff(mediator_a), reason="双方同意延长20日")
    other = accepted(org_a, mediator_a, (2026, 3, 2), (2026, 3, 4))
    with at(2026, 3, 16, 0):
        do_extend_clock_b(case=other, days=10, actor=staff(mediator_a), reason="双方同意延长10日")
        with pytest.raises(CaseActionError) as refused:
            do_extend_clock_b(case=other, days=6, actor=staff(mediator_a), reason="再延长6日")
    assert (
        refused.value.message
        == "双方同意延长的天数合计不得超过15天（测试规定第一条）。本案已延长10天，最多还可延长5天。"
    )
    assert refused.value.fields["days"] == refused.value.message
    other.refresh_from_db()
    assert other.clock_b_extension_days == 10 and other.events.filter(kind="clock_b_extended").count() == 1
    with at(2026, 3, 16):
        assert clock_b.extension_days_left(other, dt.date(2026, 3, 16)) == 5
        do_extend_clock_b(case=other, days=5, actor=staff(mediator_a), reason="再延长5日")
        assert not clock_b.may_extend(other, dt.date(2026, 3, 16))


def test_the_extension_form_shows_the_cap_message_in_chinese(client, org_a, mediator_a):
    cap_row("33", 3)
    ProvincialRule.objects.filter(province="33", key=ProvincialRule.Key.CLOCK_B_EXTENSION_MAX_DAYS).exclude(
        instrument="测试规定"
    ).delete()
    case = make_case(org_a, mediator_a)
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(mediator_a))
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "合计不超过3天（测试规定第一条），本案已延长0天" in page
    answer = client.post(reverse("cases:extend", args=[case.pk]), {"days": 4, "reason": "双方同意"}, follow=True)
    assert (
        "双方同意延长的天数合计不得超过3天（测试规定第一条）。本案已延长0天，最多还可延长3天。"
        in answer.content.decode()
    )
    assert Case.objects.get(pk=case.pk).clock_b_extension_days == 0


def test_another_organisations_user_gets_404_on_the_extension(client, org_a, mediator_a, mediator_b):
    case = make_case(org_a, mediator_a)
    do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(mediator_a))
    client.force_login(mediator_b)
    answer = client.post(reverse("cases:extend", args=[case.pk]), {"days": 2, "reason": "双方同意"})
    assert answer.status_code == 404
    assert Case.objects.get(pk=case.pk).clock_b_extension_days == 0


def test_a_rule_changed_after_acceptance_leaves_the_case_as_counted(org_a, mediator_a):
    case = accepted(org_a, mediator_a, (2026, 3, 2), (2026, 3, 4))
    row = ProvincialRule.objects.get(province="33", key=ProvincialRule.Key.CLOCK_B_START)
    row.value = "acceptance"
    row.save()
    with at(2026, 3, 5):
        do_extend_clock_b(case=case, days=2, actor=staff(mediator_a), reason="双方同意延长2日")
    assert case.clock_b_due == dt.date(2026, 3, 19)  # 17 March (from receipt, as accepted) + 2
    later = accepted(org_a, mediator_a, (2026, 3, 2), (2026, 3, 4))
    assert later.clock_b_due == dt.date(2026, 3, 19)  # the new rule, for a case accepted after the change


def test_a_case_accepted_before_the_rule_table_keeps_its_terms(org_a, mediator_a):
    case = accepted(org_a, mediator_a, (2026, 3, 2), (2026, 3, 4))
    # As the migration left a case accepted earlier: 15 days from acceptance, with 3 days already agreed.
    Case.objects.filter(pk=case.pk).update(
        clock_b_from="", clock_b_days=None, clock_b_basis="", clock_b_extensions=[], clock_b_extension_days=3,
        clock_b_due=dt.date(2026, 3, 23),
    )  # fmt: skip
    case.refresh_from_db()
    terms = clock_b.stored_terms(case)
    assert (terms.start, terms.days, terms.from_receipt) == (dt.date(2026, 3, 4), 18, False)
    assert clock_b.count_terms(terms).last_day == case.clock_b_due
    assert clock_b_view(case, dt.datetime(2026, 3, 5, tzinfo=BJ)).basis == rules.NATIONAL_CLOCK_B_BASIS
    with at(2026, 3, 10):
        do_extend_clock_b(case=case, days=2, actor=staff(mediator_a), reason="双方同意延长2日")
    case.refresh_from_db()
    assert case.clock_b_due == dt.date(2026, 3, 25) and case.clock_b_extension_days == 5
    assert (case.clock_b_from, case.clock_b_days, case.clock_b_extensions) == ("acceptance", 18, [2])


def test_the_recount_after_a_calendar_year_uses_the_stored_terms_and_extensions(org_a, mediator_a):
    case = accepted(org_a, mediator_a, (2026, 2, 2), (2026, 2, 3))
    with at(2026, 2, 10):
        do_extend_clock_b(case=case, days=5, actor=staff(mediator_a), reason="春节前双方同意延长5日")
    # As if it had been counted past the table: the recount gives the same day as the action did.
    Case.objects.filter(pk=case.pk).update(clock_b_due=dt.date(2026, 2, 27), clock_b_due_uncertain=True)
    assert recompute_uncertain_case_deadlines(year=2026) == 1
    case.refresh_from_db()
    assert case.clock_b_due == dt.date(2026, 3, 2) and not case.clock_b_due_uncertain


def test_terms_are_looked_up_on_the_beijing_day_of_acceptance(org_a, mediator_a):
    """A Zhejiang row that starts on 4 March: a case accepted at 23:30 Beijing on the 3rd (15:30 UTC) is still
    counted on the national rule; one accepted at 00:10 on the 4th on Zhejiang's."""
    ProvincialRule.objects.filter(province="33").update(in_force_from=dt.date(2026, 3, 4))
    rules_changed()
    case = make_case(org_a, mediator_a, received_at=dt.datetime(2026, 3, 2, 9, tzinfo=BJ))
    terms = clock_b.terms_at_acceptance(case, dt.datetime(2026, 3, 3, 15, 30, tzinfo=dt.UTC))
    assert (terms.from_receipt, terms.start) == (False, dt.date(2026, 3, 3))
    terms = clock_b.terms_at_acceptance(case, dt.datetime(2026, 3, 3, 16, 10, tzinfo=dt.UTC))
    assert (terms.from_receipt, terms.start) == (True, dt.date(2026, 3, 2))
    assert timezone.is_aware(case.received_at)
