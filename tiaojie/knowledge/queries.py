"""Reads of the law library: the search box, a text with its versions, an article at its stable URL, and
`article_url()` for pages that cite an article (docs/knowledge.md, "The URL scheme").

The library is public: nothing here is scoped to a user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tiaojie.knowledge import numbers
from tiaojie.knowledge.models import Article, LawText, LawVersion, Level

SEARCH_LIMIT = 50  # articles shown for one query; the page asks for a narrower one beyond that
SNIPPET_CHARS = 60  # either side of the first match


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    snippet: SafeString


def snippet(text: str, query: str, *, width: int = SNIPPET_CHARS) -> SafeString:
    """The text around the first match, every match wrapped in <mark>, escaped."""
    flat = " ".join(text.split())
    at = flat.lower().find(query.lower()) if query else -1
    if at < 0:
        piece, before, after = flat[: width * 2], "", "…" if len(flat) > width * 2 else ""
    else:
        start, end = max(0, at - width), min(len(flat), at + len(query) + width)
        piece, before, after = flat[start:end], "…" if start else "", "…" if end < len(flat) else ""
    marked = (
        re.sub(re.escape(escape(query)), lambda m: f"<mark>{m[0]}</mark>", escape(piece), flags=re.IGNORECASE)
        if query
        else escape(piece)
    )
    return mark_safe(before + marked + after)  # noqa: S308 - every piece of it was escaped above


def level_rank(prefix: str = "") -> Case:
    """Levels in their order of force (Level's declaration order: 法律 first), for ORDER BY."""
    return Case(
        *(When(**{f"{prefix}level": value}, then=Value(rank)) for rank, value in enumerate(Level.values)),
        default=Value(len(Level.values)),
        output_field=IntegerField(),
    )


def texts(*, level: str = "", status: str = "") -> QuerySet[LawText]:
    qs = LawText.objects.select_related("current_version")
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    return qs


def search(query: str, *, level: str = "", status: str = "") -> tuple[list[LawText], list[ArticleHit], bool]:
    """Texts whose title matches, and articles of the texts' current versions whose text matches (icontains: at
    this size a scan is fast enough, docs/knowledge.md), the latter capped at SEARCH_LIMIT; the flag says more
    were found."""
    query = query.strip()
    if not query:
        return [], [], False
    titled = list(
        texts(level=level, status=status)
        .filter(Q(title__icontains=query) | Q(short_title__icontains=query))
        .order_by(level_rank(), "short_title")
    )
    scope = texts(level=level, status=status).exclude(current_version=None)
    articles = (
        Article.objects.filter(version_id__in=scope.values("current_version"), text__icontains=query)
        .select_related("version__text")
        .order_by(level_rank("version__text__"), "version__text__short_title", "order")[: SEARCH_LIMIT + 1]
    )
    hits = [ArticleHit(a, snippet(a.text, query)) for a in articles]
    return titled, hits[:SEARCH_LIMIT], len(hits) > SEARCH_LIMIT


def get_text(slug: str) -> LawText:
    text = LawText.objects.select_related("current_version").filter(slug=slug).first()
    if text is None:
        raise Http404
    return text


def get_version(text: LawText, key: str = "") -> LawVersion:
    """?version=2012-12-28 (the version date; of two with one date the later import), v<id>, or the current."""
    versions = LawVersion.objects.filter(text=text)
    if not key:
        version = text.current_version
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
        version = versions.filter(version_date=key).order_by("-imported_at", "-pk").first()
    elif re.fullmatch(r"v\d{1,18}", key):
        version = versions.filter(pk=int(key[1:])).first()
    else:
        version = None
    if version is None:
        raise Http404
    return version


def versions_of(text: LawText) -> list[LawVersion]:
    return list(text.versions.order_by("-version_date", "-imported_at"))


def get_article(version: LawVersion, url_number: str) -> Article:
    parsed = numbers.parse_url_number(url_number)
    if parsed is None:
        raise Http404
    article = version.articles.filter(number=parsed[0], sub_number=parsed[1]).order_by("order").first()
    if article is None:
        raise Http404
    return article


def find_text(title: str) -> LawText | None:
    """A text by the title a citation uses: '劳动合同法', '《劳动合同法》', '中华人民共和国劳动合同法'."""
    name = title.strip().strip("《》")
    if not name:
        return None
    return LawText.objects.filter(Q(short_title=name) | Q(title=name) | Q(slug=name)).order_by("pk").first()


def article_url(title: str, number: int | str, *, sub_number: int = 0, version: str = "") -> str | None:
    """The stable URL of an article, for a page that cites it: article_url("劳动合同法", 47) →
    '/laws/劳动合同法/articles/47/' (percent-encoded by the template as usual). `number` may be an int or
    '第四十七条'. None when the library holds no such text, or its current version no such article, so the
    caller shows the citation without a link rather than a link that answers 404."""
    if isinstance(number, str):
        try:
            number, sub_number = numbers.parse_label(number)
        except ValueError:
            return None
    text = find_text(title)
    if text is None:
        return None
    try:
        target = get_version(text, version)
        get_article(target, numbers.url_number(number, sub_number))
    except Http404:
        return None
    url = reverse("knowledge:article", args=[text.slug, numbers.url_number(number, sub_number)])
    return f"{url}?version={target.version_key}" if version else url


def article_urls(citations: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int, int], str]:
    """article_url() for many citations in one query: (short title, number, sub-number) → the URL of that
    article in its text's current version. A panel that cites a dozen articles would otherwise spend three
    queries on each; a citation the library does not hold is left out, and the page shows it without a link."""
    wanted = {(title.strip().strip("《》"), number, sub) for title, number, sub in citations}
    if not wanted:
        return {}
    titles = {t for t, _, _ in wanted}
    rows = (
        Article.objects.filter(
            Q(version__text__short_title__in=titles) | Q(version__text__slug__in=titles),
            version__text__current_version=F("version"),
            number__in={n for _, n, _ in wanted},
        )
        .order_by()
        .values_list("version__text__short_title", "version__text__slug", "number", "sub_number")
        .distinct()
    )
    found: dict[tuple[str, int, int], str] = {}
    for short_title, slug, number, sub in rows:
        for title in (short_title, slug):
            key = (title, number, sub)
            if key in wanted and key not in found:
                found[key] = reverse("knowledge:article", args=[slug, numbers.url_number(number, sub)])
    return found
