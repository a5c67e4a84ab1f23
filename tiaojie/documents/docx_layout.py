"""Builds the Word layout template `templates/documents/docx/document-v<N>.docx` that docxtpl fills.

Run `python -m tiaojie.documents.docx_layout` after changing it, and bump LAYOUT_VERSION in render.py so
documents rendered with the old layout keep naming it. The committed .docx is what renders; this script is
how it was made (A4, GB/T 9704 margins, East-Asian fonts set on every style, page numbers as Word fields).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "宋体"  # what Word on a government PC has; LibreOffice substitutes a CJK serif
TITLE_FONT = "黑体"


def set_fonts(style, east_asia: str, size: float, bold: bool = False) -> None:
    style.font.name = "Times New Roman"
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) computed when the document is opened or printed."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)


def build(target: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    set_fonts(doc.styles["Normal"], BODY_FONT, 14)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.5
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    set_fonts(doc.styles["Title"], TITLE_FONT, 22, bold=True)
    set_fonts(doc.styles["Heading 2"], TITLE_FONT, 14, bold=True)
    doc.styles["Title"].font.color.rgb = None
    doc.styles["Heading 2"].font.color.rgb = None
    set_fonts(doc.styles["Table Grid"], BODY_FONT, 12)

    p = doc.add_paragraph("{{ header }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph("{{ title }}", style="Title")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph("{%p if subtitle %}")
    p = doc.add_paragraph("{{ subtitle }}")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("{%p endif %}")
    p = doc.add_paragraph("{{ number_line }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{{p body }}")
    doc.add_paragraph("{%p if qr %}")
    p = doc.add_paragraph("{{ qr }}")
    p = doc.add_paragraph("{{ verify_text }}")
    p.runs[0].font.size = Pt(9)
    doc.add_paragraph("{%p endif %}")

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    field(footer, "NUMPAGES")
    footer.add_run(" 页")
    target.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(target))


if __name__ == "__main__":
    from tiaojie.documents.render import DOCX_LAYOUT

    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCX_LAYOUT)
    print("written")
