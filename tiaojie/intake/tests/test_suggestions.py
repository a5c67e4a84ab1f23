"""Dispute-type suggestions at intake (docs/knowledge.md, "Suggestions at intake"): every channel stores one for
its new case, apart from the facts and claims; staff confirm or correct it on the case page, which writes the
training row; the live hint of the staff forms; the public claims step's hint. The texts name their dispute
plainly (工伤, 拖欠工资) so the tests hold for the keyword baseline and for a trained model alike."""

from __future__ import annotations

import json
import logging
import re

import pytest
import time_machine
from django.urls import reverse

from tiaojie.accounts.actions import do_create_api_token
from tiaojie.cases.actions import Actor, CaseActionError, do_confirm_dispute_types, do_suggest_dispute_types
from tiaojie.cases.models import Case, CaseEvent, DisputeTypeSuggestion
from tiaojie.cases.retention import do_anonymise_case
from tiaojie.cases.tests.factories import make_case
from tiaojie.cases.tests.test_retention import CLOSED_AT, closed_case, years_later
from tiaojie.cases.transitions import ActorKind
from tiaojie.intake.suggestion_views import LIVE_MAX_CHARS
from tiaojie.intake.suggestions import highlighted, strength_word
from tiaojie.intake.tests.test_api import referral
from tiaojie.intake.tests.test_public import (
    apply_online,
    post_employer_free,
    post_facts,
    post_submit,
    post_worker,
    step,
)
from tiaojie.intake.tests.test_views import form
from tiaojie.knowledge import classifier
from tiaojie.knowledge.actions import do_record_labelled_text
from tiaojie.knowledge.models import LabelledText
from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

INJURY = "申请人在工地摔伤，左腿骨折，单位不认工伤，要求工伤待遇。"


@pytest.fixture
def court_system(db):
    centre = OrganisationFactory(name="余杭区仲裁院调解中心", type_id="arbitration_centre", division_id="330110")
    user = MembershipFactory(user=UserFactory(username="court_api"), organisation=centre, role="intake_operator").user
    return {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_token(user=user)}"}


def referral_body(**overrides):
    return referral(facts=INJURY, **overrides)


def stored(case: Case) -> DisputeTypeSuggestion:
    return DisputeTypeSuggestion.objects.get(case=case)


def labels(row: DisputeTypeSuggestion) -> list[str]:
    return [s["label"] for s in row.suggestions]


# --- every channel stores a suggestion for its new case -------------------------------------------------------


