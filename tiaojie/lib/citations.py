"""Legal citations in English: "《劳动合同法》第四十七条第一款；《劳动合同法实施条例》第二十七条" reads
"Labour Contract Law, art. 47 para. 1; Regulation on the Implementation of the Labour Contract Law, art. 27".

Why a grammar and not the catalogue: the calculators and rules compose their bases from a title and article
numbers (hundreds of combinations), so no fixed msgid could hold them all, yet the pattern of a Chinese
citation is small and regular. The translation is all or nothing: a text that holds anything besides
citations (a clause of prose, an unknown construction) is returned as None and the caller shows the Chinese
as written, never a half-translated mix. An unknown title stays in Chinese inside its 《》 — a proper name,
like a document number such as 劳社部发〔2008〕3号.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The instruments the code cites, by their Chinese short titles (as written between 《》).
TITLES: dict[str, str] = {
    "劳动争议调解仲裁法": "Labour Dispute Mediation and Arbitration Law",
    "中华人民共和国劳动争议调解仲裁法": "Labour Dispute Mediation and Arbitration Law",
    "劳动合同法": "Labour Contract Law",
    "中华人民共和国劳动合同法": "Labour Contract Law",
    "劳动合同法实施条例": "Regulation on the Implementation of the Labour Contract Law",
    "劳动法": "Labour Law",
    "中华人民共和国劳动法": "Labour Law",
    "民法典": "Civil Code",
    "民事诉讼法": "Civil Procedure Law",
    "中华人民共和国民事诉讼法": "Civil Procedure Law",
    "企业劳动争议协商调解规定": "Provisions on Consultation and Mediation of Enterprise Labour Disputes",
    "劳动人事争议仲裁办案规则": "Rules for Handling Labour and Personnel Dispute Arbitration Cases",
    "浙江省劳动人事争议调解仲裁条例": (
        "Zhejiang Regulation on Mediation and Arbitration of Labour and Personnel Disputes"
    ),
    "职工带薪年休假条例": "Regulation on Paid Annual Leave for Employees",
    "企业职工带薪年休假实施办法": "Measures for the Implementation of Paid Annual Leave for Enterprise Employees",
    "工伤保险条例": "Regulation on Work-Related Injury Insurance",
    "浙江省工伤保险条例": "Zhejiang Regulation on Work-Related Injury Insurance",
    "违反和解除劳动合同的经济补偿办法": (
        "Measures on Economic Compensation for Breach and Termination of Labour Contracts"
    ),
    "关于〈违反和解除劳动合同的经济补偿办法〉的说明": (
        "Explanation of the Measures on Economic Compensation for Breach and Termination of Labour Contracts"
    ),
    "关于贯彻执行〈中华人民共和国劳动法〉若干问题的意见": (
        "Opinions on Several Issues Concerning the Implementation of the Labour Law"
    ),
    "最高人民法院关于审理劳动争议案件适用法律若干问题的解释": (
        "SPC Interpretation on Several Issues Concerning the Application of Law in Labour Dispute Cases"
    ),
    "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）": (
        "SPC Interpretation (I) on the Application of Law in Labour Dispute Cases"
    ),
    "关于职工全年月平均工作时间和工资折算问题的通知": (
        "Notice on Employees' Average Monthly Working Time and Wage Conversion"
    ),
    "企业职工患病或非因工负伤医疗期规定": (
        "Provisions on the Medical Treatment Period for Enterprise Employees' Illness or Non-Work Injury"
    ),
    "工资支付暂行规定": "Interim Provisions on Wage Payment",
    "全国年节及纪念日放假办法": "Measures on National Holidays and Commemoration Days",
    "个人信息保护法": "Personal Information Protection Law",
}

_UNITS = {"十": 10, "百": 100, "千": 1000}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL = "[零一二两三四五六七八九十百]+"


def chinese_number(text: str) -> int:
    """'四十七' → 47, '一百零六' → 106, '十二' → 12, '一千二百六十' → 1260 (the numerals of article numbers)."""
    total = 0
    digit = 0
    for char in text:
        if char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            digit = _DIGITS[char]
    return total + digit


# One token of a citation, tried in this order at each position; `None` as the English means "drop it".
_TOKENS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"《([^》]+)》"), "title"),
    (re.compile(rf"第({_NUMERAL})条"), "article"),
    (re.compile(rf"第({_NUMERAL})款"), "paragraph"),
    (re.compile(rf"第（({_NUMERAL})）项"), "item"),
    (re.compile(r"（([\u4e00-\u9fff]+〔\d{4}〕\d+号)）"), "number"),
    # A repealed instrument still cited for the service it governed (the calculators' pre-2008 rules).
    (re.compile(r"（([\u4e00-\u9fff]+〔\d{4}〕\d+号)，已废止）"), "repealed"),
    (re.compile(r"（(\d{4}) ?年修正）"), "amended"),
    (re.compile(r"（待核对）"), "unverified"),
    (re.compile(r"（参照）"), "analogy"),
    (re.compile(r"至"), "to"),
    (re.compile(r"、|，"), "and"),
    (re.compile(r"；"), "semicolon"),
    (re.compile(r"\s+"), "space"),
]


def _token_at(text: str, position: int) -> tuple[str, re.Match[str]] | None:
    for pattern, kind in _TOKENS:
        match = pattern.match(text, position)
        if match:
            return kind, match
    return None


def english_citation(text: str) -> str | None:
    """`text` in English when it consists of citations only, else None (the caller keeps the Chinese)."""
    out: list[str] = []
    position = 0
    previous = ""
    while position < len(text):
        token = _token_at(text, position)
        if token is None:
            return None  # prose, or a construction this grammar does not know
        kind, match = token
        position = match.end()
        if kind == "title":
            title = match.group(1)
            out.append(TITLES.get(title, f"《{title}》"))
        elif kind == "article":
            after_title = previous in ("title", "number", "repealed", "amended")
            out.append((", " if after_title else "") + f"art. {chinese_number(match.group(1))}")
        elif kind == "paragraph":
            out.append(_after(previous) + f"para. {chinese_number(match.group(1))}")
        elif kind == "item":
            out.append(_after(previous) + f"item ({chinese_number(match.group(1))})")
        elif kind == "number":
            out.append(f" ({match.group(1)})")
        elif kind == "repealed":
            out.append(f" ({match.group(1)}, repealed)")
        elif kind == "amended":
            out.append(f" (amended {match.group(1)})")
        elif kind == "unverified":
            out.append(" (to be verified)")
        elif kind == "analogy":
            out.append(" (by analogy)")
        elif kind == "to":
            out.append(" to ")
        elif kind == "and":
            out.append(", ")
        elif kind == "semicolon":
            out.append("; ")
        elif kind == "space":
            continue  # keeps `previous`: "《…》 第五条" reads like "《…》第五条"
        previous = kind
    if not out:
        return None
    # " to " or ", " before " item (5)" would leave two spaces ("item (2) to item (5)").
    return _ARTICLE_RUN.sub(_plural, re.sub(r" {2,}", " ", "".join(out)))


def _after(previous: str) -> str:
    """The space before 'para.' or 'item' — none after ", " or " to " ("第一款、第二款": "para. 1, para. 2")."""
    return "" if previous in ("and", "to") else " "


# "art. 20, art. 23" → "arts. 20 and 23"; "art. 5 to art. 9" → "arts. 5 to 9" (the house style, docs/i18n.md).
_ARTICLE_RUN = re.compile(r"art\. (\d+)((?:(?:, | to )art\. \d+)+)(?! (?:para|item))")


def _plural(match: re.Match[str]) -> str:
    numbers = match.group(1) + match.group(2).replace("art. ", "")
    head, sep, last = numbers.rpartition(", ")
    return "arts. " + (f"{head} and {last}" if sep else numbers)


# --- Finding citations in a text (for links to the law library, issue 15 item 2) -----------------------------
#
# The same small grammar read the other way: not "is this text only citations" but "where in this prose is
# each 《title》第N条". A citation is anchored to a title (or 同法/该法 after one): a bare "依第四十条解除" in a
# sentence names an article of whatever the sentence is about, which only a reader can tell, so it is not
# taken. After the title come, in any number: an instrument's number or amendment in parentheses
# (（劳部发〔1994〕481号）, （2020 年修正）), 第N条 or 第N条之M, and after an article its 第N款 and 第（N）项;
# 、，和及至或 join a further 第M条 of the same title ("第四十六条第（二）项、第三十六条").

# Titles as people abbreviate them → the short title the library files the text under (the full title without
# 中华人民共和国, knowledge.LawText.short_title). A title not here is looked up as written.
ABBREVIATIONS: dict[str, str] = {
    "调解仲裁法": "劳动争议调解仲裁法",
    "劳动合同法条例": "劳动合同法实施条例",
    "劳动争议司法解释（一）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "劳动争议解释（一）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "劳动争议解释一": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "年休假条例": "职工带薪年休假条例",
    "工伤条例": "工伤保险条例",
    "办案规则": "劳动人事争议仲裁办案规则",
}

# What marks a rule or basis as not yet checked against the text (docs/law.md: [U]); a citation in the same
# string as one of these is not required to resolve.
UNVERIFIED_MARKERS = ("[U]", "［U］", "待核对", "未经确认", "二手资料")

_NUM = "[零〇一二两三四五六七八九十百千]+"
_TITLE = re.compile(r"《([^《》]{1,120})》|(同法|该法|本法)")
_ASIDE = re.compile(r"\s*（[^（）]{1,60}）\s*|\s+")  # （劳部发〔1994〕481号）, （2020 年修正）, a space
_ARTICLE = re.compile(rf"第({_NUM})条(?:之({_NUM}))?")
_PART = re.compile(rf"第({_NUM})款|第（({_NUM})）项|第({_NUM})项")
_JOIN = re.compile(r"、|，|和|及|以及|至|或者|或")


@dataclass(frozen=True)
class Citation:
    """One article cited: `text[start:end]` is what a link wraps (the title with the first article, then each
    further article alone); `title` is the short title to look up (abbreviations expanded, 中华人民共和国
    dropped), `paragraph` the 款 when one is given (a link goes to the article: the library has no anchors for
    paragraphs)."""

    start: int
    end: int
    title: str
    number: int
    sub_number: int = 0
    paragraph: int | None = None

    @property
    def label(self) -> str:
        return f"《{self.title}》第{self.number}条" + (f"之{self.sub_number}" if self.sub_number else "")


def library_title(title: str) -> str:
    """The short title a citation's title is filed under: '中华人民共和国劳动合同法' → '劳动合同法',
    '调解仲裁法' → '劳动争议调解仲裁法'; half-width brackets as the library writes them (full width)."""
    name = title.strip().replace("(", "（").replace(")", "）")
    if name.startswith("中华人民共和国") and len(name) > len("中华人民共和国"):
        name = name[len("中华人民共和国") :]
    return ABBREVIATIONS.get(name, name)


def find_citations(text: str) -> list[Citation]:
    """Every article cited in `text` after a title, in order, with its span (see the comment above)."""
    found: list[Citation] = []
    previous_title = ""
    position = 0
    while True:
        match = _TITLE.search(text, position)
        if match is None:
            return found
        if match[1] is not None:
            title = library_title(match[1])
        elif previous_title:
            title = previous_title  # 同法第N条: the title cited last
        else:
            position = match.end()
            continue
        previous_title = title
        start, position = match.start(), match.end()
        while aside := _ASIDE.match(text, position):
            if aside.end() == position:
                break
            position = aside.end()
        first = True
        while article := _ARTICLE.match(text, position):
            position = article.end()
            paragraph = None
            while part := _PART.match(text, position):
                if part[1] and paragraph is None:
                    paragraph = chinese_number(part[1])
                position = part.end()
            found.append(
                Citation(
                    start if first else article.start(),
                    position,
                    title,
                    chinese_number(article[1]),
                    chinese_number(article[2]) if article[2] else 0,
                    paragraph,
                )
            )
            first = False
            # A further article of the same title, or a further 款/项 of this one ("第（四）项、第（五）项").
            join = _JOIN.match(text, position)
            while join and _PART.match(text, join.end()):
                position = _PART.match(text, join.end()).end()  # type: ignore[union-attr]
                join = _JOIN.match(text, position)
            if join is None or not _ARTICLE.match(text, join.end()):
                break
            position = join.end()


def is_unverified(text: str) -> bool:
    return any(marker in text for marker in UNVERIFIED_MARKERS)
