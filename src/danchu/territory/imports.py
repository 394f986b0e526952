"""Importing households and residents from the commune's file (issue #2).

The file format and its validation live in :mod:`danchu.territory.import_file`
(docs/import-format.md). This module writes:

- :func:`household_import_start` (web): checks size and type, stores the upload under
  ``MEDIA_ROOT/imports/<uuid>``, creates the :class:`HouseholdImport` and enqueues
  :func:`danchu.territory.tasks.import_households_task` once the transaction commits.
- :func:`household_import_run` (command line): creates the row and processes a file in place.
- :func:`household_import_process`: validate everything, then write everything or nothing.

**All or nothing.** The whole file is validated before anything is written. A file with any
error writes nothing; the import row is marked FAILED with the errors. A valid file is written
inside ONE transaction (upserts in batches of ``BATCH_SIZE`` with bulk_create/bulk_update); a
database failure half-way rolls it all back and the row is marked FAILED. The function itself
is therefore not ``@transaction.atomic``: the FAILED status must survive the rollback.

**Upserts.** Households by (commune, code); residents by (commune, citizen ID blind index) when
the row has a CCCD, else by (household, folded name, date of birth). Re-importing the same file
changes nothing. Residents absent from the file are kept (people leave through their own
service, never by omission); an empty optional cell never erases a stored value. The file's
representative becomes the household's only representative: the old one is cleared first so
the partial unique constraint holds at every statement. A household whose village changed is
moved as :func:`danchu.territory.services.household_move` does, in bulk: its open residence
period is closed today and a new one opened from today.

**Progress.** ``processed``/``total`` count steps: each data row is validated (first half) then
written (second half), so ``total`` = 2 × rows and ``percent`` is the overall progress. During
validation the HouseholdImport row is updated in short autocommit writes every 2,000 rows. The
write phase holds SQLite's single write lock for its whole transaction (and on PostgreSQL the
row's updates would be invisible until commit), so its progress goes to a small JSON file next
to the uploads (``MEDIA_ROOT/imports/progress-<id>.json``, replaced atomically); the web reads
both through :func:`import_progress`. A file, not the cache: the default cache is per process
and the worker is another process.

**Personal data.** The stored upload holds clear citizen IDs, so it is deleted once processed;
the sha256 stays. The audit entry holds counts and the sha256 only.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.core.crypto import encrypt
from danchu.core.errors import ValidationFailed
from danchu.core.text import fold_vi
from danchu.territory.import_file import (
    FileRefused,
    HouseholdRow,
    ParseResult,
    ResidentRow,
    check_file_type,
    parse_household_file,
    sha256_of,
)
from danchu.territory.models import (
    AdministrativeUnit,
    Household,
    HouseholdImport,
    HouseholdVillagePeriod,
    Resident,
)

__all__ = [
    "BATCH_SIZE",
    "ImportProgress",
    "ParseResult",
    "household_import_check",
    "household_import_process",
    "household_import_run",
    "household_import_start",
    "import_progress",
    "parse_household_file",
]

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000
Progress = Callable[[int, int], None]
T = TypeVar("T")


def _chunks[T](items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------------------------------------
# Progress


@dataclass(frozen=True)
class ImportProgress:
    """Where an import stands, for the web's progress display."""

    status: str
    processed: int
    total: int

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.processed / self.total)) if self.total else 0


def _progress_path(import_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"progress-{import_id}.json"


def _write_progress_file(import_id: int, processed: int, total: int) -> None:
    path = _progress_path(import_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"processed": processed, "total": total}))
    os.replace(temporary, path)


def import_progress(household_import: HouseholdImport) -> ImportProgress:
    """The row's progress, or the write phase's progress file while it is running."""
    household_import.refresh_from_db(fields=["status", "processed", "total"])
    processed, total = household_import.processed, household_import.total
    if household_import.status == HouseholdImport.Status.RUNNING:
        try:
            data = json.loads(_progress_path(household_import.pk).read_text())
            processed, total = int(data["processed"]), int(data["total"])
        except (OSError, ValueError, KeyError):
            pass
    return ImportProgress(household_import.status, processed, total)


