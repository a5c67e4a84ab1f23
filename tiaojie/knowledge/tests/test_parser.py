"""The parser and the article numbers, without a database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tiaojie.knowledge import numbers
from tiaojie.knowledge.parser import parse_markdown, short_title
from tiaojie.knowledge.tests import samples


@pytest.mark.parametrize(
    ("n", "written"),
    [
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (47, "四十七"),
        (100, "一百"),
        (106, "一百零六"),
        (110, "一百一十"),
        (1005, "一千零五"),
        (1010, "一千零一十"),
        (1260, "一千二百六十"),
    ],
)
def test_numbers_both_ways(n, written):
    assert numbers.int_to_chinese(n) == written
    assert numbers.chinese_to_int(written) == n


def test_labels_and_url_numbers():
    assert numbers.parse_label("第十七条之一") == (17, 1)
    assert numbers.label(17, 1) == "第十七条之一"
    assert numbers.parse_url_number("17-1") == (17, 1)
    assert numbers.parse_url_number("47") == (47, 0)
    assert numbers.parse_url_number("047") is None
    assert numbers.parse_url_number("四十七") is None
    with pytest.raises(ValueError):
        numbers.parse_label("第四十七款")


def test_a_law_with_history_chapters_and_paragraphs():
    parsed = parse_markdown(samples.CONTRACT_LAW, path=Path("社会法/劳动合同法(2012-12-28).md"))
    assert parsed.title == "中华人民共和国劳动合同法" and parsed.short_title == "劳动合同法"
    assert [a.label for a in parsed.articles] == ["第一条", "第四十六条", "第四十七条", "第九十八条"]
    art47 = parsed.articles[2]
    assert art47.number == 47 and art47.chapter == "第四章 劳动合同的解除和终止"  # full-width space folded
    assert art47.text.count("\n") == 2 and art47.text.startswith("经济补偿按劳动者")
    assert parsed.version_date == dt.date(2012, 12, 28)  # from the file name
    assert parsed.promulgated_on == dt.date(2007, 6, 29)
    assert parsed.effective_on == dt.date(2008, 1, 1)  # from 第九十八条, no 施行 line
    assert parsed.issuing_body == "全国人民代表大会常务委员会"
    assert len(parsed.history) == 2


def test_sections_sub_articles_ideographic_spaces_and_a_place_from_the_title():
    parsed = parse_markdown(samples.LOCAL, path=Path("宁波市企业工资集体协商条例(2014-04-10).md"))
    assert [(a.number, a.sub_number, a.section) for a in parsed.articles] == [
        (1, 0, "第一节 一般规定"),
        (1, 1, "第一节 一般规定"),
        (2, 0, "第二节 协商内容"),
    ]
    assert parsed.articles[0].text == "为了规范企业工资集体协商，制定本条例。"
    assert parsed.effective_on == dt.date(2014, 5, 1)
    assert parsed.issuing_body == "宁波市人民代表大会常务委员会"  # "市十四届…" names no place


def test_a_text_without_articles_keeps_its_body_and_one_without_a_date_takes_its_latest_history_date():
    notice = parse_markdown(samples.NOTICE, path=Path("通知.md"))
    assert notice.articles == [] and "年工作日" in notice.body and notice.version_date is None
    undated = parse_markdown(samples.CONTRACT_LAW, path=Path("社会法/劳动合同法.md"))
    assert undated.version_date == dt.date(2012, 12, 28)


def test_no_info_marker_dated_lines_are_the_history():
    parsed = parse_markdown("# 某条例\n\n2001年1月1日 通过\n\n第一条 内容。\n")
    assert parsed.history == ["2001年1月1日 通过"] and parsed.articles[0].text == "内容。"


def test_the_hash_ignores_layout_and_width_but_not_words():
    base = parse_markdown(samples.CONTRACT_LAW).content_hash
    relaid = samples.CONTRACT_LAW.replace("\n\n", "\n").replace("支付经济补偿：", "支付经济补偿:")
    assert parse_markdown(relaid).content_hash == base
    curly = parse_markdown("# 法\n\n第一条 坚持“三个代表”重要思想。\n").content_hash
    assert parse_markdown('# 法\n\n第一条 坚持"三个代表"重要思想。\n').content_hash == curly
    assert parse_markdown(samples.CONTRACT_LAW.replace("十二年", "十三年")).content_hash != base


def test_short_titles():
    assert short_title("中华人民共和国民法典") == "民法典"
    assert short_title("工资支付暂行规定") == "工资支付暂行规定"
