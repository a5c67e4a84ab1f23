"""Content → PDF (WeasyPrint, Noto CJK fonts) and .docx (docxtpl), with the number, the verification QR code
and the organisation's header and seal.

Layout versions: the HTML and Word layouts are files named `document-v<LAYOUT_VERSION>`; an old layout stays
in the repository so the version recorded on an old document still names a file that exists.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from dataclasses import dataclass
from pathlib import Path

import segno
from django.template.loader import render_to_string
from django.utils import translation

from tiaojie.documents.content import Content, Fields, Heading, Para, Signatures, Table

LAYOUT_VERSION = 1
TEMPLATES = Path(__file__).resolve().parent / "templates" / "documents"
HTML_LAYOUT = f"documents/render/document-v{LAYOUT_VERSION}.html"
DOCX_LAYOUT = TEMPLATES / "docx" / f"document-v{LAYOUT_VERSION}.docx"


@dataclass(frozen=True)
class Letter:
    """Who issues the document and how it is identified; `number` is None for an unnumbered draft."""

    header: str
    number: str | None
    code: str = ""
    verify_url: str = ""
    seal_png: bytes | None = None


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    docx: bytes


# Characters XML 1.0 cannot carry (C0 controls but tab/newline/CR, lone surrogates, U+FFFE/U+FFFF): text typed
# by the public can contain them, and python-docx and WeasyPrint's HTML parser refuse or mangle them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _clean(value: object) -> object:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{f.name: _clean(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        )
    return value


def sanitize(content: Content, letter: Letter) -> tuple[Content, Letter]:
    """Every string of the content and the letter without XML-invalid characters."""
    cleaned = Content(
        kind=content.kind,
        title=clean_text(content.title),
        blocks=[_clean(b) for b in content.blocks],  # type: ignore[misc]
        builder_version=content.builder_version,
        subtitle=clean_text(content.subtitle),
        pii=content.pii,
        key_fields=content.key_fields,
    )
    return cleaned, dataclasses.replace(letter, header=clean_text(letter.header))


def url_fetcher() -> object:
    """WeasyPrint may load nothing but the data: URIs we embed (seal, QR code): never a file of this server or
    a URL on the network, whatever text a document contains."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def template_version(content: Content) -> str:
    return f"{content.kind}@{content.builder_version}/layout-{LAYOUT_VERSION}"


def number_line(letter: Letter) -> str:
    return f"编号：{letter.number}" if letter.number else "编号：（样稿，未编号）"


def _num(text: str) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "").replace("元", "").isdigit()


def _html_blocks(content: Content, seal_uri: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for b in content.blocks:
        if isinstance(b, Para):
            classes = " ".join(c for c in ("indent" if b.indent else "", b.align, "bold" if b.bold else "") if c)
            out.append({"type": "para", "text": b.text, "classes": classes})
        elif isinstance(b, Heading):
            out.append({"type": "heading", "text": b.text})
        elif isinstance(b, Fields):
            out.append({"type": "fields", "rows": b.rows, "caption": b.caption})
        elif isinstance(b, Table):
            out.append(
                {
                    "type": "table",
                    "caption": b.caption,
                    "headers": b.headers,
                    "rows": [[{"text": c, "num": _num(c)} for c in row] for row in b.rows],
                    "footer": [{"text": c, "num": _num(c)} for c in b.footer],
                }
            )
        elif isinstance(b, Signatures):
            boxes = [
                {"label": x.label, "name": x.name, "note": x.note, "seal_uri": seal_uri if x.seal and x.sealed else ""}
                for x in b.boxes
            ]
            # A single seal block (a notice the organisation issues) stands at the right, where it is stamped.
            pairs = (
                [[None, boxes[0]]]
                if len(boxes) == 1
                else [boxes[i : i + 2] + [None] * (2 - len(boxes[i : i + 2])) for i in range(0, len(boxes), 2)]
            )
            out.append({"type": "signatures", "pairs": pairs, "date_line": b.date_line, "lead": b.lead})
    return out


def render_pdf(content: Content, letter: Letter) -> tuple[bytes, int]:
    from weasyprint import HTML

    content, letter = sanitize(content, letter)
    seal_uri = "data:image/png;base64," + base64.b64encode(letter.seal_png).decode() if letter.seal_png else ""
    qr_uri = segno.make(letter.verify_url, error="m").svg_data_uri(scale=4) if letter.verify_url else ""
    html = render_to_string(
        HTML_LAYOUT,
        {
            "title": content.title,
            "subtitle": content.subtitle,
            "header": letter.header,
            "number": letter.number,
            "number_line": number_line(letter),
            "code": letter.code,
            "verify_url": letter.verify_url,
            "qr_uri": qr_uri,
            "footer_code": f"核验码 {letter.code}" if letter.code else "",
            "footer_url": f"核验：{letter.verify_url}" if letter.verify_url else "",
            "draft": letter.number is None,
            "blocks": _html_blocks(content, seal_uri),
        },
    )
    document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=url_fetcher()).render()
    return document.write_pdf(), len(document.pages)