class _Reporter:
    """Sends progress to the caller, the import row (validation) or the file (writing)."""

    def __init__(self, household_import: HouseholdImport | None, callback: Progress | None):
        self.household_import = household_import
        self.callback = callback
        self.total = 0

    def validating(self, rows: int, estimate: int) -> None:
        self.total = 2 * estimate
        if self.household_import is not None:
            HouseholdImport.objects.filter(pk=self.household_import.pk).update(
                processed=rows, total=self.total
            )
        if self.callback:
            self.callback(rows, self.total)

    def writing(self, rows: int, written: int) -> None:
        self.total = 2 * rows
        if self.household_import is not None:
            _write_progress_file(self.household_import.pk, rows + written, self.total)
        if self.callback:
            self.callback(rows + written, self.total)

    def clear(self) -> None:
        if self.household_import is not None:
            _progress_path(self.household_import.pk).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Planning: what the file changes


@dataclass
class _Existing:
    """The commune's stored households and residents, without decrypting anything."""

    households: dict[str, tuple[int, int, str, str]]  # code → (id, village, address, rep folded)
    by_index: dict[str, tuple[Any, ...]]
    by_person: dict[tuple[int, str, date | None], list[tuple[Any, ...]]]
    representative: dict[int, int]  # household id → resident id


_RESIDENT_COLUMNS = (
    "id", "household_id", "full_name", "name_folded", "date_of_birth", "sex",
    "citizen_id_index", "phone_index", "is_representative",
)  # fmt: skip


def _load_existing(commune: AdministrativeUnit) -> _Existing:
    households = {
        code: (hid, village_id, address, rep)
        for hid, code, village_id, address, rep in Household.objects.filter(
            commune=commune
        ).values_list("id", "code", "village_id", "address", "representative_name_folded")
    }
    by_index: dict[str, tuple[Any, ...]] = {}
    by_person: dict[tuple[int, str, date | None], list[tuple[Any, ...]]] = defaultdict(list)
    representative: dict[int, int] = {}
    rows = Resident.objects.filter(commune=commune).values_list(*_RESIDENT_COLUMNS)
    for row in rows.iterator(chunk_size=5000):
        if row[6]:
            by_index[row[6]] = row
        by_person[(row[1], row[3], row[4])].append(row)
        if row[8]:
            representative[row[1]] = row[0]
    return _Existing(households, by_index, by_person, representative)


@dataclass
class _Plan:
    """Everything the write phase will do; computed before the transaction opens."""

    new_households: list[HouseholdRow] = field(default_factory=list)
    changed_households: list[Household] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)  # (household id, village id)
    new_residents: list[tuple[str, ResidentRow]] = field(default_factory=list)  # (code, row)
    changed_residents: dict[tuple[str, ...], list[Resident]] = field(default_factory=dict)
    clear_representatives: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def resident_writes(self) -> int:
        return len(self.new_residents) + sum(len(v) for v in self.changed_residents.values())


def _plan(parsed: ParseResult, commune: AdministrativeUnit) -> _Plan:
    existing = _load_existing(commune)
    plan = _Plan()
    used: set[int] = set()
    now = timezone.now()
    for household in parsed.households.values():
        stored = existing.households.get(household.code)
        rep = household.representative
        rep_folded = rep.name_folded if rep else ""
        if stored is None:
            plan.new_households.append(household)
            plan.counts["households_created"] += 1
            plan.new_residents.extend((household.code, r) for r in household.residents)
            plan.counts["residents_created"] += len(household.residents)
            continue
        hid, village_id, address, stored_rep = stored
        new_address = household.address or address
        if (household.village_id, new_address, rep_folded) != (village_id, address, stored_rep):
            plan.changed_households.append(Household(
                pk=hid, village_id=household.village_id, address=new_address,
                address_folded=fold_vi(new_address), representative_name_folded=rep_folded,
                updated_at=now,
            ))  # fmt: skip
            plan.counts["households_updated"] += 1
        else:
            plan.counts["households_unchanged"] += 1
        if household.village_id != village_id:
            plan.moved.append((hid, household.village_id))
        _plan_residents(plan, existing, household, hid, used, now)
    return plan


