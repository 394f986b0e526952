"""The quarterly register of what was publicised (Law 10/2022/QH15 Art. 13(2)), as DOCX and XLSX.

Art. 13(2): the commune draws up, each quarter, a list of the information it publicised with
the form and the dates of each item ("danh mục thông tin đã được công khai"), and posts it at
the commune office and at the villages' points. The input is
:func:`danchu.disclosure.selectors.quarterly_register` (which checks ``disclosure.export``);
these functions only render it.

* :func:`quarterly_register_docx` — a state document in the format of NĐ 30/2020/NĐ-CP
  (Annex I; legal-spec §5): A4 portrait, margins 20/20/30/15 mm, Times New Roman, the header
  table (issuing body, number; national title, motto, place and date), the title, the list,
  "./.", and the footer table (recipients; signer's authority, title and name).
* :func:`quarterly_register_xlsx` — one row per act of publishing, with real dates, for the
  clerk's own sorting and filtering.

Both are rendered in Vietnamese by default: the register is an official document posted in the
commune (NĐ 30/2020 Art. 8), whatever language the person downloading it reads.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danchu.disclosure.models import PublishingRecord
from danchu.disclosure.rules import VILLAGE_CHANNELS, Channel, Outcome
from danchu.disclosure.selectors import RegisterRow
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "outcome_label",
    "quarterly_register_docx",
    "quarterly_register_xlsx",
    "register_filename",
]

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# NĐ 30/2020 Annex I: Times New Roman (Unicode, TCVN 6909:2001).
FONT = "Times New Roman"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# A4 portrait; margins top/bottom 20 mm, left 30 mm, right 15 mm (Annex I, Part I).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM = MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 30, 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 165 mm
# Header and footer tables: the issuing body on the left, the national title on the right.
HEAD_LEFT_MM, HEAD_RIGHT_MM = 65, TEXT_WIDTH_MM - 65
# The list: No., content, clause, form, dates.
LIST_COLUMNS_MM = (11, 62, 17, 40, 35)


# Characters XML 1.0 cannot hold (python-docx and openpyxl would refuse the whole file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def outcome_label(outcome: Outcome | str) -> str:
    return Outcome(outcome).label


def _clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text or ""))


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day is not None else ""


def short_name(commune: AdministrativeUnit) -> str:
    """The place in the date line: the name without its type ("Xã Can Lộc" → "Can Lộc")."""
    name = commune.name.strip()
    kind = (commune.unit_type or "").strip()
    if kind and name.lower().startswith(kind.lower() + " "):
        return name[len(kind) :].strip()
    return name


def register_filename(commune: AdministrativeUnit, year: int, quarter: int, ext: str) -> str:
    """A safe download name, e.g. ``danh-muc-cong-khai-18406-2026-Q4.docx``."""
    return f"danh-muc-cong-khai-{commune.code}-{year}-Q{quarter}.{ext}"


# ---------------------------------------------------------------------------------------------
# Shared: the villages and the outcome of each act


def _village_names(rows: Sequence[RegisterRow]) -> dict[int, str]:
    """Village names for every act: from the compliance already loaded, else one query."""
    names: dict[int, str] = {}
    for row in rows:
        for status in row.compliance.statuses:
            if status.village is not None:
                names[status.village.pk] = status.village.name
    missing = {
        r.village_id
        for row in rows
        for r in row.records
        if r.village_id is not None and r.village_id not in names
    }
    if missing:
        names.update(Village.objects.filter(pk__in=missing).values_list("pk", "name"))
    return names


def _outcomes(row: RegisterRow) -> dict[int, Outcome]:
    """The outcome of the requirement each act counts for (acts on extra channels: none)."""
    found: dict[int, Outcome] = {}
    for status in row.compliance.statuses:
        for record in status.records:
            found[record.pk] = status.outcome
    return found


def _form(record: PublishingRecord, villages: dict[int, str]) -> str:
    label = str(Channel(record.channel).label)
    if record.channel in VILLAGE_CHANNELS and record.village_id is not None:
        return f"{label} ({villages.get(record.village_id, '')})"
    if record.channel == Channel.OTHER and record.note:
        return f"{label} ({record.note[:100]})"
    return label


def _period(record: PublishingRecord) -> str:
    if record.ended_on is None:
        return _("from %(date)s") % {"date": _d(record.started_on)}
    if record.ended_on == record.started_on:
        return _d(record.started_on)
    return f"{_d(record.started_on)} - {_d(record.ended_on)}"


def _title(year: int, quarter: int) -> str:
    return _("Information publicised in quarter %(quarter)s of %(year)s") % {
        "quarter": ROMAN[quarter],
        "year": year,
    }


# ---------------------------------------------------------------------------------------------
# DOCX (NĐ 30/2020/NĐ-CP)


def quarterly_register_docx(
    rows: Sequence[RegisterRow],
    *,
    commune: AdministrativeUnit,
    year: int,
    quarter: int,
    issued_by: str | None = None,
    number: int | str | None = None,
    issued_on: date | None = None,
    language: str = "vi",
) -> bytes:
    """The register as a Word document in the state format; ``number`` None leaves "Số:" blank
    for the clerk (numbers are given after signature, NĐ 30/2020 Art. 15)."""
    if quarter not in ROMAN:
        raise ValueError("quarter must be 1–4")
    with translation.override(language):
        return _Docx(rows, commune, year, quarter, issued_by, number, issued_on).render()


class _Docx:
    def __init__(
        self,
        rows: Sequence[RegisterRow],
        commune: AdministrativeUnit,
        year: int,
        quarter: int,
        issued_by: str | None,
        number: int | str | None,
        issued_on: date | None,
    ) -> None:
        import docx

        self.rows = rows
        self.commune = commune
        self.year = year
        self.quarter = quarter
        self.issued_by = (issued_by or "").strip()
        self.number = number
        self.issued_on = issued_on or timezone.localdate()
        self.doc = docx.Document()

    # -- building blocks ----------------------------------------------------------------------

    def render(self) -> bytes:
        self._page()
        self._fonts()
        self._header()
        self._heading()
        self._list()
        self._end_mark()
        self._footer()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def _page(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        properties = self.doc.core_properties
        properties.title = _clean(_title(self.year, self.quarter))
        properties.author = properties.last_modified_by = "danchu"
        properties.created = properties.modified = timezone.now()

    def _fonts(self) -> None:
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

    def _para(
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

    def _rule(self, container: Any, width_mm: float, within_mm: float) -> None:
        """A centred solid line ``width_mm`` long (under the body's name, the motto, the title)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt

        paragraph = self._para(container, size=2)
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

    def _table(self, rows: int, widths: Sequence[float], *, borders: bool) -> Any:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Mm

        table = self.doc.add_table(rows=rows, cols=len(widths))
        if borders:
            table.style = self.doc.styles["Table Grid"]
        else:
            _no_borders(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
        return table

    # -- the parts of the document ------------------------------------------------------------

    def _header(self) -> None:
        """Mẫu 1.x header: issuing body + number on the left; national title, motto, place and
        date on the right (number and date on the same line)."""
        table = self._table(2, (HEAD_LEFT_MM, HEAD_RIGHT_MM), borders=False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        self._para(left, _("PEOPLE'S COMMITTEE"), size=13, bold=True, first=True)
        self._para(left, self.commune.name.upper(), size=13, bold=True)
        self._rule(left, HEAD_LEFT_MM / 3, HEAD_LEFT_MM)
        self._para(right, _("SOCIALIST REPUBLIC OF VIET NAM"), size=12, bold=True, first=True)
        self._para(right, _("Independence - Freedom - Happiness"), size=13, bold=True)
        self._rule(right, 56, HEAD_RIGHT_MM)  # as long as the motto
        self._para(table.cell(1, 0), self._number_line(), size=13, first=True)
        place = _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
            "place": short_name(self.commune),
            "day": f"{self.issued_on.day:02d}",
            "month": f"{self.issued_on.month:02d}",
            "year": self.issued_on.year,
        }
        self._para(table.cell(1, 1), place, size=13, italic=True, first=True)

    def _number_line(self) -> str:
        number = self.number
        if number is None or str(number).strip() == "":
            shown = " " * 5  # left blank for the clerk: numbered after signature
        elif isinstance(number, int) or str(number).strip().isdigit():
            shown = f"{int(number):02d}"  # NĐ 30/2020 Annex I: numbers below 10 get a 0
        else:
            shown = str(number).strip()
        return _("No.: %(number)s/DM-UBND") % {"number": shown}

    def _heading(self) -> None:
        from docx.shared import Pt

        spacer = self._para(self.doc)
        spacer.paragraph_format.space_before = Pt(12)
        self._para(self.doc, _("REGISTER"), size=14, bold=True)
        self._para(self.doc, _title(self.year, self.quarter), size=14, bold=True)
        self._rule(self.doc, TEXT_WIDTH_MM / 4, TEXT_WIDTH_MM)
        note = _("(Law on Implementing Grassroots Democracy, Art. 13(2))")
        self._para(self.doc, note, size=13, italic=True)
        self._para(self.doc)

    def _list(self) -> None:
        villages = _village_names(self.rows)
        table = self._table(1 + max(1, len(self.rows)), LIST_COLUMNS_MM, borders=True)
        heads = (_("No."), _("Content publicised"), _("Art. 11 clause"),
                 _("Form of publicity"), _("Period of publicity"))  # fmt: skip
        for cell, head in zip(table.rows[0].cells, heads, strict=True):
            self._para(cell, head, size=12, bold=True, first=True)
        _repeat_header(table.rows[0])
        if not self.rows:
            merged = table.cell(1, 0).merge(table.cell(1, len(LIST_COLUMNS_MM) - 1))
            self._para(
                merged, _("Nothing was publicised in this quarter."), size=12, italic=True,
                first=True,
            )  # fmt: skip
            return
        for line, row in zip(table.rows[1:], self.rows, strict=True):
            version = row.version
            cells = line.cells
            self._para(cells[0], str(row.number), size=12, first=True)
            self._para(cells[1], version.title, size=12, align="left", first=True)
            source = _("%(document)s, issued on %(date)s") % {
                "document": version.source_document,
                "date": _d(version.source_issued_on),
            }
            self._para(cells[1], source, size=12, italic=True, align="left")
            if version.number > 1:
                changed = _("(changed: version %(number)s)") % {"number": version.number}
                self._para(cells[1], changed, size=12, italic=True, align="left")
            self._para(cells[2], str(version.category), size=12, first=True)
            acts = row.records or []
            for index, record in enumerate(acts):
                self._para(cells[3], _form(record, villages), size=12, align="left",
                           first=index == 0)  # fmt: skip
                self._para(cells[4], _period(record), size=12, first=index == 0)

    def _end_mark(self) -> None:
        self._para(self.doc, "./.", size=13, align="left")
        self._para(self.doc)

    def _footer(self) -> None:
        table = self._table(1, (HEAD_LEFT_MM + 15, HEAD_RIGHT_MM - 15), borders=False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        self._para(left, _("Recipients:"), size=12, bold=True, italic=True, align="left",
                   first=True)  # fmt: skip
        unit = {"unit": (self.commune.unit_type or "xã").lower()}  # xã, phường, đặc khu
        for line in (
            _("- Standing committee of the %(unit)s People's Council;") % unit,
            _("- Standing committee of the %(unit)s Fatherland Front;") % unit,
            _("- Villages and residential groups (to be posted);"),
            _("- Filed: Office."),
        ):
            self._para(left, line, size=11, align="left")
        self._para(right, _("FOR THE PEOPLE'S COMMITTEE"), size=13, bold=True, first=True)
        self._para(right, _("CHAIR"), size=13, bold=True)
        for _blank in range(4):  # room for the signature and the seal
            self._para(right)
        if self.issued_by:
            self._para(right, self.issued_by, size=13, bold=True)


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

    run = paragraph.add_run(_clean(text))
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


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _repeat_header(row: Any) -> None:
    """Repeat the list's heading row at the top of each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


# ---------------------------------------------------------------------------------------------
# XLSX


def quarterly_register_xlsx(
    rows: Sequence[RegisterRow],
    *,
    commune: AdministrativeUnit,
    year: int,
    quarter: int,
    language: str = "vi",
) -> bytes:
    """The register as a spreadsheet: one row per act of publishing, real numbers and dates."""
    if quarter not in ROMAN:
        raise ValueError("quarter must be 1–4")
    with translation.override(language):
        return _xlsx(rows, commune, year, quarter)


_XLSX_WIDTHS = (6, 50, 32, 9, 34, 22, 12, 12, 20)
_DATE_FORMAT = "dd/mm/yyyy"


def _xlsx(
    rows: Sequence[RegisterRow], commune: AdministrativeUnit, year: int, quarter: int
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Publicity register")[:31]
    heads = (_("No."), _("Title"), _("Source document"), _("Art. 11 clause"), _("Channel"),
             _("Village"), _("From"), _("Until"), _("Outcome"))  # fmt: skip
    last_column = get_column_letter(len(heads))

    title = sheet.cell(row=1, column=1)
    _text(title, f"{_title(year, quarter)} - {commune.name}")
    title.font = Font(bold=True, size=14)
    sheet.merge_cells(f"A1:{last_column}1")
    sheet.row_dimensions[1].height = 24

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, head in enumerate(heads, start=1):
        cell = sheet.cell(row=2, column=column)
        _text(cell, head)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = box
    sheet.freeze_panes = "A3"  # the title and the heading stay in view

    villages = _village_names(rows)
    line = 3
    for row in rows:
        outcomes = _outcomes(row)
        version = row.version
        acts: list[PublishingRecord | None] = list(row.records) or [None]
        for record in acts:
            values: list[Any] = [row.number, version.title, version.source_document,
                                 version.category]  # fmt: skip
            if record is None:
                values += ["", "", None, None, ""]
            else:
                outcome = outcomes.get(record.pk)
                values += [
                    str(Channel(record.channel).label),
                    villages.get(record.village_id, "") if record.village_id else "",
                    record.started_on,
                    record.ended_on,
                    outcome_label(outcome) if outcome else _("Additional channel"),
                ]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=line, column=column)
                if isinstance(value, date):
                    cell.value = value
                    cell.number_format = _DATE_FORMAT
                elif isinstance(value, int):
                    cell.value = value
                    cell.number_format = "0"
                elif value is None:
                    cell.number_format = _DATE_FORMAT
                else:
                    _text(cell, value)
                cell.border = box
                cell.alignment = Alignment(vertical="top", wrap_text=column in (2, 3, 5))
            line += 1
    for column, width in enumerate(_XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    if line > 3:
        sheet.auto_filter.ref = f"A2:{last_column}{line - 1}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(cell: Any, value: Any) -> None:
    """A text cell that stays text: a title starting with "=" is not a formula."""
    cell.value = _clean(value)
    cell.data_type = "s"
