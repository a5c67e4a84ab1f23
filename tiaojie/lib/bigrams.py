"""Index and query terms for Chinese full-text search, without a Chinese word segmenter.

Chinese has no spaces, and Debian ships no segmenter for PostgreSQL (zhparser); FTS5's trigram tokenizer and
pg_trgm cannot find a two-character word (工伤, 欠薪), the most common kind of Chinese search term. So a text is
indexed as overlapping character bigrams: 拖欠工资 → 拖欠 欠工 工资, and a query part is the phrase of its
bigrams (工伤赔偿 → "工伤 伤赔 赔偿", adjacent and in order). Both databases then only ever see space-separated
words: FTS5's unicode61 tokenizer and PostgreSQL's 'simple' configuration index them as they are.

Each run of Han characters also ends with its last character on its own (拖欠工资 → … 工资 资), so that every
character of a run starts some term: a one-character query (王) is then a prefix query (王*), which matches 王
at any place in a run, not only where a bigram starts with it. A run of one character (号 in 12号) is that
character alone.

Latin letters and digits are words, lower-cased (ABC123 → abc123; a credit code or "2026" is one word); NFKC
folds full-width forms first (ＡＢＣ１２ → abc12). Everything else (punctuation, spaces) separates.

Pure Python, no Django: cases.search uses it, and other features (similar cases) may.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# CJK Unified Ideographs, Extension A, Compatibility Ideographs, and the supplementary-plane extensions.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKEN = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")


def _runs(text: str) -> list[tuple[bool, str]]:
    """(is_han, run) in order of the text, after NFKC and lower-casing."""
    text = unicodedata.normalize("NFKC", text).lower()
    return [(bool(m[1]), m[0]) for m in _TOKEN.finditer(text)]


def han_terms(run: str) -> list[str]:
    """The index terms of one run of Han characters: its bigrams, then its last character."""
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_terms(text: str) -> list[str]:
    """Every index term of `text`, in order (positions matter: a query part is a phrase)."""
    terms: list[str] = []
    for is_han, run in _runs(text):
        terms.extend(han_terms(run) if is_han else [run])
    return terms


def index_text(*texts: str) -> str:
    """The terms of `texts` as one space-separated string, the form both databases index."""
    return " ".join(term for text in texts if text for term in index_terms(text))


@dataclass(frozen=True)
class QueryPart:
    """One part of a query: a phrase of terms that must be adjacent and in order; `prefix` when the part is a
    single character or an unfinished word and matches any term starting with it."""

    terms: tuple[str, ...]
    prefix: bool = False


# Past this many parts the rest of a query is ignored: a pasted paragraph must not become a huge query.
MAX_PARTS = 8


def query_parts(query: str) -> list[QueryPart]:
    """The parts of a search query, all of which must match: 工伤 欠薪 → two phrases; 王 → the prefix 王*.
    A Latin or digit word is matched as a prefix too (zhang finds zhangsan; 9132 a credit code's start)."""
    parts: list[QueryPart] = []
    for is_han, run in _runs(query):
        if is_han and len(run) >= 2:
            parts.append(QueryPart(tuple(run[i : i + 2] for i in range(len(run) - 1))))
        else:
            parts.append(QueryPart((run,), prefix=True))
    return parts[:MAX_PARTS]


def fts5_query(parts: list[QueryPart]) -> str:
    """An FTS5 MATCH expression: each part a quoted phrase (a prefix part with *), the parts ANDed. Terms are
    Han characters or [a-z0-9] words, so quoting cannot be escaped out of; quotes are doubled all the same."""

    def phrase(part: QueryPart) -> str:
        quoted = '"' + " ".join(part.terms).replace('"', '""') + '"'
        return quoted + " *" if part.prefix else quoted

    return " AND ".join(phrase(p) for p in parts)


def tsquery(parts: list[QueryPart]) -> str:
    """A PostgreSQL to_tsquery('simple', …) expression: each part its terms joined by <-> (followed by), a
    prefix part with :*, the parts joined by &. Terms hold no tsquery operator characters (see _TOKEN)."""

    def phrase(part: QueryPart) -> str:
        body = " <-> ".join(part.terms)
        return f"{body}:*" if part.prefix else f"({body})"

    return " & ".join(phrase(p) for p in parts)


def tsquery_all_terms(parts: list[QueryPart]) -> str:
    """Every term of every part joined by & (a prefix part with :*), positions ignored: a superset of
    tsquery(parts) that a GIN index answers exactly, without reading each candidate's tsvector again to check
    that a phrase's terms are adjacent (cases.search checks the phrase on the few candidates it keeps)."""
    return " & ".join(f"{t}:*" if p.prefix else t for p in parts for t in p.terms)


def matched_spans(text: str, parts: list[QueryPart]) -> list[tuple[int, int]]:
    """Where in `text` (as given, not folded) the parts occur: (start, end) spans, sorted and merged, for a
    snippet's highlight. Compares character by character after NFKC and lower-casing each character, which
    keeps offsets aligned with `text` (NFKC of a whole string can change its length)."""
    folded = [unicodedata.normalize("NFKC", ch).lower() for ch in text]
    flat = "".join(ch if len(ch) == 1 else "\0" for ch in folded)
    spans: list[tuple[int, int]] = []
    for part in parts:
        needle = part.terms[0] + "".join(t[-1] for t in part.terms[1:]) if not part.prefix else part.terms[0]
        for m in re.finditer(re.escape(needle), flat):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
