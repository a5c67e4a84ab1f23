"""Chinese legal citations read in English, all or nothing (tiaojie/lib/citations.py)."""

import pytest

from tiaojie.lib.citations import chinese_number, english_citation, find_citations, is_unverified, library_title


@pytest.mark.parametrize(
    ("numeral", "number"),
    [("一", 1), ("十", 10), ("十二", 12), ("四十七", 47), ("一百", 100), ("一百零六", 106), ("二百零一", 201)],
)
def test_article_numerals(numeral, number):
    assert chinese_number(numeral) == number


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        (
            "《劳动合同法》第四十七条第一款；《劳动合同法实施条例》第二十七条",
            "Labour Contract Law, art. 47 para. 1; "
            "Regulation on the Implementation of the Labour Contract Law, art. 27",
        ),
        (
            "《违反和解除劳动合同的经济补偿办法》第五条至第九条",
            "Measures on Economic Compensation for Breach and Termination of Labour Contracts, arts. 5 to 9",
        ),
        (
            "《劳动合同法实施条例》第三十九条第一款第（二）项",
            "Regulation on the Implementation of the Labour Contract Law, art. 39 para. 1 item (2)",
        ),
        (
            "《关于职工全年月平均工作时间和工资折算问题的通知》（劳社部发〔2008〕3号）第二条",
            "Notice on Employees' Average Monthly Working Time and Wage Conversion (劳社部发〔2008〕3号), art. 2",
        ),
        (
            "《浙江省工伤保险条例》（2020 年修正）第二十七条第二款",
            "Zhejiang Regulation on Work-Related Injury Insurance (amended 2020), art. 27 para. 2",
        ),
        ("《劳动法》第二十条、第二十三条", "Labour Law, arts. 20 and 23"),
        (
            "《工伤保险条例》第三十三条、第三十五条至第三十九条、第六十二条、第六十四条",
            "Regulation on Work-Related Injury Insurance, arts. 33, 35 to 39, 62 and 64",
        ),
        ("《劳动合同法》第四十七条第一款、第四十八条", "Labour Contract Law, art. 47 para. 1, art. 48"),
        (
            "《工伤保险条例》第三十三条第一款、第二款",
            "Regulation on Work-Related Injury Insurance, art. 33 para. 1, para. 2",
        ),
        ("《劳动法》第三条第（一）项、第（三）项", "Labour Law, art. 3 item (1), item (3)"),
        ("《某省未收录条例》第三条（待核对）", "《某省未收录条例》, art. 3 (to be verified)"),
        (
            "《最高人民法院关于审理劳动争议案件适用法律若干问题的解释》（法释〔2001〕14号，已废止）第十五条第（二）项至第（五）项",
            "SPC Interpretation on Several Issues Concerning the Application of Law in Labour Dispute Cases "
            "(法释〔2001〕14号, repealed), art. 15 item (2) to item (5)",
        ),
    ],
)
def test_citations(chinese, english):
    assert english_citation(chinese) == english


@pytest.mark.parametrize(
    "text", ["《劳动法》第二十三条；《违反和解除劳动合同的经济补偿办法》未规定期满终止的经济补偿", "当地工资标准表", ""]
)
def test_anything_but_citations_is_left_to_the_caller(text):
    assert english_citation(text) is None


# --- find_citations: the spans a link wraps ---------------------------------------------------------------


def _spans(text: str) -> list[tuple[str, str, int, int]]:
    return [(text[c.start : c.end], c.title, c.number, c.sub_number) for c in find_citations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("《劳动合同法》第四十七条", [("《劳动合同法》第四十七条", "劳动合同法", 47, 0)]),
        # A further article of the same title is its own link; 款 and 项 stay inside the article's span.
        (
            "《劳动合同法》第四十六条第（二）项、第三十六条",
            [("《劳动合同法》第四十六条第（二）项", "劳动合同法", 46, 0), ("第三十六条", "劳动合同法", 36, 0)],
        ),
        (
            "依据《劳动合同法》第四十七条第三款；《劳动合同法实施条例》第二十七条。",
            [
                ("《劳动合同法》第四十七条第三款", "劳动合同法", 47, 0),
                ("《劳动合同法实施条例》第二十七条", "劳动合同法实施条例", 27, 0),
            ],
        ),
        # The instrument's number between title and article; 至 joins a range's ends.
        (
            "《违反和解除劳动合同的经济补偿办法》（劳部发〔1994〕481号）第五条至第九条",
            [
                (
                    "《违反和解除劳动合同的经济补偿办法》（劳部发〔1994〕481号）第五条",
                    "违反和解除劳动合同的经济补偿办法",
                    5,
                    0,
                ),
                ("第九条", "违反和解除劳动合同的经济补偿办法", 9, 0),
            ],
        ),
        # 之一, thousands, 同法, the full title and an abbreviation.
        (
            "《中华人民共和国民法典》第一千一百六十五条，同法第十七条之一",
            [("《中华人民共和国民法典》第一千一百六十五条", "民法典", 1165, 0), ("同法第十七条之一", "民法典", 17, 1)],
        ),
        ("《调解仲裁法》第二十七条", [("《调解仲裁法》第二十七条", "劳动争议调解仲裁法", 27, 0)]),
        # No title, no citation: "依第四十条解除" names an article only a reader can place.
        ("依第四十条解除的，另付代通知金", []),
        ("同法第五条", []),
        # A title cited without an article is not a link either.
        ("《企业劳动争议协商调解规定》（人社部令第17号）：不予受理的", []),
    ],
)
def test_find_citations(text, expected):
    assert _spans(text) == expected


def test_library_title_and_markers():
    assert library_title("中华人民共和国劳动合同法") == "劳动合同法"
    assert library_title("劳动争议解释(一)") == "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）"
    assert is_unverified("《劳动人事争议仲裁办案规则》第七十四条〔二手资料，待核对原文〕")
    assert is_unverified("本地设置，未经确认 [U]")
    assert not is_unverified("《劳动合同法》第四十七条")
