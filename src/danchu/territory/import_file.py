"""Reading and validating the household file (danh sách hộ gia đình, nhân khẩu).

The file format (also in docs/import-format.md)
===============================================

One **row per resident**; the rows of one household share its household code. Accepted files:
``.xlsx`` (Excel 2007+, first worksheet) and ``.csv`` (UTF-8, with or without BOM, ``,`` or
``;`` delimiter, sniffed from the header line). ``.xls`` (Excel 97-2003), ``.pdf`` and files
whose content does not match their extension are refused. A file larger than
``settings.IMPORT_MAX_BYTES`` is refused before it is opened.

The header row is the first row among the first 10 that names at least three known columns
(title lines above it are skipped). Headers are compared folded (no diacritics, case, spaces or
punctuation), so "HỌ VÀ TÊN", "Ho va ten" and "ho_va_ten" are the same column; English names are
accepted too.

======================  ==================================  ========  =========================
Column (Vietnamese)     Also accepted                       Required  Content
======================  ==================================  ========  =========================
Mã hộ                   Mã hộ gia đình, Household code      yes       the commune's household code
Thôn/Tổ dân phố         Thôn, Tổ dân phố, Village           yes       village name or code (an
                                                                      active village of this
                                                                      commune)
Địa chỉ                 Address                             no        the household's address
Họ và tên               Họ tên, Full name                   yes       the resident's full name
Ngày sinh               Date of birth                       no        dd/mm/yyyy, d/m/yyyy,
                                                                      dd-mm-yyyy, dd.mm.yyyy,
                                                                      yyyy-mm-dd or a date cell
Giới tính               Sex, Gender                         no        Nam / Nữ (M / F)
Số CCCD                 CCCD, Số định danh, Citizen ID      no        12 digits (see below)
Số điện thoại           SĐT, Điện thoại, Phone              no        Vietnamese phone number
Chủ hộ/Đại diện         Chủ hộ, Đại diện, Representative    yes       x / có / 1 marks the
                                                                      household representative
======================  ==================================  ========  =========================

"STT" (row number) and "Ghi chú" (notes) are ignored; any other column is refused so that a
misspelt header is not silently dropped.

Decisions:

- **Year-only dates of birth ("1965") are refused**: the register keeps a full date, and
  storing 1 January would invent one. Leave the cell empty when the full date is unknown.
- **CCCD and phone** are normalised and checked by :mod:`danchu.core.vn`, as everywhere else
  (fullwidth digits become ASCII; any other non-ASCII digit is refused).
- **CCCD** (Circular 59/2021/TT-BCA Art. 7): 3 digits of the province of birth registration
  (001–096), 1 digit for sex and century (0/1 = male/female born 1900–1999, 2/3 = 2000–2099,
  4/5 = 2100–2199, …), 2 digits of the birth year, 6 random digits. When the date of birth is
  given the century and year digits must match it; when the sex is given the sex digit must
  match it. A number cell that lost its leading zeros in Excel is padded back to 12 digits
  (every province code starts with 0, so this is lossless).
- **Phone**: spaces, dots, dashes and brackets are dropped, ``+84``/``84`` becomes ``0``; then a
  mobile number (10 digits, ``03``/``05``/``07``/``08``/``09``) or a landline (11 digits, ``02``).
- Every household has exactly one representative (Law 10/2022 Art. 18(2)); all its rows agree
  on village and address (empty cells on later rows are allowed).
- A citizen ID may appear once in the file, and not on a resident of *another* household of the
  commune already registered.

Every problem is reported as ``{row, column, message}`` (row = the spreadsheet's row number);
the first ``MAX_LISTED_ERRORS`` are listed and the rest counted.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.core.crypto import blind_index
from danchu.core.text import fold_vi, normalize_spaces
from danchu.core.vn import citizen_id_problem, normalise_citizen_id, normalise_phone
from danchu.territory.models import AdministrativeUnit, Resident, Village

__all__ = [
    "COLUMNS",
    "MAX_LISTED_ERRORS",
    "FileRefused",
    "HouseholdRow",
    "ParseResult",
    "ResidentRow",
    "check_file_type",
    "citizen_id_from_cell",
    "parse_household_file",
    "phone_from_cell",
    "sha256_of",
]

MAX_LISTED_ERRORS = 1000
# A guard against decompression bombs and runaway sheets; far above any commune.
MAX_ROWS = 2_000_000
PROGRESS_EVERY = 2000

Progress = Callable[[int, int], None]


def _key(text: str) -> str:
    """A header compared without diacritics, case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", fold_vi(text))


