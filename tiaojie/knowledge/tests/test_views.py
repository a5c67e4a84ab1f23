"""The public pages, article_url() and the admin's status action."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tiaojie.knowledge.actions import LawStatusError, do_import_law_directory, do_set_law_status
from tiaojie.knowledge.models import LawStatusEvent, LawText
from tiaojie.knowledge.queries import article_url, snippet
from tiaojie.knowledge.tests import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(tmp_path):
    do_import_law_directory(root=samples.write_laws(tmp_path / "laws"), commit="2f4c5c2")
    return LawText.objects.get(slug="劳动合同法")


def test_search_finds_titles_and_articles_with_a_highlighted_snippet(client, library, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/laws/", {"q": "经济补偿"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>经济补偿</mark>" in page
    assert f'href="/laws/{quote("劳动合同法")}/articles/47/"' in page
    assert f'href="/laws/{quote("劳动合同法")}/articles/46/"' in page
    titled = client.get("/laws/", {"q": "工资"}).content.decode()
    assert 'id="title-hits"' in titled and "工资支付暂行规定" in titled


def test_filters_by_level_and_status(client, library):
    local = client.get("/laws/", {"q": "协商", "level": "local_regulation"}).content.decode()
    assert "宁波市企业工资集体协商条例" in local and "劳动合同法》" not in local
    repealed = client.get("/laws/", {"q": "经济补偿", "status": "repealed"}).content.decode()
    assert 'id="no-hits"' in repealed
    assert client.get("/laws/", {"level": "nonsense"}).status_code == 200  # an invalid filter is ignored


def test_the_list_without_a_query_groups_texts_by_level(client, library, tmp_path):
    interpretation = "# 最高人民法院关于某问题的解释\n\n<!-- INFO END -->\n\n第一条 内容。\n"
    do_import_law_directory(
        root=samples.write_laws(tmp_path / "more", {"司法解释/解释(2020-12-29).md": interpretation})
    )
    page = client.get("/laws/").content.decode()
    assert "<h2>法律</h2>" in page and "<h2>规范性文件</h2>" in page and "宁波市企业工资集体协商条例" in page
    # In the order of Level (法律 first), not of the stored keys ("judicial_interpretation" < "law").
    assert page.index("<h2>法律</h2>") < page.index("<h2>司法解释</h2>") < page.index("<h2>地方性法规</h2>")


def test_snippet_escapes_and_marks():
    assert snippet("甲<b>乙</b>经济补偿丙", "经济补偿") == "甲&lt;b&gt;乙&lt;/b&gt;<mark>经济补偿</mark>丙"
    assert str(snippet("x" * 200 + "经济补偿", "经济补偿")).startswith("…")


def test_a_text_page_with_its_articles_and_anchors(client, library):
    response = client.get(f"/laws/{quote('劳动合同法')}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="a47"' in page and "第四章 劳动合同的解除和终止" in page and "2f4c5c2" in page


def test_an_article_at_its_stable_url(client, library):
    response = client.get(f"/laws/{quote('劳动合同法')}/articles/47/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "《劳动合同法》第四十七条" in page and "最高不超过十二年" in page
    assert 'rel="prev"' in page and "第四十六条" in page and "第九十八条" in page
    sub = client.get(f"/laws/{quote('宁波市企业工资集体协商条例')}/articles/1-1/").content.decode()
    assert "第一条之一" in sub


@pytest.mark.parametrize(
    "path",
    [
        "/laws/不存在的法/",
        "/laws/劳动合同法/articles/999/",
        "/laws/劳动合同法/articles/x/",
        "/laws/劳动合同法/?version=1999-01-01",
        "/laws/劳动合同法/articles/47/?version=bad",
    ],
)
def test_unknown_texts_articles_and_versions_are_404(client, library, path):
    assert client.get(path).status_code == 404


def test_older_versions_stay_readable(client, library, tmp_path):
    amended = samples.CONTRACT_LAW.replace("最高不超过十二年", "最高不超过十五年")
    do_import_law_directory(root=samples.write_laws(tmp_path / "b", {"社会法/劳动合同法(2030-01-01).md": amended}))
    base = f"/laws/{quote('劳动合同法')}"
    assert "十五年" in client.get(f"{base}/articles/47/").content.decode()
    old = client.get(f"{base}/articles/47/", {"version": "2012-12-28"}).content.decode()
    assert "十二年" in old and "（旧版本）" in old
    listing = client.get(f"{base}/").content.decode()
    assert 'id="versions"' in listing and "?version=2012-12-28" in listing


def test_article_url_for_citations(library):
    assert article_url("劳动合同法", 47) == f"/laws/{quote('劳动合同法')}/articles/47/"
    assert article_url("《中华人民共和国劳动合同法》", "第四十七条") == article_url("劳动合同法", 47)
    assert article_url("劳动合同法", 47, version="2012-12-28").endswith("?version=2012-12-28")
    assert article_url("劳动合同法", 999) is None
    assert article_url("民法典", 1) is None  # not in this library: the citation is shown without a link
    assert article_url("劳动合同法", "第四十七款") is None


def test_the_pages_are_public_and_the_same_for_another_organisations_user(client, library, mediator_b):
    """No organisation owns the library: a user of any organisation reads what a visitor reads, and an unknown
    text is 404 for all of them alike."""
    other = Client()
    other.force_login(mediator_b)
    for path in ["/laws/?q=经济补偿", f"/laws/{quote('劳动合同法')}/", f"/laws/{quote('劳动合同法')}/articles/47/"]:
        assert other.get(path).status_code == 200 == client.get(path).status_code
    assert other.get("/laws/不存在的法/").status_code == 404
    assert other.get(f"/laws/{quote('劳动合同法')}/articles/999/").status_code == 404


def test_marking_a_text_repealed_records_who_and_when(library, admin_user):
    event = do_set_law_status(
        text=library, status=LawText.Status.REPEALED, effective_on=dt.date(2031, 1, 1), note="测试", actor=admin_user
    )
    library.refresh_from_db()
    assert library.status == LawText.Status.REPEALED and library.status_date == dt.date(2031, 1, 1)
    assert library.status_changed_by == admin_user and library.status_changed_at is not None
    assert (event.from_status, event.to_status, event.actor) == ("in_force", "repealed", admin_user)
    with pytest.raises(LawStatusError):
        do_set_law_status(text=library, status="repealed", effective_on=dt.date(2031, 1, 1), actor=admin_user)


def test_only_administrators_may_change_a_status(library, mediator_a):
    with pytest.raises(LawStatusError):
        do_set_law_status(text=library, status="amended", effective_on=dt.date(2031, 1, 1), actor=mediator_a)
    assert not LawStatusEvent.objects.exists()


def test_a_reimport_does_not_undo_an_administrators_mark(library, admin_user, tmp_path):
    do_set_law_status(text=library, status="amended", effective_on=dt.date(2031, 1, 1), actor=admin_user)
    amended = samples.CONTRACT_LAW.replace("十二年", "十五年")
    do_import_law_directory(root=samples.write_laws(tmp_path / "b", {"社会法/劳动合同法(2031-01-01).md": amended}))
    library.refresh_from_db()
    assert library.status == "amended" and library.versions.count() == 2


def test_the_admin_action_asks_for_a_date_then_marks(admin_client, library):
    url = "/admin/knowledge/lawtext/"
    ask = admin_client.post(url, {"action": "set_status", "_selected_action": [library.pk]})
    assert ask.status_code == 200 and "自何日起" in ask.content.decode()
    done = admin_client.post(
        url,
        {
            "action": "set_status",
            "_selected_action": [library.pk],
            "apply": "1",
            "status": "repealed",
            "effective_on": "2031-01-01",
            "note": "被新法取代",
        },
    )
    assert done.status_code == 302
    library.refresh_from_db()
    assert library.status == "repealed" and LawStatusEvent.objects.get().note == "被新法取代"
    page = Client().get(f"/laws/{quote('劳动合同法')}/articles/47/").content.decode()
    assert "该法规已废止" in page


def test_staff_without_the_permission_do_not_get_the_action(client, library, admin_a):
    admin_a.is_staff = True
    admin_a.save(update_fields=["is_staff"])
    admin_a.user_permissions.add(Permission.objects.get(codename="view_lawtext"))
    client.force_login(admin_a)
    page = client.get("/admin/knowledge/lawtext/")
    assert page.status_code == 200 and "set_status" not in page.content.decode()
