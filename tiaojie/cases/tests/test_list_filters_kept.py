"""The case list's filter fields are kept rendered per language and chosen values (cases.rows.filter_fields):
each view still shows what was chosen, in the viewer's language, and a search text or a refused value is never
kept (staff search for names and ID numbers)."""

from __future__ import annotations

import pickle

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _list(client, **params) -> str:
    response = client.get(reverse("cases:list"), params)
    assert response.status_code in (200, 400)
    return response.content.decode()


def _kept_values() -> list[str]:
    # LocMemCache keeps pickles.
    return [pickle.loads(v) for k, v in cache._cache.items() if ":case-list-filters:" in k]  # type: ignore[attr-defined]


def test_each_view_shows_the_values_chosen(client, mediator_a):
    client.force_login(mediator_a)
    assert '<option value="received" selected>' not in _list(client)
    assert '<option value="received" selected>' in _list(client, status="received")
    assert '<option value="closed" selected>' in _list(client, status="closed")
    # The same choice again comes kept, and still selected.
    kept = len(_kept_values())
    html = _list(client, status="received")
    assert len(_kept_values()) == kept and '<option value="received" selected>' in html
    assert 'value="2026-03-01"' in _list(client, received_from="2026-03-01")


def test_the_language_is_part_of_the_kept_fields(client, mediator_a):
    client.force_login(mediator_a)
    assert "来源渠道" in _list(client)
    client.cookies.load({"django_language": "en"})
    html = _list(client)
    assert "<label>Channel<select" in html and "来源渠道" not in html


def test_a_search_text_or_a_refused_value_is_never_kept(client, mediator_a):
    client.force_login(mediator_a)
    html = _list(client, q="张三丰", status="received")
    assert 'value="张三丰"' in html
    assert not any("张三丰" in v for v in _kept_values())
    html = _list(client, received_from="not-a-date")
    assert 'value="not-a-date"' in html and 'class="error"' in html
    assert not any("not-a-date" in v for v in _kept_values())