def render_docx(content: Content, letter: Letter) -> bytes:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Mm, Pt
    from docxtpl import DocxTemplate, InlineImage

    content, letter = sanitize(content, letter)
    tpl = DocxTemplate(str(DOCX_LAYOUT))
    body = tpl.new_subdoc()
    align = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
    }

    def keep_row_together(row) -> None:
        props = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        props.append(cant)

    for b in content.blocks:
        if isinstance(b, Para):
            for line in b.text.split("\n"):
                p = body.add_paragraph()
                run = p.add_run(line)
                run.bold = b.bold
                p.alignment = align[b.align]
                if b.indent:
                    p.paragraph_format.first_line_indent = Pt(28)
        elif isinstance(b, Heading):
            body.add_paragraph(b.text, style="Heading 2")
        elif isinstance(b, Fields | Table):
            if b.caption:
                body.add_paragraph().add_run(b.caption).bold = True
            if isinstance(b, Fields):
                table = body.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for label, value in b.rows:
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text = label, value
                    cells[0].width, cells[1].width = Mm(44), Mm(112)
            else:
                table = body.add_table(rows=1, cols=len(b.headers))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, b.headers, strict=True):
                    cell.text = text
                    cell.paragraphs[0].runs[0].bold = True
                for row in (*b.rows, *((b.footer,) if b.footer else ())):
                    cells = table.add_row().cells
                    for cell, text in zip(cells, row, strict=True):
                        cell.text = text
                        if _num(text):
                            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for row in table.rows:
                keep_row_together(row)
        elif isinstance(b, Signatures):
            # One borderless table whose rows cannot split and whose paragraphs keep with the next: Word then
            # moves the whole block to the next page rather than leaving a lone signature line behind.
            for text in b.lead:
                lead = body.add_paragraph(text)
                lead.paragraph_format.first_line_indent = Pt(28)
                lead.paragraph_format.keep_with_next = True
            body.add_paragraph().paragraph_format.keep_with_next = True
            table = body.add_table(rows=0, cols=2)
            boxes = list(b.boxes)
            for i in range(0, len(boxes), 2):
                cells = table.add_row().cells
                for cell, box in zip(cells, boxes[i : i + 2], strict=False):
                    cell.text = box.label
                    cell.add_paragraph("＿＿＿＿＿＿＿＿＿＿")
                    if box.name:
                        cell.add_paragraph(box.name)
                    if box.note:
                        cell.add_paragraph(box.note).runs[0].font.size = Pt(9)
                    if box.seal and box.sealed and letter.seal_png:
                        cell.add_paragraph().add_run().add_picture(io.BytesIO(letter.seal_png), width=Mm(30))
                    for p in cell.paragraphs:
                        p.paragraph_format.keep_with_next = True
                        p.paragraph_format.keep_together = True
            for row in table.rows:
                keep_row_together(row)
            if b.date_line:
                p = body.add_paragraph(b.date_line)
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    qr = None
    if letter.verify_url:
        png = io.BytesIO()
        segno.make(letter.verify_url, error="m").save(png, kind="png", scale=6)
        png.seek(0)
        qr = InlineImage(tpl, png, width=Mm(24))
    tpl.render(
        {
            "header": letter.header,
            "title": content.title,
            "subtitle": content.subtitle,
            "number_line": number_line(letter),
            "body": body,
            "qr": qr,
            "verify_text": (
                f"文书编号 {letter.number}　核验码 {letter.code}　扫描二维码或访问 {letter.verify_url} 核验"
                if letter.verify_url
                else ""
            ),
        },
        autoescape=True,
    )
    # Word shows "样稿" in the document properties too, so a draft cannot pass for an issued document.
    tpl.docx.core_properties.title = content.title if letter.number else f"{content.title}（样稿）"
    tpl.docx.core_properties.identifier = letter.number or ""
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def render(content: Content, letter: Letter) -> Rendered:
    with translation.override("zh-hans"):  # legal documents stay Chinese (docs/i18n.md), like kinds.build
        pdf, pages = render_pdf(content, letter)
        return Rendered(pdf=pdf, pages=pages, docx=render_docx(content, letter))
