"""The case list's rows (cases/rows.py, written in Python): what a reader of the list relies on in each row."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tiaojie.cases.actions import ClaimInput, WorkerInput
from tiaojie.cases.tests.factories import make_case, valid_id_number

pytestmark = pytest.mark.django_db


def test_a_row_shows_two_workers_masked_and_how_many_more(client, org_a, mediator_a):
    workers = [WorkerInput(name=n, id_number=valid_id_number(), phone="13800138000") for n in ("张三", "李四", "王五")]
    case = make_case(org_a, mediator_a, workers=workers, claims=[ClaimInput(type="wages"), ClaimInput(type="overtime")])
    client.force_login(mediator_a)
    html = client.get(reverse("cases:list")).content.decode()
    row = html[html.index(f'href="/cases/{case.pk}/"') :].split("</tr>")[0]
    assert '张三 <span class="muted">330110**' in row and '、李四 <span class="muted">' in row
    assert "王五" not in row and "等3人" in row
    assert "&lt;" not in row  # markup, not escaped markup
    assert "、" in row.split('<td class="hide-sm">')[1]  # both claim types, one after the other
    assert case.display_number in row and '<span class="badge received">已收到申请</span>' in row


def test_a_name_is_escaped(client, org_a, mediator_a):
    workers = [WorkerInput(name="<b>赵六</b>", id_number=valid_id_number(), phone="13800138000")]
    make_case(org_a, mediator_a, workers=workers)
    client.force_login(mediator_a)
    html = client.get(reverse("cases:list")).content.decode()
    assert "&lt;b&gt;赵六&lt;/b&gt;" in html and "<b>赵六</b>" not in html


def test_english_labels(client, org_a, mediator_a):
    make_case(org_a, mediator_a)
    client.force_login(mediator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("cases:list")).content.decode()
    rows = html.split('id="case-rows"')[1].split("</tbody>")[0]
    assert "已收到申请" not in rows and "walk_in" not in rows  # the labels translated, not the stored values
