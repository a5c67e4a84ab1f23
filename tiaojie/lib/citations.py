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

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL = "[零一二两三四五六七八九十百]+"


def chinese_number(text: str) -> int:
    """'四十七' → 47, '一百零六' → 106, '十二' → 12 (the numerals of article numbers, below 1000)."""
    total = 0
    digit = 0
    for char in text:
        if char == "百":
            total += (digit or 1) * 100
            digit = 0
        elif char == "十":
            total += (digit or 1) * 10
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
