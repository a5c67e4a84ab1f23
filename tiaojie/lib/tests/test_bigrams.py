from __future__ import annotations

from tiaojie.lib.bigrams import QueryPart, fts5_query, index_terms, matched_spans, query_parts, tsquery


def test_han_text_is_indexed_as_bigrams_and_each_runs_last_character():
    assert index_terms("拖欠工资，工伤") == ["拖欠", "欠工", "工资", "资", "工伤", "伤"]
    assert index_terms("12号") == ["12", "号"]  # a one-character run is that character


def test_latin_and_digits_are_lower_cased_words_after_folding_full_width_forms():
    assert index_terms("ＡＢＣ１２3 Zhang-San 913301") == ["abc123", "zhang", "san", "913301"]


def test_a_query_part_is_a_phrase_of_its_bigrams_and_a_single_character_a_prefix():
    parts = query_parts("工伤赔偿 王")
    assert parts == [QueryPart(("工伤", "伤赔", "赔偿")), QueryPart(("王",), prefix=True)]
    assert fts5_query(parts) == '"工伤 伤赔 赔偿" AND "王" *'
    assert tsquery(parts) == "(工伤 <-> 伤赔 <-> 赔偿) & 王:*"


def test_every_character_of_a_run_starts_a_term_so_a_prefix_finds_it_anywhere():
    terms = index_terms("王小明")
    for ch in "王小明":
        assert any(t.startswith(ch) for t in terms)


def test_punctuation_cannot_reach_the_query_syntax():
    assert query_parts('"工伤" OR * (欠薪) & :*') == [
        QueryPart(("工伤",)),
        QueryPart(("or",), prefix=True),
        QueryPart(("欠薪",)),
    ]
    assert query_parts("，。！") == []


def test_matched_spans_are_offsets_in_the_text_as_written():
    text = "申请人ＡＢＣ于工伤后，工伤"
    assert matched_spans(text, query_parts("工伤 abc")) == [(3, 6), (7, 9), (11, 13)]
