"""Importing a commune's village heads in office before danchu (back-filling), one row per village.

A commune that starts using danchu enters its current heads and their terms from one sheet
instead of village by village (:func:`danchu.decisions.office.term_record_existing` is the
one-village form). The format is in ``docs/import-format.md``; the reading (file type and size,
``.xlsx`` or UTF-8 ``.csv``, the header among the first rows, headers compared without
diacritics, dates) is the household import's (:mod:`danchu.territory.import_file`).

========================  ========================================  ========  ======================
Column (Vietnamese)       Also accepted                             Required  Content
========================  ========================================  ========  ======================
Thôn/Tổ dân phố           Thôn, Tổ dân phố, Mã thôn, Village        yes       name or code of an
                                                                              active village
Họ và tên trưởng thôn     Trưởng thôn, Tổ trưởng, Họ và tên, Name   yes       the head's full name
Hình thức                 Loại, Kind                                yes       Được bầu / Tạm thời
Ngày bắt đầu              Từ ngày, Ngày công nhận, Start            yes       not in the future
Ngày kết thúc dự kiến     Đến ngày, Hết nhiệm kỳ, Planned end       no        default: the term /
                                                                              the interim limit
Quyết định                Số quyết định, Quyết định công nhận       elected   the UBND xã's decision
========================  ========================================  ========  ======================

All or nothing: every row is checked (the same rules as the one-village form: the start not in
the future, an elected term's end within 6 months of its normal end, an interim head at most the
interim limit, the decision's reference for an elected head, a village once in the file and with
no recorded term), and any problem — listed by row and column in Vietnamese — writes nothing.
A valid sheet is written in one transaction: one term per row (each with its audit entry and the
role as the one-village form gives it) and one audit entry for the file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.core.text import fold_vi
from danchu.decisions import office
from danchu.decisions.models import MatterVillage, VillageHeadTerm
from danchu.decisions.rules import MatterType
from danchu.decisions.services import _EARLIEST, NAME_MAX, _today
from danchu.territory.import_file import (
    FileRefused,
    _iter_csv,
    _iter_xlsx,
    _key,
    _parse_date,
    _text,
    check_file_type,
    find_header,
)
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportResult",
    "RowError",
    "heads_import",
    "template_workbook",
]

# A commune has at most a few hundred villages: far below, and refused before it is read.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_LISTED_ERRORS = 500

# canonical field → (the Vietnamese header of the template and the messages, accepted aliases)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "village": (
        "Thôn/Tổ dân phố",
        ("Thôn/Tổ dân phố", "Thôn", "Tổ dân phố", "Thôn/Tổ", "Mã thôn", "Village", "Village code"),
    ),
    "name": (
        "Họ và tên trưởng thôn",
        (
            "Họ và tên trưởng thôn",
            "Trưởng thôn",
            "Tổ trưởng",
            "Trưởng thôn/Tổ trưởng",
            "Họ và tên",
            "Họ tên",
            "Full name",
            "Name",
            "Village head",
        ),
    ),  # fmt: skip
    "kind": ("Hình thức", ("Hình thức", "Loại", "Kind")),
    "started_on": (
        "Ngày bắt đầu",
        ("Ngày bắt đầu", "Từ ngày", "Ngày công nhận", "Ngày nhận nhiệm vụ", "Start", "Started on"),
    ),
    "planned_end_on": (
        "Ngày kết thúc dự kiến",
        ("Ngày kết thúc dự kiến", "Đến ngày", "Hết nhiệm kỳ", "Ngày hết nhiệm kỳ", "Planned end"),
    ),
    "reference": (
        "Quyết định",
        ("Quyết định", "Số quyết định", "Quyết định công nhận", "Căn cứ", "Reference"),
    ),
}
REQUIRED = ("village", "name", "kind", "started_on")
_IGNORED = {_key(h) for h in ("STT", "Số thứ tự", "TT", "No", "Ghi chú", "Note", "Notes")}
_KINDS = {
    **dict.fromkeys(
        ("duoc bau", "bau", "bau cu", "trung cu", "elected"), VillageHeadTerm.Kind.ELECTED
    ),
    **dict.fromkeys(
        ("tam thoi", "tam thoi phu trach", "tam", "lam thoi", "cu tam thoi", "interim"),
        VillageHeadTerm.Kind.INTERIM,
    ),
}


@dataclass(frozen=True)
class RowError:
    row: int  # the sheet's row number; 0 for the file itself
    column: str  # the column's Vietnamese header, "" for the row or the file
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)d, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    created: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, column, str(message)))


@dataclass
class _Row:
    number: int
    village: Village
    kind: str
    name: str
    started_on: date
    planned_end_on: date
    reference: str


# --- the template ------------------------------------------------------------------------------


def template_workbook(commune: AdministrativeUnit) -> bytes:
    """The sheet to fill: the headers, and one row per active village of the commune that has
    no recorded head yet (its name filled in)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Truong thon"
    sheet.append([header for header, _aliases in COLUMNS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    recorded = VillageHeadTerm.objects.filter(commune=commune).values("village_id")
    for name in (
        Village.objects.filter(commune=commune, is_active=True)
        .exclude(pk__in=recorded)
        .order_by("name_folded", "pk")
        .values_list("name", flat=True)
    ):
        sheet.append([name])
    for column, width in zip("ABCDEF", (28, 30, 14, 16, 22, 44), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading -----------------------------------------------------------------------------------


def _read(source: Any, file_name: str, result: ImportResult) -> list[tuple[int, dict[str, Any]]]:
    """The file's data rows as (row number, {field: cell}); problems go to ``result``."""
    try:
        kind = check_file_type(source, file_name)
        rows, _total, close = (_iter_xlsx if kind == "xlsx" else _iter_csv)(source)
    except FileRefused as refused:
        result.add(0, refused.column, refused.message)
        return []
    out: list[tuple[int, dict[str, Any]]] = []
    try:
        header_row, mapping, _found = find_header(
            rows, columns=COLUMNS, required=REQUIRED, ignored=_IGNORED, report=result.add
        )
        if not result.ok:
            return []
        for number, row in enumerate(rows, start=header_row + 1):
            values = {name: row[i] for i, name in enumerate(mapping) if name and i < len(row)}
            if all(_text(v) == "" for v in values.values()):
                continue
            if len(out) >= MAX_ROWS:
                result.add(0, "", _("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
                return []
            out.append((number, values))
        if not out:
            result.add(header_row, "", _("The file has no data rows."))
    except FileRefused as refused:
        result.add(0, refused.column, refused.message)
    except UnicodeDecodeError:
        result.add(0, "", _("The CSV file is not UTF-8 text; save it as “CSV UTF-8”."))
    finally:
        close()
    return out


# --- checking ----------------------------------------------------------------------------------


@dataclass
class _Context:
    villages: dict[str, Village]  # folded name and folded code → active village
    recorded: set[int]  # villages with a recorded term
    dismissed: dict[int, date]  # village → its last recognised dismissal
    today: date
    seen: dict[int, int] = field(default_factory=dict)  # village → first row


def _context(commune: AdministrativeUnit) -> _Context:
    """The commune's villages, locked: the rows are checked and written under the lock, so a
    term recorded meanwhile cannot make a village's history start twice."""
    villages: dict[str, Village] = {}
    for village in Village.objects.select_for_update().filter(commune=commune, is_active=True):
        villages[fold_vi(village.code)] = village
        villages[village.name_folded] = village
    recorded = set(
        VillageHeadTerm.objects.filter(commune=commune).values_list("village_id", flat=True)
    )
    dismissed = dict(
        MatterVillage.objects.filter(
            commune=commune,
            matter__matter_type=MatterType.VILLAGE_HEAD,
            matter__dismissal_petition__isnull=False,
            adopted=True,
            recognition=MatterVillage.Recognition.RECOGNISED,
            recognition_on__isnull=False,
        )
        .values("village_id")
        .annotate(last=Max("recognition_on"))
        .values_list("village_id", "last")
    )
    return _Context(villages, recorded, dismissed, _today())


def _day(result: ImportResult, number: int, column: str, value: Any) -> date | None:
    parsed = _parse_date(value)
    if isinstance(parsed, str):
        result.add(number, column, parsed)
        return None
    if parsed is not None and parsed < _EARLIEST:
        result.add(number, column, _("Enter a valid date."))
        return None
    return parsed


def _check_row(
    number: int, values: dict[str, Any], ctx: _Context, result: ImportResult
) -> _Row | None:
    col = {name: header for name, (header, _aliases) in COLUMNS.items()}
    before = result.error_count
    village_text = _text(values.get("village"))
    village = ctx.villages.get(fold_vi(village_text)) if village_text else None
    if not village_text:
        result.add(number, col["village"], _("This cell is required."))
    elif village is None:
        result.add(
            number,
            col["village"],
            _("No active village “%(village)s” in this commune.") % {"village": village_text[:60]},
        )
    elif village.pk in ctx.seen:
        result.add(
            number,
            col["village"],
            _("This village is already on row %(row)s.") % {"row": ctx.seen[village.pk]},
        )
    else:
        ctx.seen[village.pk] = number
        if village.pk in ctx.recorded:
            result.add(
                number,
                col["village"],
                _(
                    "This village already has a recorded village head: a head in office before "
                    "danchu is entered only to start the history."
                ),
            )
    name = _text(values.get("name"))
    if not name:
        result.add(number, col["name"], _("This cell is required."))
    elif len(name) > NAME_MAX:
        result.add(number, col["name"], _("At most %(limit)s characters.") % {"limit": NAME_MAX})
    kind_text = fold_vi(_text(values.get("kind")))
    kind = _KINDS.get(kind_text)
    if kind is None:
        result.add(number, col["kind"], _("Write “Được bầu” or “Tạm thời”."))
    start = None
    if _text(values.get("started_on")) == "":
        result.add(number, col["started_on"], _("This cell is required."))
    else:
        start = _day(result, number, col["started_on"], values.get("started_on"))
    if start is not None and start > ctx.today:
        result.add(number, col["started_on"], _("This date is in the future."))
        start = None
    end = _day(result, number, col["planned_end_on"], values.get("planned_end_on"))
    reference = _text(values.get("reference"))
    if kind == VillageHeadTerm.Kind.ELECTED and not reference:
        result.add(
            number,
            col["reference"],
            _("Enter the commune's decision recognising the elected head (Decree 59/2023 Art. 8)."),
        )
    elif len(reference) > office.REFERENCE_MAX:
        result.add(
            number,
            col["reference"],
            _("At most %(limit)s characters.") % {"limit": office.REFERENCE_MAX},
        )
    if village is not None and start is not None:
        dismissed = ctx.dismissed.get(village.pk)
        if dismissed is not None and dismissed >= start:
            result.add(
                number,
                col["started_on"],
                _(
                    "A dismissal was recognised on %(day)s: a head in office before it was "
                    "dismissed. Enter the interim head appointed after it, from that day on."
                )
                % {"day": f"{dismissed:%d/%m/%Y}"},
            )
    if kind is not None and start is not None:
        end = end if end is not None else office.existing_end(kind, start)
        if end <= start:
            result.add(number, col["planned_end_on"], _("The end must come after the first day."))
        elif (refusal := office.existing_refusal(kind, start, end)) is not None:
            result.add(number, col["planned_end_on"], str(refusal))
    if result.error_count != before:
        return None
    assert village is not None
    assert kind is not None
    assert start is not None
    assert end is not None
    return _Row(number, village, kind, name, start, end, reference)


# --- the service -------------------------------------------------------------------------------


def heads_import(
    *, actor: Any, commune: AdministrativeUnit, content: bytes, file_name: str
) -> ImportResult:
    """Check every row, then write all the terms or none (the commune chair: the UBND xã's
    decision, as for the one-village form). ``content`` is the file's bytes (read up to
    ``MAX_BYTES + 1``: a larger file is refused unread)."""
    require(actor, Action.MATTER_COMMUNE_WIDE, commune)
    result = ImportResult()
    if len(content) > MAX_BYTES:
        result.add(0, "", _("The file is larger than 2 MB."))
        return result
    rows = _read(io.BytesIO(content), file_name, result)
    if not result.ok:
        return result
    digest = hashlib.sha256(content).hexdigest()
    return _write(actor, commune, rows, result, file_name[:200], digest)


@transaction.atomic
def _write(
    actor: Any,
    commune: AdministrativeUnit,
    rows: list[tuple[int, dict[str, Any]]],
    result: ImportResult,
    file_name: str,
    digest: str,
) -> ImportResult:
    ctx = _context(commune)
    checked = [r for number, values in rows if (r := _check_row(number, values, ctx, result))]
    if not result.ok:
        return result  # nothing written
    for row in checked:
        office._existing_start(
            actor,
            VillageHeadTerm(
                commune_id=commune.pk,
                village=row.village,
                kind=row.kind,
                name=row.name,
                reference=row.reference,
                started_on=row.started_on,
                planned_end_on=row.planned_end_on,
            ),  # fmt: skip
            ctx.today,
        )
    result.created = len(checked)
    audit.record(
        actor=actor, action="decisions.office.import", obj=commune, commune_id=commune.pk,
        after={"file": file_name, "sha256": digest, "terms": result.created},
    )  # fmt: skip
    return result