def _match(
    existing: _Existing, hid: int, person: ResidentRow, used: set[int]
) -> tuple[Any, ...] | None:
    if person.citizen_id_index:
        row = existing.by_index.get(person.citizen_id_index)
        if row is not None:
            return row
    for row in existing.by_person.get((hid, person.name_folded, person.date_of_birth), ()):
        # A row with a CCCD only takes over a stored person who has none.
        if row[0] not in used and (not person.citizen_id_index or not row[6]):
            return row
    return None


def _plan_residents(
    plan: _Plan, existing: _Existing, household: HouseholdRow, hid: int, used: set[int], now: Any
) -> None:
    new_rep_id = None
    for person in household.residents:
        row = _match(existing, hid, person, used)
        if row is None:
            plan.new_residents.append((household.code, person))
            plan.counts["residents_created"] += 1
            continue
        used.add(row[0])
        if person.is_representative:
            new_rep_id = row[0]
        changes = _resident_changes(person, row)
        if changes:
            update = Resident(pk=row[0], updated_at=now, **changes)
            fields = (*sorted(changes), "updated_at")
            plan.changed_residents.setdefault(fields, []).append(update)
            plan.counts["residents_updated"] += 1
        else:
            plan.counts["residents_unchanged"] += 1
    old_rep_id = existing.representative.get(hid)
    if old_rep_id is not None and old_rep_id != new_rep_id:
        plan.clear_representatives.append(old_rep_id)


def _resident_changes(person: ResidentRow, row: tuple[Any, ...]) -> dict[str, Any]:
    """The fields the file changes; empty cells keep the stored value."""
    _id, _hid, full_name, _folded, born, sex, cccd_index, phone_index, is_rep = row
    changes: dict[str, Any] = {}
    if person.full_name != full_name:
        changes.update(full_name=person.full_name, name_folded=person.name_folded)
    if person.date_of_birth and person.date_of_birth != born:
        changes["date_of_birth"] = person.date_of_birth
    if person.sex and person.sex != sex:
        changes["sex"] = person.sex
    if person.citizen_id_index and person.citizen_id_index != cccd_index:
        changes.update(citizen_id=person.citizen_id, citizen_id_index=person.citizen_id_index)
    if person.phone_index and person.phone_index != phone_index:
        changes.update(phone=person.phone, phone_index=person.phone_index)
    if person.is_representative != is_rep:
        changes["is_representative"] = person.is_representative
    return changes


# ---------------------------------------------------------------------------------------------
# Writing (inside one transaction)


def _apply(plan: _Plan, commune: AdministrativeUnit, reporter: _Reporter, rows: int) -> None:
    """Write the plan. Call inside ``transaction.atomic()``: it is all or nothing."""
    today = timezone.localdate()
    now = timezone.now()
    for chunk in _chunks(plan.changed_households, BATCH_SIZE):
        Household.objects.bulk_update(
            chunk,
            ["village", "address", "address_folded", "representative_name_folded", "updated_at"],
        )
    ids = _create_households(plan.new_households, commune, now)
    _move_households(plan.moved, commune, today)
    periods = [(commune.pk, ids[h.code], h.village_id, today) for h in plan.new_households]
    for period_chunk in _chunks(periods, BATCH_SIZE):
        _insert_rows(HouseholdVillagePeriod, _PERIOD_COLUMNS, period_chunk)
    for id_chunk in _chunks(plan.clear_representatives, 500):
        Resident.objects.filter(pk__in=id_chunk).update(is_representative=False, updated_at=now)
    written = 0
    for fields, updates in plan.changed_residents.items():
        for update_chunk in _chunks(updates, BATCH_SIZE):
            Resident.objects.bulk_update(update_chunk, list(fields))
            written += len(update_chunk)
            reporter.writing(rows, written)
    ids.update(_household_ids(plan, commune, known=ids))
    stamp = connection.ops.adapt_datetimefield_value(now)
    for new_chunk in _chunks(plan.new_residents, BATCH_SIZE):
        values = [_resident_values(commune.pk, ids[code], p, stamp) for code, p in new_chunk]
        _insert_rows(Resident, _RESIDENT_INSERT, values)
        written += len(new_chunk)
        reporter.writing(rows, written)


