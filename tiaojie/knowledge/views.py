"""The library's public pages (no login): search, a text, an article at its stable URL (docs/knowledge.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tiaojie.knowledge import queries
from tiaojie.knowledge.forms import SearchForm


def index(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = level = status = ""
    if form.is_valid():
        query, level, status = form.cleaned_data["q"], form.cleaned_data["level"], form.cleaned_data["status"]
    titled, hits, more = queries.search(query, level=level, status=status)
    listing = (
        [] if query else list(queries.texts(level=level, status=status).order_by(queries.level_rank(), "short_title"))
    )
    return render(
        request,
        "knowledge/index.html",
        {
            "form": form,
            "query": query,
            "titled": titled,
            "hits": hits,
            "more": more,
            "limit": queries.SEARCH_LIMIT,
            "listing": listing,
        },
    )


def text_detail(request: HttpRequest, slug: str) -> HttpResponse:
    text = queries.get_text(slug)
    version = queries.get_version(text, request.GET.get("version", ""))
    return render(
        request,
        "knowledge/text.html",
        {
            "text": text,
            "version": version,
            "is_current": version.pk == text.current_version_id,
            "versions": queries.versions_of(text),
            "articles": list(version.articles.all()),
        },
    )


def article_detail(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    text = queries.get_text(slug)
    version = queries.get_version(text, request.GET.get("version", ""))
    article = queries.get_article(version, number)
    siblings = version.articles.order_by("order")
    return render(
        request,
        "knowledge/article.html",
        {
            "text": text,
            "version": version,
            "is_current": version.pk == text.current_version_id,
            "article": article,
            "previous": siblings.filter(order__lt=article.order).last(),
            "next": siblings.filter(order__gt=article.order).first(),
            "version_param": request.GET.get("version", ""),
        },
    )