# canonical field → (Vietnamese header shown in messages, accepted aliases)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": ("Mã hộ", ("Mã hộ", "Mã hộ gia đình", "Mã HGĐ", "Household code", "Household")),
    "village": (
        "Thôn/Tổ dân phố",
        (
            "Thôn/Tổ dân phố",
            "Thôn",
            "Tổ dân phố",
            "Thôn/Tổ",
            "Thôn, tổ dân phố",
            "Village",
            "Village code",
        ),
    ),  # fmt: skip
    "address": ("Địa chỉ", ("Địa chỉ", "Address")),
    "full_name": ("Họ và tên", ("Họ và tên", "Họ tên", "Full name", "Name")),
    "date_of_birth": (
        "Ngày sinh",
        ("Ngày sinh", "Ngày tháng năm sinh", "Date of birth", "Birth date", "DOB"),
    ),
    "sex": ("Giới tính", ("Giới tính", "Sex", "Gender")),
    "citizen_id": (
        "Số CCCD",
        (
            "Số CCCD",
            "CCCD",
            "Số định danh",
            "Số định danh cá nhân",
            "Số căn cước",
            "Căn cước công dân",
            "Citizen ID",
        ),
    ),  # fmt: skip
    "phone": ("Số điện thoại", ("Số điện thoại", "Điện thoại", "SĐT", "Phone", "Phone number")),
    "representative": (
        "Chủ hộ/Đại diện",
        (
            "Chủ hộ/Đại diện",
            "Chủ hộ",
            "Đại diện",
            "Đại diện hộ",
            "Representative",
            "Household representative",
        ),
    ),  # fmt: skip
}
REQUIRED = ("code", "village", "full_name", "representative")
IGNORED = {_key(h) for h in ("STT", "Số thứ tự", "TT", "No", "Ghi chú", "Note", "Notes")}

_YES = {"x", "co", "1", "yes", "y", "true", "chu ho", "dai dien"}
_NO = {"", "0", "khong", "no", "n", "false"}
_SEX = {"nam": "M", "m": "M", "male": "M", "nu": "F", "f": "F", "female": "F"}
# dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd (regexes: strptime is 10× slower).
_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class FileRefused(Exception):
    """The file cannot be read at all (type, size, encoding); one message, no rows."""

    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(slots=True)
class ResidentRow:
    """One valid resident row, normalised."""

    row: int
    full_name: str
    name_folded: str
    date_of_birth: date | None
    sex: str
    citizen_id: str
    citizen_id_index: str
    phone: str
    phone_index: str
    is_representative: bool


@dataclass(slots=True)
class HouseholdRow:
    """One household of the file with its residents, in file order."""

    code: str
    row: int
    village_id: int
    address: str
    residents: list[ResidentRow] = field(default_factory=list)

    @property
    def representative(self) -> ResidentRow | None:
        reps = [r for r in self.residents if r.is_representative]
        return reps[0] if len(reps) == 1 else None


@dataclass
class ParseResult:
    """What the file holds: households (by code, in file order) and every problem found."""

    households: dict[str, HouseholdRow] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    rows: int = 0
    residents: int = 0
    # The optional columns present in the file: an absent column leaves stored values alone.
    columns: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def unlisted_errors(self) -> int:
        return self.error_count - len(self.errors)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})


# ---------------------------------------------------------------------------------------------
# File type and size


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _size_of(source: Any) -> int:
    if isinstance(source, str | Path):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if size is not None:
        return int(size)
    position = source.tell()
    source.seek(0, os.SEEK_END)
    end = source.tell()
    source.seek(position)
    return int(end)


def _head(source: Any, n: int = 8192) -> bytes:
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return handle.read(n)
    position = source.tell()
    data = source.read(n)
    source.seek(position)
    return data if isinstance(data, bytes) else data.encode()


