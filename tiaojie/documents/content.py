"""What a document says, independent of its file format.

Each kind's builder (documents/kinds/) turns case data into a `Content`: a title and a list of blocks. The
PDF renderer (HTML for WeasyPrint) and the Word renderer (docxtpl) both draw the same blocks, so the two files
of one version never say different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["justify", "left", "right", "center"]


@dataclass(frozen=True)
class Para:
    text: str
    indent: bool = True  # first-line indent of two characters, as in the body of Chinese documents
    align: Align = "justify"
    bold: bool = False


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Fields:
    """Label / value rows (a party's particulars)."""

    rows: tuple[tuple[str, str], ...]
    caption: str = ""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[str, ...] = ()
    caption: str = ""


@dataclass(frozen=True)
class SignBox:
    label: str  # 申请人（签名）, 调解员（签名）, 调解组织（盖章）
    name: str = ""  # printed under the line when known
    note: str = ""  # e.g. "已于 … 以短信验证码确认签署"
    seal: bool = False  # the organisation's seal goes here
    sealed: bool = False  # and it has been affixed: print the seal image if the organisation set one


@dataclass(frozen=True)
class Signatures:
    """Signature and seal blocks: kept together on one page with the date line."""

    boxes: tuple[SignBox, ...]
    date_line: str = ""
    # The closing sentence(s) printed just above the boxes and kept on the same page with them, so the
    # signatures never stand alone on a page that says nothing (a page a party could be asked to sign apart).
    lead: tuple[str, ...] = ()


Block = Para | Heading | Fields | Table | Signatures


@dataclass
class Content:
    kind: str
    title: str
    blocks: list[Block]
    # Version of the wording of this kind's builder; the document records "<kind>@<builder>/<layout>".
    builder_version: int = 1
    # Printed under the title, e.g. "（一式三份）"
    subtitle: str = ""
    # Full personal numbers printed in the document: [("cases.worker", id, "id_number"), ...], logged on
    # every download.
    pii: list[tuple[str, int, str]] = field(default_factory=list)
    # Words a test or a reader can look for: the key fields of the document.
    key_fields: dict[str, str] = field(default_factory=dict)
    # Deadlines the builder left blank because they fall in a year with no holiday data yet: "label（date）".
    # A draft shows the blanks; issuing refuses (documents.actions) until the year is entered and the date
    # is certain, so a signed document never carries a date that may be wrong, nor a note about it.
    unsettled: list[str] = field(default_factory=list)
