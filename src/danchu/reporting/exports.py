"""The dashboards' tables as CSV and XLSX, and the province's open data as CSV and JSON.

CSV is UTF-8 with a byte-order mark so that Excel reads Vietnamese; numbers are plain (no
grouping; a rate as a percentage with a dot, e.g. ``87.5``) so that any program reads them.
A text cell that looks like a formula is neutralised in both formats.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from danchu.core.documents import clean_text
from danchu.reporting.dashboards import OPEN_DATA_FIELDS, Table

__all__ = [
    "CSV_CONTENT_TYPE",
    "JSON_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "open_data_csv",
    "open_data_json",
    "rows_csv",
    "rows_xlsx",
    "table_csv",
    "table_xlsx",
]

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def _safe(value: str) -> str:
    # A cell that starts like a formula must not run in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _values(table: Table) -> list[list[Any]]:
    """The table's rows: the label, then each cell's number (or its text when it has none)."""
    out: list[list[Any]] = []
    for row in table.rows:
        line: list[Any] = [row.label]
        for cell in row.cells:
            if cell.number is not None:
                line.append(cell.number)
            elif cell.text in ("—", ""):
                line.append(None)
            else:
                line.append(cell.text)
        out.append(line)
    return out


def _csv(header: Sequence[str], lines: list[list[Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_safe(h) for h in header])
    for line in lines:
        writer.writerow(["" if v is None else _safe(v) if isinstance(v, str) else v for v in line])
    return out.getvalue().encode("utf-8")


def table_csv(table: Table) -> bytes:
    return _csv([table.row_head, *table.head], _values(table))


def table_xlsx(table: Table) -> bytes:
    """One sheet: the caption as title, a bold header that stays in view, real numbers."""
    rates = {
        column
        for column, indicator in enumerate(table.indicators, start=2)
        if indicator.is_rate and len(table.head) == len(table.indicators)
    }
    return _xlsx(
        table.caption,
        [table.row_head, *table.head],
        _values(table),
        formats=dict.fromkeys(rates, "0.0"),
        frozen="B3",
    )


def rows_csv(header: Sequence[str], lines: list[list[Any]]) -> bytes:
    """Any table as CSV: a header, then lines of text, numbers, dates (ISO) or ``None``."""
    return _csv(header, lines)


def rows_xlsx(
    caption: str,
    header: Sequence[str],
    lines: list[list[Any]],
    formats: dict[int, str] | None = None,
    frozen: str = "A3",
    wide: int = 1,
) -> bytes:
    """Any table as one sheet like the dashboards' (``formats``: a number format per column,
    counted from 1; ``wide``: the column of names); a date is a real date printed ``dd/mm/yyyy``."""
    return _xlsx(caption, header, lines, formats=formats or {}, frozen=frozen, wide=wide)


def _xlsx(
    caption: str,
    header: Sequence[str],
    lines: list[list[Any]],
    *,
    formats: dict[int, str],
    frozen: str,
    wide: int = 1,
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = clean_text(_("Figures"))[:31]
    title = sheet.cell(row=1, column=1)
    _text(title, caption)
    title.font = Font(bold=True, size=13)
    for column, head in enumerate(header, start=1):
        cell = sheet.cell(row=2, column=column)
        _text(cell, head)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = 40 if column == wide else 18
    sheet.freeze_panes = frozen
    for line_no, line in enumerate(lines, start=3):
        for column, value in enumerate(line, start=1):
            cell = sheet.cell(row=line_no, column=column)
            if isinstance(value, str):
                _text(cell, value)
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
            elif value is not None:
                cell.value = value
                decimal = isinstance(value, float)
                cell.number_format = formats.get(column, "0.0" if decimal else "#,##0")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(cell: Any, value: str) -> None:
    """A text cell that stays text: a name starting with "=" is not a formula."""
    cell.value = clean_text(value)
    cell.data_type = "s"


def open_data_csv(rows: list[dict[str, Any]]) -> bytes:
    return _csv(OPEN_DATA_FIELDS, [[row[f] for f in OPEN_DATA_FIELDS] for row in rows])


def open_data_json(meta: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    return json.dumps({**meta, "rows": rows}, ensure_ascii=False, indent=1).encode("utf-8")