def check_file_type(source: Any, file_name: str) -> str:
    """Return "xlsx" or "csv", or raise :class:`FileRefused`: by size, extension and content.

    The size is checked first, from the file system or the upload's ``size``, so a 50 MB file
    is refused without being read.
    """
    limit = settings.IMPORT_MAX_BYTES
    try:
        size = _size_of(source)
    except OSError as exc:
        raise FileRefused(_("The file cannot be read.")) from exc
    if size > limit:
        raise FileRefused(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": round(limit / 1048576, 1)}
        )
    if size == 0:
        raise FileRefused(_("The file is empty."))
    extension = Path(file_name or "").suffix.lower()
    head = _head(source)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _("This is an old Excel 97-2003 (.xls) file; save it as .xlsx or .csv and try again.")
        )
    if head.startswith(b"%PDF"):
        raise FileRefused(_("A PDF file cannot be imported; use an .xlsx or .csv file."))
    if extension == ".xlsx":
        if not head.startswith(b"PK\x03\x04") or not _is_xlsx(source):
            raise FileRefused(_("The file is named .xlsx but is not an Excel workbook."))
        return "xlsx"
    if extension == ".csv":
        if head.startswith(b"PK\x03\x04") or b"\x00" in head:
            raise FileRefused(_("The file is named .csv but is not a text file."))
        return "csv"
    raise FileRefused(
        _("Unsupported file type “%(ext)s”; use an .xlsx or .csv file.")
        % {"ext": extension or file_name}
    )


def _is_xlsx(source: Any) -> bool:
    try:
        if isinstance(source, str | Path):
            with zipfile.ZipFile(source) as archive:
                names = set(archive.namelist())
        else:
            position = source.tell()
            with zipfile.ZipFile(source) as archive:
                names = set(archive.namelist())
            source.seek(position)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


# ---------------------------------------------------------------------------------------------
# Reading rows (streaming)


def _open_binary(source: Any) -> tuple[IO[bytes], bool]:
    if isinstance(source, str | Path):
        return open(source, "rb"), True  # noqa: SIM115 - closed by the caller
    source.seek(0)
    return source, False


def _iter_xlsx(source: Any) -> tuple[Iterator[tuple[Any, ...]], int | None, Callable[[], None]]:
    import openpyxl

    handle, owned = _open_binary(source)
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        if owned:
            handle.close()
        raise FileRefused(_("The Excel workbook cannot be read; it may be damaged.")) from exc
    sheet = workbook.worksheets[0]
    # Not sheet.max_row: without a <dimension> element openpyxl parses the whole sheet for it.
    total = _declared_rows(handle)

    def close() -> None:
        workbook.close()
        if owned:
            handle.close()

    return sheet.iter_rows(values_only=True), total, close


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension ref=\"[A-Z]+\d+:[A-Z]+(\d+)\"")


def _declared_rows(handle: IO[bytes]) -> int | None:
    """The row count the first sheet declares in its first bytes, if it does (for progress)."""
    try:
        position = handle.tell()
        with zipfile.ZipFile(handle) as archive:
            sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
            with archive.open(sheets[0]) as sheet:
                match = _DIMENSION.search(sheet.read(4096))
        handle.seek(position)
    except (zipfile.BadZipFile, OSError, IndexError, ValueError):
        return None
    return int(match.group(1)) if match else None


def _iter_csv(source: Any) -> tuple[Iterator[list[str]], int | None, Callable[[], None]]:
    handle, owned = _open_binary(source)
    total = _count_lines(handle)
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as exc:
        text.detach()
        if owned:
            handle.close()
        raise FileRefused(_("The CSV file is not UTF-8 text; save it as “CSV UTF-8”.")) from exc
    delimiter = max((";", ",", "\t"), key=first.count)
    text.seek(0)
    # TextIOWrapper.seek(0) does not re-skip the BOM for utf-8-sig; strip it from the header.
    reader = csv.reader(_strip_bom(text), delimiter=delimiter)

    def close() -> None:
        text.detach()
        if owned:
            handle.close()

    return reader, total, close


def _strip_bom(lines: Iterator[str]) -> Iterator[str]:
    first = True
    for line in lines:
        if first:
            line = line.removeprefix(codecs.BOM_UTF8.decode())
            first = False
        yield line


def _count_lines(handle: IO[bytes]) -> int:
    count = 0
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        count += chunk.count(b"\n")
    return count


# ---------------------------------------------------------------------------------------------
# Cell normalisation


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_spaces(str(value))


