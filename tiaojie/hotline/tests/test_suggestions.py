"""Dispute-type suggestions on the hotline (docs/knowledge.md, "Suggestions at intake"): the operator's live hint
for the call's notes and the conversion's facts, and the suggestion stored for the case a call becomes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tiaojie.cases.models import DisputeTypeSuggestion
from tiaojie.hotline.actions import do_convert_call_to_case
from tiaojie.hotline.tests.factories import conversion_input, make_call

pytestmark = pytest.mark.django_db

INJURY = "申请人在工地摔伤，左腿骨折，单位不认工伤，要求工伤待遇。"


def live(client, text, field="facts"):
    return client.post(f"{reverse('intake:suggest')}?field={field}", {field: text})


def test_hotline_conversion_stores_a_suggestion(
    hotline, operator, org_a, _sms_outbox, django_capture_on_commit_callbacks
):
    call = make_call(hotline, operator)
    with django_capture_on_commit_callbacks(execute=True):
        case = do_convert_call_to_case(call=call, data=conversion_input(facts=INJURY), actor=operator).case
    assert DisputeTypeSuggestion.objects.get(case=case).suggestions[0]["label"] == "work_injury"
    assert list(case.claims.values_list("type", flat=True)) == ["wages"]


def test_live_hint_for_the_hotline_notes(client, hotline, operator):
    client.force_login(operator)
    body = live(client, "来电人称公司拖欠工资三个月", field="summary").content.decode()
    assert 'data-suggestion="wage_arrears"' in body


def test_the_hotline_forms_ask_for_the_hint(client, hotline, operator, operator_other):
    client.force_login(operator)
    assert f"{reverse('intake:suggest')}?field=summary" in client.get(reverse("hotline:new")).content.decode()
    call = make_call(hotline, operator)
    assert reverse("intake:suggest") in client.get(reverse("hotline:convert", args=[call.pk])).content.decode()
    client.force_login(operator_other)
    assert client.get(reverse("hotline:convert", args=[call.pk])).status_code == 404
