"""State documents (NĐ 30/2020/NĐ-CP Annex I; legal-spec §5): the shared DOCX building blocks
and the PDF engine, for every app that prints an official paper.

* :class:`StateDocx` — A4 portrait, margins 20/20/30/15 mm, Times New Roman in every script slot
  (no theme fonts, so Word does not pick another face for accented letters), paragraphs with one
  run, centred rules under the issuer's name, the motto and the title, tables with or without
  borders. Subclasses lay out their own document with :meth:`StateDocx.paragraph`,
  :meth:`StateDocx.rule` and :meth:`StateDocx.table`.
* :func:`render_pdf` — HTML to PDF through WeasyPrint with a fetcher that refuses every scheme
  but ``data:`` (nothing is read from the network or the disk). Where WeasyPrint or its system
  libraries (Pango) cannot load, the caller's "unavailable" exception is raised so that the page
  answers 503 instead of failing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from django.utils import timezone

__all__ = [
    "DOCX_CONTENT_TYPE",
    "FONT",
    "HEAD_LEFT_MM",
    "HEAD_RIGHT_MM",
    "MARGIN_BOTTOM_MM",
    "MARGIN_LEFT_MM",
    "MARGIN_RIGHT_MM",
    "MARGIN_TOP_MM",
    "PAGE_HEIGHT_MM",
    "PAGE_WIDTH_MM",
    "PDF_CONTENT_TYPE",
    "TEXT_WIDTH_MM",
    "StateDocx",
    "clean_text",
    "no_borders",
    "render_pdf",
    "repeat_header",
]

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"

# NĐ 30/2020 Annex I: Times New Roman (Unicode, TCVN 6909:2001).
FONT = "Times New Roman"
# A4 portrait; margins top/bottom 20 mm, left 30 mm, right 15 mm (Annex I, Part I).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM = MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 30, 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 165 mm
# Header and footer tables: the issuing body on the left, the national title on the right.
HEAD_LEFT_MM, HEAD_RIGHT_MM = 65, TEXT_WIDTH_MM - 65

# Characters XML 1.0 cannot hold (python-docx and openpyxl would refuse the whole file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: Any) -> str:
    """``text`` as a string XML can hold (control characters dropped; None is empty)."""
    return _NOT_XML.sub("", str(text or ""))


class StateDocx:
    """A Word document in the state format: the page, the fonts and the building blocks."""

    def __init__(self) -> None:
        import docx

        self.doc = docx.Document()

    def page_setup(self, title: str) -> None:
        """A4 portrait with the Annex I margins; the file's properties; the state fonts."""
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        properties = self.doc.core_properties
        properties.title = clean_text(title)[:255]
        properties.author = properties.last_modified_by = "danchu"
        properties.created = properties.modified = timezone.now()
        self.use_state_fonts()

    def use_state_fonts(self) -> None:
        """Times New Roman on the defaults and the Normal style, every script slot named, so
        Word does not pick another face for accented letters (no theme fonts)."""
        from docx.oxml.ns import qn
        from docx.shared import Pt

        styles = self.doc.styles.element
        for rfonts in styles.iter(qn("w:rFonts")):
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(theme), None)
        for rpr in styles.iter(qn("w:rPr")):
            _set_rfonts(rpr.get_or_add_rFonts())  # type: ignore[attr-defined]
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT  # type: ignore[attr-defined]
        normal.font.size = Pt(13)  # type: ignore[attr-defined]
        _set_rfonts(normal.element.get_or_add_rPr().get_or_add_rFonts())  # type: ignore[attr-defined]
        fmt = normal.paragraph_format  # type: ignore[attr-defined]
        fmt.space_before, fmt.space_after = Pt(0), Pt(0)

    def paragraph(
        self,
        container: Any,
        text: str = "",
        *,
        size: float = 13,
        bold: bool = False,
        italic: bool = False,
        align: str = "center",
        first: bool = False,
    ) -> Any:
        """A paragraph with one run (``first``: reuse the empty paragraph a new cell has)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        if first and container.paragraphs and not container.paragraphs[0].text:
            paragraph = container.paragraphs[0]
        else:
            paragraph = container.add_paragraph()
        paragraph.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        }[align]
        if text:
            _run(paragraph, text, size=size, bold=bold, italic=italic)
        else:
            _mark_font(paragraph, size)
        return paragraph

    def rule(self, container: Any, width_mm: float, within_mm: float) -> None:
        """A centred solid line ``width_mm`` long (under the body's name, the motto, the title)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        paragraph = self.paragraph(container, size=2)
        indent = max(0.0, (within_mm - width_mm) / 2)
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.right_indent = Mm(indent), Mm(indent)
        fmt.space_before, fmt.space_after = Pt(0), Pt(0)
        fmt.line_spacing = Pt(2)
        border = OxmlElement("w:pBdr")
        top = OxmlElement("w:top")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                           ("w:color", "000000")):  # fmt: skip
            top.set(qn(key), value)
        border.append(top)
        paragraph._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)

    def table(self, rows: int, widths: Sequence[float], *, borders: bool) -> Any:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Mm

        table = self.doc.add_table(rows=rows, cols=len(widths))
        if borders:
            table.style = self.doc.styles["Table Grid"]
        else:
            no_borders(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
        return table

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# Elements of w:pPr that must come after w:pBdr (the schema fixes the order; Word is strict).
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_TBLBORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip


def _set_rfonts(rfonts: Any) -> None:
    from docx.oxml.ns import qn

    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(key), FONT)


def _run(paragraph: Any, text: str, *, size: float, bold: bool, italic: bool) -> Any:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(clean_text(text))
    for t in run._element.iter(qn("w:t")):
        t.set(qn("xml:space"), "preserve")  # keep the blank of "Số:      /DM-UBND"
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    _set_rfonts(run._element.get_or_add_rPr().get_or_add_rFonts())
    return run


def _mark_font(paragraph: Any, size: float) -> None:
    """The paragraph mark's size (an empty paragraph's height) and font."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")
    fonts = OxmlElement("w:rFonts")
    _set_rfonts(fonts)
    half_points = OxmlElement("w:sz")
    half_points.set(qn("w:val"), str(int(size * 2)))
    rpr.append(fonts)
    rpr.append(half_points)


def no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def repeat_header(row: Any) -> None:
    """Repeat a table's heading row at the top of each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


# ---------------------------------------------------------------------------------------------
# PDF


def _weasyprint(unavailable: type[Exception]) -> ModuleType:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango/HarfBuzz libraries not found
        raise unavailable(str(error)) from error
    return weasyprint


def render_pdf(html: str, *, unavailable: type[Exception]) -> bytes:
    """``html`` as PDF bytes. Nothing is fetched: the fetcher refuses every scheme but
    ``data:`` (QR codes and images are data URIs). Raises ``unavailable`` where the engine
    cannot run."""
    weasyprint = _weasyprint(unavailable)
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    try:
        pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    except OSError as error:  # a library that loads lazily (fonts, Pango) failed
        raise unavailable(str(error)) from error
    assert isinstance(pdf, bytes)
    return pdf
