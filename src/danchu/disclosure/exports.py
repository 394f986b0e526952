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
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danchu.core.documents import (
    DOCX_CONTENT_TYPE,
    HEAD_LEFT_MM,
    HEAD_RIGHT_MM,
    TEXT_WIDTH_MM,
    StateDocx,
    clean_text,
    repeat_header,
)
from danchu.disclosure.models import PublishingRecord
from danchu.disclosure.rules import VILLAGE_CHANNELS, Channel, Outcome
from danchu.disclosure.selectors import RegisterRow
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "DOCX_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "outcome_label",
    "quarterly_register_docx",
    "quarterly_register_xlsx",
    "register_filename",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# The list: No., content, clause, form, dates.
LIST_COLUMNS_MM = (11, 62, 17, 40, 35)


def outcome_label(outcome: Outcome | str) -> str:
    return Outcome(outcome).label


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
        return _RegisterDocx(rows, commune, year, quarter, issued_by, number, issued_on).render()


class _RegisterDocx(StateDocx):
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
        super().__init__()
        self.rows = rows
        self.commune = commune
        self.year = year
        self.quarter = quarter
        self.issued_by = (issued_by or "").strip()
        self.number = number
        self.issued_on = issued_on or timezone.localdate()

    def render(self) -> bytes:
        self.page_setup(_title(self.year, self.quarter))
        self._header()
        self._heading()
        self._list()
        self._end_mark()
        self._footer()
        return self.to_bytes()

    # -- the parts of the document ------------------------------------------------------------

    def _header(self) -> None:
        """Mẫu 1.x header: issuing body + number on the left; national title, motto, place and
        date on the right (number and date on the same line)."""
        table = self.table(2, (HEAD_LEFT_MM, HEAD_RIGHT_MM), borders=False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        self.paragraph(left, _("PEOPLE'S COMMITTEE"), size=13, bold=True, first=True)
        self.paragraph(left, self.commune.name.upper(), size=13, bold=True)
        self.rule(left, HEAD_LEFT_MM / 3, HEAD_LEFT_MM)
        self.paragraph(right, _("SOCIALIST REPUBLIC OF VIET NAM"), size=12, bold=True, first=True)
        self.paragraph(right, _("Independence - Freedom - Happiness"), size=13, bold=True)
        self.rule(right, 56, HEAD_RIGHT_MM)  # as long as the motto
        self.paragraph(table.cell(1, 0), self._number_line(), size=13, first=True)
        place = _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
            "place": short_name(self.commune),
            "day": f"{self.issued_on.day:02d}",
            "month": f"{self.issued_on.month:02d}",
            "year": self.issued_on.year,
        }
        self.paragraph(table.cell(1, 1), place, size=13, italic=True, first=True)

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

        spacer = self.paragraph(self.doc)
        spacer.paragraph_format.space_before = Pt(12)
        self.paragraph(self.doc, _("REGISTER"), size=14, bold=True)
        self.paragraph(self.doc, _title(self.year, self.quarter), size=14, bold=True)
        self.rule(self.doc, TEXT_WIDTH_MM / 4, TEXT_WIDTH_MM)
        note = _("(Law on Implementing Grassroots Democracy, Art. 13(2))")
        self.paragraph(self.doc, note, size=13, italic=True)
        self.paragraph(self.doc)

    def _list(self) -> None:
        villages = _village_names(self.rows)
        table = self.table(1 + max(1, len(self.rows)), LIST_COLUMNS_MM, borders=True)
        heads = (_("No."), _("Content publicised"), _("Art. 11 clause"),
                 _("Form of publicity"), _("Period of publicity"))  # fmt: skip
        for cell, head in zip(table.rows[0].cells, heads, strict=True):
            self.paragraph(cell, head, size=12, bold=True, first=True)
        repeat_header(table.rows[0])
        if not self.rows:
            merged = table.cell(1, 0).merge(table.cell(1, len(LIST_COLUMNS_MM) - 1))
            self.paragraph(
                merged, _("Nothing was publicised in this quarter."), size=12, italic=True,
                first=True,
            )  # fmt: skip
            return
        for line, row in zip(table.rows[1:], self.rows, strict=True):
            version = row.version
            cells = line.cells
            self.paragraph(cells[0], str(row.number), size=12, first=True)
            self.paragraph(cells[1], version.title, size=12, align="left", first=True)
            source = _("%(document)s, issued on %(date)s") % {
                "document": version.source_document,
                "date": _d(version.source_issued_on),
            }
            self.paragraph(cells[1], source, size=12, italic=True, align="left")
            if version.number > 1:
                changed = _("(changed: version %(number)s)") % {"number": version.number}
                self.paragraph(cells[1], changed, size=12, italic=True, align="left")
            self.paragraph(cells[2], str(version.category), size=12, first=True)
            acts = row.records or []
            for index, record in enumerate(acts):
                self.paragraph(cells[3], _form(record, villages), size=12, align="left",
                           first=index == 0)  # fmt: skip
                self.paragraph(cells[4], _period(record), size=12, first=index == 0)

    def _end_mark(self) -> None:
        self.paragraph(self.doc, "./.", size=13, align="left")
        self.paragraph(self.doc)

    def _footer(self) -> None:
        table = self.table(1, (HEAD_LEFT_MM + 15, HEAD_RIGHT_MM - 15), borders=False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        self.paragraph(left, _("Recipients:"), size=12, bold=True, italic=True, align="left",
                   first=True)  # fmt: skip
        unit = {"unit": (self.commune.unit_type or "xã").lower()}  # xã, phường, đặc khu
        for line in (
            _("- Standing committee of the %(unit)s People's Council;") % unit,
            _("- Standing committee of the %(unit)s Fatherland Front;") % unit,
            _("- Villages and residential groups (to be posted);"),
            _("- Filed: Office."),
        ):
            self.paragraph(left, line, size=11, align="left")
        self.paragraph(right, _("FOR THE PEOPLE'S COMMITTEE"), size=13, bold=True, first=True)
        self.paragraph(right, _("CHAIR"), size=13, bold=True)
        for _blank in range(4):  # room for the signature and the seal
            self.paragraph(right)
        if self.issued_by:
            self.paragraph(right, self.issued_by, size=13, bold=True)


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
    cell.value = clean_text(value)
    cell.data_type = "s"
