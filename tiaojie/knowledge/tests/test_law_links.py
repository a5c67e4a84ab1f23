"""`law_links`: each citation the library holds becomes a link to its article, the rest stays text, all escaped;
lookups memoised so a page of citations costs a few queries (knowledge/links.py)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tiaojie.knowledge import links
from tiaojie.knowledge.actions import do_import_law_directory
from tiaojie.knowledge.templatetags.law_links import law_links
from tiaojie.knowledge.tests import samples

pytestmark = pytest.mark.django_db

LCL = f"/laws/{quote('劳动合同法')}/articles"


@pytest.fixture
def library(tmp_path):
    do_import_law_directory(root=samples.write_laws(tmp_path / "laws"), commit="2f4c5c2")
    links.clear_memo()


def _hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_a_held_article_is_a_link_and_the_rest_stays_text(library):
    with translation.override("zh-hans"):
        html = str(law_links("《劳动合同法》第四十七条第三款、第九十九条；《某省未收录条例》第三条 <b>"))
    assert html.startswith(f'<a class="law-link" href="{LCL}/47/">《劳动合同法》第四十七条第三款</a>、第九十九条')
    assert _hrefs(html) == [f"{LCL}/47/"]  # 第九十九条 is beyond the text, the other title unknown
    assert html.endswith("《某省未收录条例》第三条 &lt;b&gt;")  # escaped


def test_the_link_lands_on_the_article(client, library):
    with translation.override("zh-hans"):
        url = _hrefs(str(law_links("《中华人民共和国劳动合同法》第四十六条")))[0]
    page = client.get(url)
    assert page.status_code == 200
    assert "有下列情形之一的，用人单位应当向劳动者支付经济补偿" in page.content.decode()


def test_a_notice_without_articles_links_to_its_text(library):
    with translation.override("zh-hans"):
        html = str(law_links("《关于职工全年月平均工作时间和工资折算问题的通知》（劳社部发〔2008〕3号）第二条"))
    assert _hrefs(html) == [f"/laws/{quote('关于职工全年月平均工作时间和工资折算问题的通知')}/"]


def test_without_the_library_nothing_is_linked():
    links.clear_memo()
    assert str(law_links("《劳动合同法》第四十七条")) == "《劳动合同法》第四十七条"


def test_in_english_a_citation_basis_reads_as_before_with_its_links(library):
    with translation.override("en"):
        html = str(law_links("《劳动合同法》第三十九条、第四十七条；《某省未收录条例》第三条"))
    assert re.sub("<[^>]+>", "", html) == "Labour Contract Law, arts. 39 and 47; 《某省未收录条例》, art. 3"
    assert _hrefs(html) == [f"{LCL}/47/"]  # the group links to its first article the library holds


def test_the_version_in_force_on_a_day(library, tmp_path):
    older = samples.CONTRACT_LAW.replace("2012年12月28日", "2007年6月29日")
    do_import_law_directory(
        root=samples.write_laws(tmp_path / "old", {"社会法/劳动合同法(2007-06-29).md": older + "\n附：旧文\n"}),
        commit="old",
    )
    links.clear_memo()
    with translation.override("zh-hans"):
        assert _hrefs(str(law_links("《劳动合同法》第四十七条", dt.date(2010, 5, 1)))) == [
            f"{LCL}/47/?version=2007-06-29"
        ]
        assert _hrefs(str(law_links("《劳动合同法》第四十七条", dt.date(2020, 5, 1)))) == [f"{LCL}/47/"]


def test_twenty_citations_cost_a_few_queries(library):
    basis = "；".join(f"《劳动合同法》第{n}条、《工资支付暂行规定》第一条" for n in ("一", "四十六", "四十七") * 7)
    with translation.override("zh-hans"), CaptureQueriesContext(connection) as queries:
        html = str(law_links(basis))
        law_links(basis)  # a second basis on the same page: no more queries
    assert html.count("<a ") == 42
    assert len(queries) <= 3  # the titles, then the articles of each of the two texts


def test_a_new_request_sees_a_new_import(client, tmp_path):
    links.clear_memo()
    assert "href" not in str(law_links("《劳动合同法》第四十七条"))
    do_import_law_directory(root=samples.write_laws(tmp_path / "laws"), commit="x")
    client.get("/laws/")  # request_started drops the memo
    assert "href" in str(law_links("《劳动合同法》第四十七条"))
