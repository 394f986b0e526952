"""Historical figures (số liệu báo cáo): what communes — and the former communes, before danchu
existed — reported upwards in their Excel sheets, entered so that a five-year review spans them.

An import is all-or-nothing: every row is checked first and any error (with its row number and
column, in Vietnamese) refuses the whole file. The rules:

- the unit is looked up in the former list (before 1 July 2025) when the period ends before
  1 July 2025, and in the 2025 list when it starts on or after that day; a period that straddles
  1 July 2025 is refused — the units changed that day (Resolution 202/2025/QH15, legal-spec §4);
- the indicator must be an additive indicator of the catalogue (rates are computed, not entered);
- the value is a whole number ≥ 0 (money in VND, land in m²);
- the period is over (no figures for days to come);
- the importer must be allowed to write reviews for the 2025 commune where the unit's figures
  count (a former unit: its successor);
- a figure for the same unit, indicator and period replaces the one entered before (a corrected
  sheet); one for an overlapping but different period is refused (it would count twice).

Figures count in an asked period only when their whole period lies inside it (``selectors``).
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, can
from danchu.core import audit
from danchu.reporting import catalogue, rollups
from danchu.reporting.models import ReportedFigure
from danchu.territory.models import REORGANISATION_DATE, AdministrativeUnit

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "ImportResult",
    "RowError",
    "reported_figures_delete_batch",
    "reported_figures_import",
    "template_workbook",
]

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# (key, header): the header is what the template shows and what the import looks for.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("unit", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("code", "Mã chỉ tiêu"),
    ("first", "Từ ngày"),
    ("last", "Đến ngày"),
    ("value", "Giá trị"),
    ("note", "Ghi chú"),
)
_HEADERS = {header.casefold(): key for key, header in COLUMNS}


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the sheet (1 = the header)
    field: str  # the column key (COLUMNS), "" for the file itself
    message: str

    def __str__(self) -> str:
        header = dict(COLUMNS).get(self.field, "")
        if self.row and header:
            return _("Row %(row)d, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": header,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    replaced: int = 0
    batch: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    unit: AdministrativeUnit
    code: str
    first: date
    last: date
    value: int
    note: str


# --- the template ------------------------------------------------------------------------


def template_workbook() -> bytes:
    """An empty sheet with the headers, an example row and the list of indicators."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "So lieu"
    sheet.append([header for _key, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["18406", "Xã Can Lộc", "contributions.money_received_vnd", "01/07/2025",
                  "31/12/2025", 1250000000, "Ví dụ — xóa dòng này"])  # fmt: skip
    for column, width in zip("ABCDEFG", (12, 28, 40, 12, 12, 18, 30), strict=True):
        sheet.column_dimensions[column].width = width
    codes = book.create_sheet("Chi tieu")
    codes.append([_("Indicator code"), _("Indicator"), _("Unit of measure")])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    stored = set(catalogue.stored_codes())
    for indicator in catalogue.indicators():
        if indicator.code in stored:
            codes.append([indicator.code, str(indicator.name), indicator.measure])
    codes.column_dimensions["A"].width = 40
    codes.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading a sheet ---------------------------------------------------------------------


def _read_rows(content: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    from openpyxl import load_workbook

    if len(content) > MAX_BYTES:
        return [], [RowError(0, "", _("The file is larger than 5 MB."))]
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return [], [RowError(0, "", _("The file is not an Excel workbook (.xlsx)."))]
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        keys = [_HEADERS.get(str(h or "").strip().casefold()) for h in header]
        missing = [h for k, h in COLUMNS if k not in {"unit_name", "note"} and k not in keys]
        if missing:
            return [], [
                RowError(
                    1,
                    "",
                    _("The header row lacks the columns: %(columns)s.")
                    % {"columns": ", ".join(missing)},
                )
            ]
        out: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(out) >= MAX_ROWS:
                return [], [
                    RowError(0, "", _("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
                ]
            out.append((number, {k: v for k, v in zip(keys, values, strict=False) if k}))
        return out, []
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar day)
        except ValueError:
            continue
    return None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    # Vietnamese sheets group thousands with dots or spaces: "1.250.000.000".
    text = _text(value).replace(".", "").replace(" ", "").replace("\u00a0", "")
    if text.isdigit():
        return int(text)
    return None


# --- checking ----------------------------------------------------------------------------


class _Units:
    """Units by (era, code), looked up once per code."""

    def __init__(self, codes: set[str]) -> None:
        self.by_key: dict[tuple[str, str], AdministrativeUnit] = {
            (u.era, u.code): u
            for u in AdministrativeUnit.objects.filter(
                code__in=codes, level=AdministrativeUnit.Level.COMMUNE
            )
        }


def _check_row(
    number: int,
    raw: dict[str, Any],
    units: _Units,
    stored: set[str],
    today: date,
    errors: list[RowError],
) -> _Row | None:
    before = len(errors)
    code = _text(raw.get("code"))
    if not code:
        errors.append(RowError(number, "code", _("Enter the indicator code.")))
    elif code not in stored:
        errors.append(
            RowError(number, "code", _("“%(code)s” is not an indicator that can be entered.")
                     % {"code": code[:80]})
        )  # fmt: skip
    first, last = _date(raw.get("first")), _date(raw.get("last"))
    if first is None:
        errors.append(RowError(number, "first", _("Enter a date such as 01/01/2024.")))
    if last is None:
        errors.append(RowError(number, "last", _("Enter a date such as 31/12/2024.")))
    if first is not None and last is not None:
        if last < first:
            errors.append(RowError(number, "last", _("The last day is before the first day.")))
        elif last >= today:
            errors.append(RowError(number, "last", _("The period is not over yet.")))
        elif first < REORGANISATION_DATE <= last:
            # Resolution 202/2025/QH15: the units changed on 1 July 2025.
            errors.append(
                RowError(number, "last", _("Split the figure at 30/06/2025: the units changed on "
                                           "1 July 2025."))
            )  # fmt: skip
    value = _integer(raw.get("value"))
    if value is None or value < 0:
        errors.append(
            RowError(number, "value", _("Enter a whole number, zero or more (no decimals)."))
        )
    unit_code = _text(raw.get("unit"))
    unit = None
    if not unit_code:
        errors.append(RowError(number, "unit", _("Enter the unit's code.")))
    elif last is not None:
        era = (
            AdministrativeUnit.Era.FORMER
            if last < REORGANISATION_DATE
            else AdministrativeUnit.Era.CURRENT
        )
        unit = units.by_key.get((era, unit_code))
        if unit is None:
            message = (
                _("No commune with code %(code)s in the list of units before 1 July 2025.")
                if era == AdministrativeUnit.Era.FORMER
                else _("No commune with code %(code)s in the list of units since 1 July 2025.")
            )
            errors.append(RowError(number, "unit", message % {"code": unit_code[:10]}))
    if len(errors) > before:
        return None
    assert unit is not None
    assert first is not None
    assert last is not None
    assert value is not None
    return _Row(number, unit, code, first, last, value, _text(raw.get("note"))[:500])


def _check_rights(
    actor: Any, rows: list[_Row], placed: dict[int, rollups.Placement], errors: list[RowError]
) -> None:
    allowed: dict[int, bool] = {}
    communes = {
        u.pk: u
        for u in AdministrativeUnit.objects.filter(pk__in={p.commune_id for p in placed.values()})
    }
    for row in rows:
        target = communes[placed[row.unit.pk].commune_id]
        if target.pk not in allowed:
            allowed[target.pk] = target.is_current and can(actor, Action.REVIEW_WRITE, target)
        if not allowed[target.pk]:
            errors.append(
                RowError(row.number, "unit",
                         _("You may not enter figures for %(unit)s.") % {"unit": row.unit.name})
            )  # fmt: skip


def _check_overlaps(rows: list[_Row], errors: list[RowError]) -> None:
    """No two figures of one unit and indicator whose periods overlap (same period: replaced)."""
    seen: dict[tuple[int, str], list[_Row]] = {}
    for row in rows:
        for other in seen.setdefault((row.unit.pk, row.code), []):
            if row.first <= other.last and other.first <= row.last:
                errors.append(
                    RowError(row.number, "first", _("Overlaps row %(row)d (same unit and "
                                                    "indicator).") % {"row": other.number})
                )  # fmt: skip
        seen[(row.unit.pk, row.code)].append(row)
    if not rows:
        return
    overlap = Q()
    for row in rows:
        overlap |= Q(unit_id=row.unit.pk, code=row.code, first__lte=row.last, last__gte=row.first)
    existing = ReportedFigure.objects.filter(overlap).values_list(
        "unit_id", "code", "first", "last"
    )
    by_key: dict[tuple[int, str], list[tuple[date, date]]] = {}
    for unit_id, code, first, last in existing:
        by_key.setdefault((unit_id, code), []).append((first, last))
    for row in rows:
        for first, last in by_key.get((row.unit.pk, row.code), []):
            if (first, last) != (row.first, row.last) and row.first <= last and first <= row.last:
                errors.append(
                    RowError(row.number, "first",
                             _("Overlaps a figure entered before for %(first)s–%(last)s.")
                             % {"first": first.strftime("%d/%m/%Y"),
                                "last": last.strftime("%d/%m/%Y")})
                )  # fmt: skip


# --- services ----------------------------------------------------------------------------


def reported_figures_import(
    *, actor: Any, content: bytes, file_name: str = "", note: str = ""
) -> ImportResult:
    """Check every row of the sheet, then write all of them or none (one audit entry)."""
    parsed, errors = _read_rows(content)
    if errors:
        return ImportResult(errors=errors)
    if not parsed:
        return ImportResult(errors=[RowError(0, "", _("The file has no figures."))])
    units = _Units({_text(raw.get("unit")) for _n, raw in parsed})
    stored = set(catalogue.stored_codes())
    today = timezone.localdate()
    rows = [r for n, raw in parsed if (r := _check_row(n, raw, units, stored, today, errors))]
    if errors:
        return ImportResult(errors=errors)
    placed = rollups.placements({r.unit.pk for r in rows})
    _check_rights(actor, rows, placed, errors)
    _check_overlaps(rows, errors)
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda e: e.row))
    return _write(actor, rows, placed, file_name[:200], note[:500])


@transaction.atomic
def _write(
    actor: Any, rows: list[_Row], placed: dict[int, rollups.Placement], file_name: str, note: str
) -> ImportResult:
    batch = uuid.uuid4().hex
    result = ImportResult(batch=batch)
    for row in rows:
        p = placed[row.unit.pk]
        _obj, created = ReportedFigure.objects.update_or_create(
            unit=row.unit,
            code=row.code,
            first=row.first,
            last=row.last,
            defaults={
                "value": row.value,
                "note": row.note or note,
                "source_file": file_name,
                "batch": batch,
                "entered_by": actor if getattr(actor, "is_authenticated", False) else None,
                "commune_id": p.commune_id,
                "province_id": p.province_id,
            },
        )
        if created:
            result.created += 1
        else:
            result.replaced += 1
    communes = sorted({placed[r.unit.pk].commune_id for r in rows})
    audit.record(
        actor=actor,
        action="reporting.reported_figures.import",
        object_type="reporting.reportedfigure",
        object_id=batch,
        commune_id=communes[0] if len(communes) == 1 else None,
        after={
            "file": file_name,
            "created": result.created,
            "replaced": result.replaced,
            "communes": communes,
            "units": sorted({r.unit.code for r in rows}),
        },
    )
    return result


@transaction.atomic
def reported_figures_delete_batch(*, actor: Any, batch: str) -> int:
    """Remove the figures of one import (a sheet entered by mistake)."""
    figures = ReportedFigure.objects.filter(batch=batch)
    communes = sorted(set(figures.values_list("commune_id", flat=True)))
    for commune_id in communes:
        target = AdministrativeUnit.objects.get(pk=commune_id)
        if not can(actor, Action.REVIEW_WRITE, target):
            from danchu.core.errors import PermissionDenied

            raise PermissionDenied(_("You are not allowed to do this."), code="forbidden")
    removed, _detail = figures.delete()
    audit.record(
        actor=actor,
        action="reporting.reported_figures.delete",
        object_type="reporting.reportedfigure",
        object_id=batch,
        commune_id=communes[0] if len(communes) == 1 else None,
        before={"figures": removed, "communes": communes},
    )
    return removed