def citizen_id_from_cell(value: Any) -> str:
    """The CCCD of a cell, normalised by :func:`danchu.core.vn.normalise_citizen_id` (a number
    cell that lost its leading zeros is padded back)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return normalise_citizen_id(value)
    return normalise_citizen_id(_text(value))


def phone_from_cell(value: Any) -> str | None:
    """The phone of a cell (:func:`danchu.core.vn.normalise_phone`): "" when empty, None when
    not a Vietnamese number. A number cell lost its national 0: 9 digits (mobile) or 10
    (landline) get it back; 11–12 digits are the ``84…`` international form."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return None
        digits = str(int(value))
        return normalise_phone("0" + digits if len(digits) in (9, 10) else digits)
    return normalise_phone(_text(value))


def _parse_date(value: Any) -> date | None | str:
    """A date, None for an empty cell, or an error message."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if re.fullmatch(r"\d{4}", text):
        return _("Only the year is given; enter the full date (dd/mm/yyyy) or leave it empty.")
    match = _DMY.fullmatch(text)
    ymd = (match.group(4), match.group(3), match.group(1)) if match else None
    if ymd is None and (match := _YMD.fullmatch(text)):
        ymd = (match.group(1), match.group(2), match.group(3))
    if ymd is not None:
        try:
            return date(int(ymd[0]), int(ymd[1]), int(ymd[2]))
        except ValueError:
            pass
    return _("“%(value)s” is not a date; use dd/mm/yyyy.") % {"value": text[:40]}


def _check_birth_date(born: date) -> str | None:
    if born > timezone.localdate():
        return _("The date of birth is in the future.")
    if born.year < 1900:
        return _("The date of birth is before 1900.")
    return None


# ---------------------------------------------------------------------------------------------
# Parsing


@dataclass
class _Context:
    commune: AdministrativeUnit
    villages: dict[str, int]  # folded name and folded code → id (active villages only)
    existing_ids: dict[str, str]  # citizen_id_index → household code (already registered)
    result: ParseResult
    seen_ids: dict[str, int] = field(default_factory=dict)  # index → first row
    seen_people: set[tuple[str, str, date | None]] = field(default_factory=set)
    headers: dict[str, str] = field(default_factory=dict)  # field → header shown in messages
    bad_codes: set[str] = field(default_factory=set)  # households with a refused row


def _load_context(commune: AdministrativeUnit, result: ParseResult) -> _Context:
    villages: dict[str, int] = {}
    for vid, code, name_folded in Village.objects.filter(
        commune=commune, is_active=True
    ).values_list("id", "code", "name_folded"):
        villages[fold_vi(code)] = vid
        villages[name_folded] = vid
    existing = dict(
        Resident.objects.filter(commune=commune)
        .exclude(citizen_id_index="")
        .values_list("citizen_id_index", "household__code")
    )
    return _Context(commune, villages, existing, result)


class Header(NamedTuple):
    """A sheet's header row: its number, the field of each column (None: not read), the
    fields found."""

    row: int
    mapping: list[str | None]
    found: set[str]


def find_header(
    rows: Iterator[Any],
    *,
    columns: dict[str, tuple[str, tuple[str, ...]]],
    required: Sequence[str],
    ignored: set[str],
    report: Callable[[int, str, str], None],
) -> Header:
    """The header of a sheet in ``columns``' format (field → Vietnamese header, its aliases):
    the first of the first 10 rows naming three known columns. Unknown, repeated and missing
    required columns are reported (``report(row, column, message)``); ``ignored`` headers (a
    row number, a note) are read as nothing. Shared by the imports of households and of the
    village heads in office."""
    aliases = {_key(alias): name for name, (_vi, names) in columns.items() for alias in names}
    for number in range(1, 11):
        row = next(rows, None)
        if row is None:
            break
        cells = [_text(c) for c in row]
        if sum(1 for c in cells if _key(c) in aliases) >= 3:
            return _map_header(number, cells, aliases, columns, required, ignored, report)
    raise FileRefused(
        _("No header row found: the first rows must name the columns (%(columns)s).")
        % {"columns": ", ".join(columns[name][0] for name in required)}
    )


def _map_header(
    number: int,
    cells: list[str],
    aliases: dict[str, str],
    columns: dict[str, tuple[str, tuple[str, ...]]],
    required: Sequence[str],
    ignored: set[str],
    report: Callable[[int, str, str], None],
) -> Header:
    mapping: list[str | None] = []
    found: set[str] = set()
    for cell in cells:
        key = _key(cell)
        name = aliases.get(key)
        if name is None:
            if key and key not in ignored:
                report(number, cell, _("Unknown column “%(column)s”.") % {"column": cell})
            mapping.append(None)
        elif name in found:
            report(number, cell, _("Column “%(column)s” appears twice.") % {"column": cell})
            mapping.append(None)
        else:
            found.add(name)
            mapping.append(name)
    for name in required:
        if name not in found:
            vi = columns[name][0]
            report(number, vi, _("Required column “%(column)s” is missing.") % {"column": vi})
    return Header(number, mapping, found)


def parse_household_file(
    *,
    path_or_file: Any,
    file_name: str,
    commune: AdministrativeUnit,
    progress: Progress | None = None,
) -> ParseResult:
    """Read and validate the whole file; never writes. See the module docstring for the format.

    ``progress(rows_read, estimated_rows)`` is called every ``PROGRESS_EVERY`` rows.
    """
    result = ParseResult()
    try:
        kind = check_file_type(path_or_file, file_name)
        rows, total, close = (_iter_xlsx if kind == "xlsx" else _iter_csv)(path_or_file)
    except FileRefused as refused:
        result.add_error(0, refused.column, refused.message)
        return result
    try:
        _parse_rows(rows, total, commune, result, progress)
    except FileRefused as refused:
        result.add_error(0, refused.column, refused.message)
    except UnicodeDecodeError:
        result.add_error(0, "", _("The CSV file is not UTF-8 text; save it as “CSV UTF-8”."))
    finally:
        close()
    return result


def _parse_rows(
    rows: Iterator[Any],
    total: int | None,
    commune: AdministrativeUnit,
    result: ParseResult,
    progress: Progress | None,
) -> None:
    header_row, mapping, result.columns = find_header(
        rows, columns=COLUMNS, required=REQUIRED, ignored=IGNORED, report=result.add_error
    )
    if not result.ok:
        return  # wrong columns: the rows cannot be read meaningfully
    context = _load_context(commune, result)
    context.headers = {name: COLUMNS[name][0] for name in COLUMNS}
    estimate = max((total or 0) - header_row, 0)
    number = header_row
    for number, row in enumerate(rows, start=header_row + 1):
        if number - header_row > MAX_ROWS:
            raise FileRefused(_("The file has too many rows."))
        values = {name: row[i] for i, name in enumerate(mapping) if name and i < len(row)}
        if all(v is None or _text(v) == "" for v in values.values()):
            continue  # blank lines between blocks are common in hand-kept sheets
        result.rows += 1
        _parse_row(number, values, context)
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows, max(estimate, result.rows))
    if result.rows == 0:
        result.add_error(header_row, "", _("The file has no data rows."))
    _check_households(context)


def _parse_row(number: int, values: dict[str, Any], ctx: _Context) -> None:
    result, col = ctx.result, ctx.headers
    errors_before = result.error_count
    code = _text(values.get("code"))[:30]
    village_text = _text(values.get("village"))
    full_name = _text(values.get("full_name"))
    for name, value in (("code", code), ("village", village_text), ("full_name", full_name)):
        if not value:
            result.add_error(number, col[name], _("This cell is required."))
    if len(full_name) > 200:
        result.add_error(number, col["full_name"], _("The name is too long."))
    village_id = ctx.villages.get(fold_vi(village_text)) if village_text else None
    if village_text and village_id is None:
        result.add_error(
            number,
            col["village"],
            _("No active village “%(village)s” in this commune.") % {"village": village_text[:60]},
        )
    born = _birth_date(number, values.get("date_of_birth"), ctx)
    sex = _sex(number, values.get("sex"), ctx)
    cccd = _citizen_id(number, values.get("citizen_id"), born, sex, code, ctx)
    phone = _phone(number, values.get("phone"), ctx)
    representative = _flag(number, values.get("representative"), ctx)
    address = _text(values.get("address"))[:300]
    if result.error_count != errors_before or village_id is None:
        ctx.bad_codes.add(code)
        return
    name_folded = fold_vi(full_name)
    if not cccd:
        person = (code, name_folded, born)
        if person in ctx.seen_people:
            result.add_error(
                number, col["full_name"], _("This person appears twice in the household.")
            )
            ctx.bad_codes.add(code)
            return
        ctx.seen_people.add(person)
    _add_resident(number, code, village_id, address, ctx, ResidentRow(
        row=number, full_name=full_name, name_folded=name_folded, date_of_birth=born, sex=sex,
        citizen_id=cccd, citizen_id_index=blind_index(cccd) if cccd else "", phone=phone,
        phone_index=blind_index(phone) if phone else "", is_representative=representative,
    ))  # fmt: skip


def _birth_date(number: int, value: Any, ctx: _Context) -> date | None:
    parsed = _parse_date(value)
    problem = parsed if isinstance(parsed, str) else None
    if isinstance(parsed, date):
        problem = _check_birth_date(parsed)
    if problem:
        ctx.result.add_error(number, ctx.headers["date_of_birth"], problem)
        return None
    return parsed if isinstance(parsed, date) else None


def _sex(number: int, value: Any, ctx: _Context) -> str:
    text = fold_vi(_text(value))
    if not text:
        return ""
    sex = _SEX.get(text)
    if sex is None:
        ctx.result.add_error(number, ctx.headers["sex"], _("Write Nam or Nữ."))
        return ""
    return sex


def _citizen_id(
    number: int, value: Any, born: date | None, sex: str, code: str, ctx: _Context
) -> str:
    cccd = citizen_id_from_cell(value)
    if not cccd:
        return ""
    column = ctx.headers["citizen_id"]
    problem = citizen_id_problem(cccd, born, sex)
    if problem:
        ctx.result.add_error(number, column, problem)
        return ""
    index = blind_index(cccd)
    first = ctx.seen_ids.get(index)
    if first is not None:
        ctx.result.add_error(
            number, column, _("This citizen ID is already on row %(row)s.") % {"row": first}
        )
        return ""
    ctx.seen_ids[index] = number
    other = ctx.existing_ids.get(index)
    if other is not None and other != code:
        ctx.result.add_error(
            number,
            column,
            _("This citizen ID belongs to a resident of household %(code)s.") % {"code": other},
        )
        return ""
    return cccd


def _phone(number: int, value: Any, ctx: _Context) -> str:
    phone = phone_from_cell(value)
    if phone is None:
        ctx.result.add_error(
            number,
            ctx.headers["phone"],
            _("Not a Vietnamese phone number (10 digits starting with 03, 05, 07, 08 or 09)."),
        )
        return ""
    return phone


def _flag(number: int, value: Any, ctx: _Context) -> bool:
    text = fold_vi(_text(value))
    if text in _YES:
        return True
    if text not in _NO:
        ctx.result.add_error(
            number,
            ctx.headers["representative"],
            _("Write x for the household representative, or leave the cell empty."),
        )
    return False


def _add_resident(
    number: int, code: str, village_id: int, address: str, ctx: _Context, person: ResidentRow
) -> None:
    result = ctx.result
    household = result.households.get(code)
    if household is None:
        household = HouseholdRow(code=code, row=number, village_id=village_id, address=address)
        result.households[code] = household
    else:
        if village_id != household.village_id:
            result.add_error(
                number,
                ctx.headers["village"],
                _("Household %(code)s is in another village on row %(row)s.")
                % {"code": code, "row": household.row},
            )
        if address and household.address and address != household.address:
            result.add_error(
                number,
                ctx.headers["address"],
                _("Household %(code)s has another address on row %(row)s.")
                % {"code": code, "row": household.row},
            )
        household.address = household.address or address
    household.residents.append(person)
    result.residents += 1


def _check_households(ctx: _Context) -> None:
    """Law 10/2022 Art. 18(2): exactly one representative per household."""
    column = ctx.headers["representative"]
    for household in ctx.result.households.values():
        if household.code in ctx.bad_codes:
            continue  # its own rows already carry the errors; the count would mislead
        count = sum(1 for r in household.residents if r.is_representative)
        if count == 0:
            ctx.result.add_error(
                household.row,
                column,
                _("Household %(code)s has no representative; mark one member with x.")
                % {"code": household.code},
            )
        elif count > 1:
            ctx.result.add_error(
                household.row,
                column,
                _("Household %(code)s has %(count)s representatives; mark exactly one.")
                % {"code": household.code, "count": count},
            )