def test_assisted_intake_stores_a_suggestion_apart_from_the_facts(
    client, org_a, mediator_a, _sms_outbox, django_capture_on_commit_callbacks
):
    client.force_login(mediator_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:new"), form(org_a, facts=INJURY))
    case = Case.objects.get()
    row = stored(case)
    assert labels(row)[0] == "work_injury" and len(row.suggestions) <= 3
    assert "工伤" in row.suggestions[0]["words"]
    assert row.model_version == classifier.model_version() and not row.is_confirmed
    # Advice only: the facts are as typed and the claims as chosen (劳动报酬), no 工伤待遇 added.
    assert case.facts == INJURY
    assert list(case.claims.values_list("type", flat=True)) == ["wages"]
    assert not LabelledText.objects.exists()


def test_online_application_stores_a_suggestion(client, org_a, _sms_outbox, django_capture_on_commit_callbacks):
    apply_online(client)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_submit(client).status_code == 302
    case = Case.objects.get()
    assert case.channel == "online"
    assert labels(stored(case))[0] == "wage_arrears"  # 老板拖欠我三个月工资


def test_referral_api_answers_and_stores_the_suggestion(client, org_a, court_system, _sms_outbox):
    body = referral_body()
    response = client.post("/api/v1/referrals", json.dumps(body), content_type="application/json", **court_system)
    assert response.status_code == 201, response.content
    suggestions = response.json()["dispute_type_suggestions"]
    assert suggestions[0]["label"] == "work_injury" and suggestions[0]["name"] == "工伤"
    assert suggestions[0]["claim_types"] == ["work_injury"] and suggestions[0]["words"]
    assert 1 <= len(suggestions) <= 3 and all(0 <= s["score"] <= 1 for s in suggestions)
    case = Case.objects.get(pk=response.json()["case_id"])
    assert labels(stored(case))[0] == "work_injury"
    again = client.post("/api/v1/referrals", json.dumps(body), content_type="application/json", **court_system)
    assert again.status_code == 200 and again.json()["dispute_type_suggestions"] == suggestions
    assert DisputeTypeSuggestion.objects.count() == 1


def test_the_openapi_schema_documents_the_field(client):
    schema = client.get("/api/v1/openapi.json").json()
    out = schema["components"]["schemas"]["ReferralOut"]
    assert "dispute_type_suggestions" in out["required"]
    assert "DisputeTypeSuggestionOut" in json.dumps(out["properties"]["dispute_type_suggestions"])


def test_a_failing_classifier_never_costs_the_case(
    client, org_a, mediator_a, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(text, *, top=3):
        raise RuntimeError("model file missing")

    monkeypatch.setattr(classifier, "suggest", broken)
    client.force_login(mediator_a)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:new"), form(org_a, facts=INJURY))
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert not DisputeTypeSuggestion.objects.exists()
    assert "dispute-type suggestion failed" in caplog.text
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "本案没有系统建议" in page  # staff may still record the type


def test_the_same_facts_keep_the_row_and_its_confirmation(org_a, mediator_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(org_a, mediator_a, facts=INJURY)
    actor = Actor(ActorKind.STAFF, mediator_a)
    do_confirm_dispute_types(case=case, labels=["work_injury"], add_claims=False, actor=actor)
    assert do_suggest_dispute_types(case=case).is_confirmed  # type: ignore[union-attr]
    Case.objects.filter(pk=case.pk).update(facts="单位拖欠工资。")
    case.refresh_from_db()
    row = do_suggest_dispute_types(case=case)
    assert row is not None and not row.is_confirmed and labels(row)[0] == "wage_arrears"  # latest wins


# --- confirming and correcting on the case page ----------------------------------------------------------------


@pytest.fixture
def injury_case(org_a, mediator_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_case(org_a, mediator_a, facts=INJURY)


def confirm_url(case: Case) -> str:
    return reverse("intake:confirm_dispute_types", args=[case.pk])


def test_the_panel_shows_the_top_three_with_words_and_claim_types(client, injury_case, mediator_a):
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[injury_case.pk])).content.decode()
    assert "系统建议的争议类型" in page and "工伤待遇" in page
    assert "<mark>" in page and 'data-suggestion="work_injury"' in page
    assert confirm_url(injury_case) in page
    assert any(word in page for word in ("较可能", "可能", "也许"))  # a word for the score, not a number


def test_confirming_writes_the_training_row_and_the_confirmation(client, injury_case, mediator_a):
    client.force_login(mediator_a)
    response = client.post(confirm_url(injury_case), {"labels": ["work_injury"]})
    assert response.status_code == 302 and response["Location"].endswith("#dispute-type")
    row = stored(injury_case)
    assert row.confirmed_labels == ["work_injury"] and row.confirmed_by == mediator_a and row.confirmed_at
    training = LabelledText.objects.get(source="case", reference=str(injury_case.pk))
    assert training.labels == ["work_injury"] and training.text == INJURY and training.confirmed_by == mediator_a
    assert training.suggested == labels(row) and training.model_version == row.model_version
    event = injury_case.events.get(kind=CaseEvent.Kind.DISPUTE_TYPE_CONFIRMED)
    assert event.actor == mediator_a and "工伤" in event.reason and event.data["labels"] == ["work_injury"]
    # Without the box ticked, the claims stay as recorded.
    assert list(injury_case.claims.values_list("type", flat=True)) == ["wages"]


def test_correcting_with_claims_adds_only_the_missing_claim_items(client, injury_case, mediator_a):
    client.force_login(mediator_a)
    client.post(
        confirm_url(injury_case), {"labels": ["work_injury", "wage_arrears", "termination"], "add_claims": "on"}
    )
    types = sorted(injury_case.claims.values_list("type", flat=True))
    # 工伤待遇 added, 劳动报酬 already there, termination adds its first claim type only (经济补偿).
    assert types == ["compensation", "wages", "work_injury"]
    assert injury_case.claims.get(type="work_injury").amount_claimed is None
    assert injury_case.events.filter(kind=CaseEvent.Kind.CLAIM_ADDED).count() == 2
    assert "更正争议类型为" in injury_case.events.get(kind=CaseEvent.Kind.DISPUTE_TYPE_CONFIRMED).reason
    training = LabelledText.objects.get(source="case", reference=str(injury_case.pk))
    assert training.labels == ["work_injury", "wage_arrears", "termination"]


def test_a_new_confirmation_replaces_the_training_row(client, injury_case, mediator_a):
    client.force_login(mediator_a)
    client.post(confirm_url(injury_case), {"labels": ["work_injury"]})
    client.post(confirm_url(injury_case), {"labels": ["other"]})
    assert LabelledText.objects.get().labels == ["other"] and stored(injury_case).confirmed_labels == ["other"]


def test_bad_labels_change_nothing(client, injury_case, mediator_a):
    client.force_login(mediator_a)
    for data in ({}, {"labels": ["no_such_label"]}):
        response = client.post(confirm_url(injury_case), data, follow=True)
        assert "请至少选择一种争议类型" in response.content.decode()
    assert not stored(injury_case).is_confirmed and not LabelledText.objects.exists()
    with pytest.raises(CaseActionError):
        do_confirm_dispute_types(
            case=injury_case, labels=["bogus"], add_claims=False, actor=Actor(ActorKind.STAFF, mediator_a)
        )


def test_other_organisation_gets_404_and_readers_see_it_read_only(
    client, injury_case, mediator_b, supervisor_county, intake_a
):
    client.force_login(mediator_b)
    assert client.post(confirm_url(injury_case), {"labels": ["work_injury"]}).status_code == 404
    client.force_login(intake_a)  # registers cases, may not decide them
    assert client.post(confirm_url(injury_case), {"labels": ["work_injury"]}).status_code == 404
    client.force_login(supervisor_county)
    assert client.post(confirm_url(injury_case), {"labels": ["work_injury"]}).status_code == 404
    page = client.get(reverse("cases:detail", args=[injury_case.pk])).content.decode()
    assert "系统建议的争议类型" in page and confirm_url(injury_case) not in page
    assert not stored(injury_case).is_confirmed and not LabelledText.objects.exists()


def test_confirm_needs_post_and_a_login(client, injury_case, mediator_a):
    assert client.post(confirm_url(injury_case), {"labels": ["work_injury"]}).status_code == 302  # to the login
    client.force_login(mediator_a)
    assert client.get(confirm_url(injury_case)).status_code == 405


# --- the live hint of the staff forms ---------------------------------------------------------------------------


def live(client, text, field="facts"):
    return client.post(f"{reverse('intake:suggest')}?field={field}", {field: text})


def test_live_hint_shows_words_and_the_claim_types_button(client, org_a, mediator_a):
    client.force_login(mediator_a)
    response = live(client, "我在工地摔伤了，要求工伤待遇")
    body = response.content.decode()
    assert response.status_code == 200 and "工伤" in body and "<mark>" in body
    assert 'data-use-claim-types="work_injury' in body
    assert not DisputeTypeSuggestion.objects.exists()  # nothing stored


def test_live_hint_is_staff_only_and_bounded(client, org_a, mediator_a, monkeypatch):
    assert live(client, "工伤").status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory(username="nobody"))
    assert live(client, "工伤").status_code == 404  # no organisation
    client.force_login(mediator_a)
    assert client.get(reverse("intake:suggest")).status_code == 405
    seen: list[int] = []
    real = classifier.suggest
    monkeypatch.setattr(classifier, "suggest", lambda text, top=3: seen.append(len(text)) or real(text, top=top))
    assert live(client, "工伤" * 20000).status_code == 200
    assert seen and max(seen) <= LIVE_MAX_CHARS
    assert "填写事实和理由后" in live(client, "   ").content.decode()


def test_live_hint_survives_a_failing_classifier(client, mediator_a, monkeypatch):
    monkeypatch.setattr(classifier, "suggest", lambda text, top=3: 1 / 0)
    client.force_login(mediator_a)
    response = live(client, "工伤")
    assert response.status_code == 200 and "暂时无法给出建议" in response.content.decode()


def test_assisted_intake_asks_for_the_hint(client, org_a, mediator_a):
    client.force_login(mediator_a)
    assert reverse("intake:suggest") in client.get(reverse("intake:new")).content.decode()


# --- the public claims step ------------------------------------------------------------------------------------


def test_public_claims_step_hints_without_ticking(client, org_a):
    post_worker(client)
    post_employer_free(client)
    post_facts(client, facts="我在工地干活时受伤了，老板不管工伤。")
    page = client.get(step("claims")).content.decode()
    assert "您的问题可能属于" in page and "<mark>" in page
    assert 'data-use-claim-types="work_injury' in page
    assert not re.search(r'<input[^>]*name="claim_[a-z_]+"[^>]*checked', page)  # nothing ticked for the worker


def test_public_claims_step_has_no_hint_without_words(client, org_a):
    post_worker(client)
    post_employer_free(client)
    post_facts(client, facts="情况比较复杂，见面再说。")
    assert "您的问题可能属于" not in client.get(step("claims")).content.decode()


# --- how a suggestion is shown ----------------------------------------------------------------------------------


def test_strength_words_and_highlighting():
    assert [strength_word(x) for x in (0.9, 0.4, 0.1)] == ["较可能", "可能", "也许"]
    assert highlighted("在工地摔伤，要求工伤待遇", ["工伤", "摔伤"]) == [
        ("在工地", False),
        ("摔伤", True),
        ("，要求", False),
        ("工伤", True),
        ("待遇", False),
    ]
    assert highlighted("甲" * 5, [], limit=3) == [("甲甲甲", False), ("…", False)]


def test_retention_scrubs_the_training_text_of_a_case(org_a, mediator_a, django_capture_on_commit_callbacks):

    facts = "张三在工地摔伤，要求工伤待遇，电话13800138000。"
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case(org_a, mediator_a, facts=facts)
    # The training row as a confirmation writes it (confirming needs an open case; this one is already closed).
    do_record_labelled_text(
        text=facts, labels=["work_injury"], source="case", reference=str(case.pk), suggested=["work_injury"],
        model_version="keywords", actor=mediator_a,
    )  # fmt: skip
    with time_machine.travel(years_later(CLOSED_AT, 3, days=1), tick=False):
        assert do_anonymise_case(case_id=case.pk) is not None
    text = LabelledText.objects.get(source="case", reference=str(case.pk)).text
    assert "张三" not in text and "13800138000" not in text and "工伤待遇" in text


def test_a_closed_case_can_be_labelled_but_gets_no_claims(
    client, org_a, mediator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = closed_case(org_a, mediator_a, facts=INJURY)
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert confirm_url(case) in page and "同时添加本案还没有的对应请求事项" not in page
    response = client.post(confirm_url(case), {"labels": ["work_injury"], "add_claims": "on"}, follow=True)
    assert "请求事项不能再修改" in response.content.decode()
    assert not stored(case).is_confirmed  # all or nothing
    client.post(confirm_url(case), {"labels": ["work_injury"]})
    assert stored(case).confirmed_labels == ["work_injury"] and list(case.claims.values_list("type", flat=True)) == [
        "wages"
    ]