_HOUSEHOLD_INSERT = (
    "commune_id", "code", "village_id", "address", "address_folded",
    "representative_name_folded", "created_at", "updated_at",
)  # fmt: skip
_PERIOD_COLUMNS = ("commune_id", "household_id", "village_id", "start")
_RESIDENT_INSERT = (
    "commune_id", "household_id", "full_name", "name_folded", "date_of_birth", "sex",
    "citizen_id", "citizen_id_index", "phone", "phone_index", "is_representative",
    "created_at", "updated_at",
)  # fmt: skip


def _insert_rows(model: type[models.Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One ``executemany`` per batch.

    Measured: the ORM's bulk_create spent ~80% of the write phase compiling SQL value by value;
    the values here are adapted once (dates, datetimes) and personal data encrypted explicitly.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    adapt = _adapter(columns)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - identifiers from _meta
        quote(model._meta.db_table),
        ", ".join(quote(_column(model, c)) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [adapt(row) for row in rows])


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def _adapter(columns: tuple[str, ...]) -> Callable[[tuple], tuple]:
    ops = connection.ops
    date_columns = {i for i, c in enumerate(columns) if c in ("date_of_birth", "start")}

    def adapt(row: tuple) -> tuple:
        return tuple(
            ops.adapt_datefield_value(v) if i in date_columns and v is not None else v
            for i, v in enumerate(row)
        )

    return adapt


def _create_households(
    households: list[HouseholdRow], commune: AdministrativeUnit, now: Any
) -> dict[str, int]:
    stamp = connection.ops.adapt_datetimefield_value(now)
    for chunk in _chunks(households, BATCH_SIZE):
        _insert_rows(
            Household, _HOUSEHOLD_INSERT, [_household_values(commune.pk, h, stamp) for h in chunk]
        )
    if not households:
        return {}
    return dict(Household.objects.filter(commune=commune).values_list("code", "id"))


def _household_values(commune_id: int, household: HouseholdRow, stamp: Any) -> tuple:
    rep = household.representative
    return (
        commune_id, household.code, household.village_id, household.address,
        fold_vi(household.address), rep.name_folded if rep else "", stamp, stamp,
    )  # fmt: skip


def _household_ids(
    plan: _Plan, commune: AdministrativeUnit, known: dict[str, int]
) -> dict[str, int]:
    """Ids of the existing households that receive new residents."""
    codes = {code for code, _person in plan.new_residents if code not in known}
    ids: dict[str, int] = {}
    for chunk in _chunks(sorted(codes), 500):
        ids.update(
            Household.objects.filter(commune=commune, code__in=chunk).values_list("code", "id")
        )
    return ids


def _resident_values(commune_id: int, household_id: int, person: ResidentRow, stamp: Any) -> tuple:
    return (
        commune_id, household_id, person.full_name, person.name_folded, person.date_of_birth,
        person.sex, encrypt(person.citizen_id) if person.citizen_id else "",
        person.citizen_id_index, encrypt(person.phone) if person.phone else "",
        person.phone_index, person.is_representative, stamp, stamp,
    )  # fmt: skip


def _move_households(moved: list[tuple[int, int]], commune: AdministrativeUnit, on: date) -> None:
    """household_move's semantics in bulk: periods are half-open, [start, end)."""
    for chunk in _chunks(moved, 500):
        HouseholdVillagePeriod.objects.filter(
            commune=commune, household_id__in=[hid for hid, _v in chunk], end__isnull=True
        ).update(end=on)
        _insert_rows(
            HouseholdVillagePeriod,
            _PERIOD_COLUMNS,
            [(commune.pk, hid, vid, on) for hid, vid in chunk],
        )


# ---------------------------------------------------------------------------------------------
# Services


def _require(actor: Any, commune: AdministrativeUnit) -> None:
    # actor None is the command line (the system), which the operator already controls.
    if actor is not None:
        require(actor, Action.HOUSEHOLD_IMPORT, commune)


def _summary(parsed: ParseResult, plan: _Plan | None = None) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "rows": parsed.rows,
        "households": len(parsed.households),
        "residents": parsed.residents,
        "errors": parsed.error_count,
        "unlisted_errors": parsed.unlisted_errors,
    }
    if plan is not None:
        for key in (
            "households_created", "households_updated", "households_unchanged",
            "residents_created", "residents_updated", "residents_unchanged",
        ):  # fmt: skip
            summary[key] = plan.counts.get(key, 0)
        summary["households_moved"] = len(plan.moved)
    return summary


def household_import_check(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    path: str | Path,
    file_name: str,
    progress: Progress | None = None,
) -> tuple[ParseResult, dict[str, Any]]:
    """Validate a file and say what importing it would change; writes nothing (--dry-run)."""
    _require(actor, commune)
    parsed = parse_household_file(
        path_or_file=path, file_name=file_name, commune=commune, progress=progress
    )
    plan = _plan(parsed, commune) if parsed.ok else None
    return parsed, _summary(parsed, plan)


def household_import_run(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    path: str | Path,
    file_name: str,
    progress: Progress | None = None,
) -> HouseholdImport:
    """Import a file from disk (command line): creates the import row, then processes it."""
    _require(actor, commune)
    try:
        too_big = os.path.getsize(path) > settings.IMPORT_MAX_BYTES
    except OSError:
        too_big = False
    household_import = HouseholdImport.objects.create(
        commune=commune,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name[:255],
        file_path=str(path)[:500],
        # Refused by size below without reading it; no digest of a file we will not read.
        sha256="" if too_big or not os.path.exists(path) else sha256_of(path),
    )
    return household_import_process(
        actor=actor, household_import=household_import, progress=progress
    )


def household_import_process(
    *, actor: Any, household_import: HouseholdImport, progress: Progress | None = None
) -> HouseholdImport:
    """Validate the import's file, then write it in one transaction or not at all."""
    commune = household_import.commune
    _require(actor, commune)
    reporter = _Reporter(household_import, progress)
    HouseholdImport.objects.filter(pk=household_import.pk).update(
        status=HouseholdImport.Status.RUNNING
    )
    try:
        try:
            parsed = parse_household_file(
                path_or_file=household_import.file_path,
                file_name=household_import.file_name,
                commune=commune,
                progress=reporter.validating,
            )
        except Exception:
            # A file no reader expected must not leave the import "running" for ever.
            logger.exception("Household import %s could not be read", household_import.pk)
            unreadable = [{"row": 0, "column": "", "message": _("The file cannot be read.")}]
            return _refuse(actor, household_import, ParseResult(), unreadable)
        if not parsed.ok:
            return _refuse(actor, household_import, parsed, parsed.errors)
        try:
            # Planning too: any failure past validation must end FAILED, never RUNNING for ever.
            reporter.validating(parsed.rows, parsed.rows)
            plan = _plan(parsed, commune)
            _write(actor, household_import, parsed, plan, reporter)
        except Exception:
            # Logged without values: the rollback already removed every row of this import.
            logger.exception("Household import %s failed", household_import.pk)
            message = _("The import failed; nothing was saved. Please try again.")
            return _refuse(
                actor, household_import, parsed, [{"row": 0, "column": "", "message": message}]
            )
        household_import.refresh_from_db()
        return household_import
    finally:
        reporter.clear()
        _discard_upload(household_import)


@transaction.atomic
def _write(
    actor: Any,
    household_import: HouseholdImport,
    parsed: ParseResult,
    plan: _Plan,
    reporter: _Reporter,
) -> None:
    """The write phase: one transaction, so a failure leaves nothing behind."""
    _apply(plan, household_import.commune, reporter, parsed.rows)
    summary = _summary(parsed, plan)
    audit.record(
        actor=actor,
        action="household.import",
        obj=household_import,
        commune_id=household_import.commune_id,
        after={**summary, "sha256": household_import.sha256},
    )
    HouseholdImport.objects.filter(pk=household_import.pk).update(
        status=HouseholdImport.Status.DONE,
        processed=2 * parsed.rows,
        total=2 * parsed.rows,
        errors=[],
        summary=summary,
        finished_at=timezone.now(),
    )


@transaction.atomic
def _refuse(
    actor: Any, household_import: HouseholdImport, parsed: ParseResult, errors: list[dict]
) -> HouseholdImport:
    summary = _summary(parsed)
    summary["errors"] = max(parsed.error_count, len(errors))
    HouseholdImport.objects.filter(pk=household_import.pk).update(
        status=HouseholdImport.Status.FAILED,
        errors=errors,
        summary=summary,
        finished_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="household.import_refused",
        obj=household_import,
        commune_id=household_import.commune_id,
        after={**summary, "sha256": household_import.sha256},
    )
    household_import.refresh_from_db()
    return household_import


def _uploads_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _discard_upload(household_import: HouseholdImport) -> None:
    """Delete a stored upload (it holds clear citizen IDs), never a command-line file."""
    path = Path(household_import.file_path or ".")
    if path.parent.resolve() == _uploads_dir().resolve() and path.is_file():
        path.unlink(missing_ok=True)
        HouseholdImport.objects.filter(pk=household_import.pk).update(file_path="")


def _chunks_of(uploaded_file: Any) -> Iterable[bytes]:
    if hasattr(uploaded_file, "chunks"):
        yield from uploaded_file.chunks()
        return
    uploaded_file.seek(0)
    yield from iter(lambda: uploaded_file.read(1 << 20), b"")


def household_import_start(
    *, actor: Any, commune: AdministrativeUnit, uploaded_file: Any
) -> HouseholdImport:
    """Accept an upload: check size and type, store it, queue the import (web).

    The stored file holds clear citizen IDs: if anything fails after it is written (the copy,
    the row, the audit entry, the commit), it is deleted before the error goes on.
    """
    _require(actor, commune)
    file_name = Path(getattr(uploaded_file, "name", "") or "").name
    try:
        kind = check_file_type(uploaded_file, file_name)
    except FileRefused as refused:
        raise ValidationFailed(
            refused.message, code="file_refused", fields={"file": [refused.message]}
        ) from None
    directory = _uploads_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.{kind}"
    try:
        return _store_upload(actor, commune, uploaded_file, file_name, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


@transaction.atomic
def _store_upload(
    actor: Any, commune: AdministrativeUnit, uploaded_file: Any, file_name: str, path: Path
) -> HouseholdImport:
    import hashlib

    from danchu.territory.tasks import import_households_task

    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for chunk in _chunks_of(uploaded_file):
            digest.update(chunk)
            out.write(chunk)
    household_import = HouseholdImport.objects.create(
        commune=commune,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name[:255],
        file_path=str(path),
        sha256=digest.hexdigest(),
    )
    audit.record(
        actor=actor,
        action="household.import_upload",
        obj=household_import,
        commune_id=commune.pk,
        after={"sha256": household_import.sha256, "file_name": household_import.file_name},
    )
    import_id = household_import.pk
    transaction.on_commit(lambda: import_households_task.enqueue(import_id))
    return household_import
