"""Citations in a text → links to the library's articles (docs/knowledge.md, "Citations and links").

`link_citations(text, on=None)` escapes `text` and wraps each 《title》第N条 the library holds in
<a href="/laws/<slug>/articles/<n>/">; a citation it cannot resolve (no such text, no such article in the
version) stays plain text, never a link that answers 404. The grammar is lib/citations.py's.

Lookups are memoised: one query loads every title the library knows, one more per text cited loads the
article numbers of its current version (or of its versions, for a date). A page with twenty citations of
three laws costs four queries the first time. In a request the memo is kept while `library_revision` (one
query per request) is unchanged, so a later page costs none of them; it is at most MEMO_SECONDS old anyway,
also in a long-running process with no requests (the task worker).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tiaojie.knowledge import numbers
from tiaojie.knowledge.models import Article, LawText, LawVersion
from tiaojie.lib.citations import Citation, find_citations, library_title
from tiaojie.lib.request_memo import ScalarMemo, in_request

MEMO_SECONDS = 60.0


@dataclass(frozen=True)
class _Version:
    pk: int
    key: str  # ?version= value
    starts: dt.date | None  # in force from: the later of the version date and the entry into force


@dataclass
class _Memo:
    made: float = field(default_factory=time.monotonic)
    titles: dict[str, tuple[int, str, int | None]] | None = None  # name → (text pk, slug, current version pk)
    versions: dict[int, list[_Version]] = field(default_factory=dict)  # text pk → its versions, oldest first
    articles: dict[int, frozenset[tuple[int, int]]] = field(default_factory=dict)  # version pk → numbers
    revision: tuple[int, ...] | None = None  # the library_revision it was loaded at (in a request)


_memo = _Memo()


def clear_memo(**_: Any) -> None:
    global _memo
    _memo = _Memo()


def _current() -> _Memo:
    if time.monotonic() - _memo.made > MEMO_SECONDS:
        clear_memo()
    if in_request():
        # Kept across requests while the library is unchanged (one cheap query per request, library_revision):
        # the article numbers of a law are hundreds of rows, and a case page cites a dozen laws.
        revision = library_revision()
        if _memo.revision != revision:
            clear_memo()
            _memo.revision = revision
    return _memo


def _titles(memo: _Memo) -> dict[str, tuple[int, str, int | None]]:
    if memo.titles is None:
        names: dict[str, tuple[int, str, int | None]] = {}
        # Oldest first, so of two texts with one short title the first keeps it (as queries.find_text does).
        rows = LawText.objects.order_by("-pk").values_list("pk", "slug", "title", "short_title", "current_version")
        for pk, slug, title, short_title, current in rows:
            for name in (slug, short_title, title, library_title(title)):
                names[name] = (pk, slug, current)
        memo.titles = names
    return memo.titles


def _articles(memo: _Memo, version_pk: int) -> frozenset[tuple[int, int]]:
    if version_pk not in memo.articles:
        memo.articles[version_pk] = frozenset(
            Article.objects.filter(version_id=version_pk).values_list("number", "sub_number")
        )
    return memo.articles[version_pk]


def _version_on(memo: _Memo, text_pk: int, on: dt.date) -> _Version | None:
    """The version in force on `on`: the latest that had started by then (None before the first)."""
    if text_pk not in memo.versions:
        memo.versions[text_pk] = [
            # The later of the version date and the entry into force: a version's effective_on may be the
            # original law's (an amended text still says "本法自2008年1月1日起施行").
            _Version(v.pk, v.version_key, max(filter(None, (v.version_date, v.effective_on)), default=None))
            for v in LawVersion.objects.filter(text_id=text_pk).order_by("version_date", "imported_at", "pk")
        ]
        memo.versions[text_pk].sort(key=lambda v: v.starts or dt.date.min)  # stable: ties keep the import order
    started = [v for v in memo.versions[text_pk] if v.starts is not None and v.starts <= on]
    return started[-1] if started else None  # oldest first: of two that started by then, the later


def citation_url(citation: Citation, on: dt.date | None = None) -> str | None:
    """The article page of `citation` (of the version in force on `on` when given), or None."""
    memo = _current()
    known = _titles(memo).get(citation.title)
    if known is None:
        return None
    text_pk, slug, current = known
    query = ""
    version_pk: int | None = current  # also before the first version the library holds, for a date
    if on is not None:
        version = _version_on(memo, text_pk, on)
        if version is not None and version.pk != current:
            version_pk, query = version.pk, f"?version={version.key}"
    if version_pk is None:
        return None
    held = _articles(memo, version_pk)
    if not held:
        # A notice without numbered articles (劳社部发〔2008〕3号 numbers its parts 一、二、三, which people cite
        # as 第二条): the text's page, where the part is a heading.
        return reverse("knowledge:text", args=[slug]) + query
    if (citation.number, citation.sub_number) not in held:
        return None
    return reverse("knowledge:article", args=[slug, numbers.url_number(citation.number, citation.sub_number)]) + query


def resolves(citation: Citation) -> bool:
    return citation_url(citation) is not None


def link_citations(text: str, on: dt.date | None = None, *, base: str = "") -> SafeString:
    """`text` escaped, each resolvable citation a link (`base` before the path for an absolute URL)."""
    out: list[str] = []
    position = 0
    for citation in find_citations(text):
        url = citation_url(citation, on)
        if url is None:
            continue
        out.append(escape(text[position : citation.start]))
        out.append(format_html('<a class="law-link" href="{}">{}</a>', base + url, text[citation.start : citation.end]))
        position = citation.end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above or by format_html


def citation_links(text: str, on: dt.date | None = None) -> list[dict[str, str]]:
    """The citations of `text` the library resolves, for a JSON API: [{"citation": …, "url": …}]."""
    found = []
    for citation in find_citations(text):
        url = citation_url(citation, on)
        if url is not None:
            found.append({"citation": text[citation.start : citation.end], "url": url})
    return found


def library_revision() -> tuple[int, int, int, int]:
    """What the links of a text depend on, in one query: the newest text, version and article and the number of
    texts. An import adds versions (and articles with them), a new text adds a text, a deleted one lowers the
    count. The links memo above is kept while it holds, and a page kept with its links (cases.page_cache) puts
    it in its key. Read once per request."""
    return LIBRARY_REVISION.read()


def _library_revision_memo() -> ScalarMemo[tuple[int, int, int, int]]:
    texts, versions, articles = LawText._meta.db_table, LawVersion._meta.db_table, Article._meta.db_table
    return ScalarMemo(
        "knowledge.library_revision",
        (
            f"SELECT MAX(id) FROM {texts}",  # noqa: S608 - table names
            f"SELECT COUNT(*) FROM {texts}",  # noqa: S608
            f"SELECT MAX(id) FROM {versions}",  # noqa: S608
            f"SELECT MAX(id) FROM {articles}",  # noqa: S608
        ),
        lambda text, count, version, article: (text or 0, count or 0, version or 0, article or 0),
    )


LIBRARY_REVISION = _library_revision_memo()
