"""Loading the official administrative units from the ``vietnam-provinces`` package.

The 2025 list (34 provinces, 3,321 xã/phường/đặc khu) is what danchu works in; the former
units (63 provinces, 696 districts, 10,051 communes) are kept as history and linked to their
successors so that reports can span the 1 July 2025 reorganisation (legal-spec §4).

The load is idempotent: rows are keyed by (era, level, code), compared field by field and only
created or updated where they differ, all in one transaction with bulk statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from danchu.core import audit
from danchu.core.text import fold_vi
from danchu.territory.models import REORGANISATION_DATE, AdministrativeUnit, UnitSuccession

__all__ = [
    "CENTRAL_CITY_CODES",
    "FORMER_VALID_TO",
    "LoadResult",
    "load_units",
]

Era = AdministrativeUnit.Era
Level = AdministrativeUnit.Level

FORMER_VALID_TO = date(2025, 6, 30)

# Resolution 202/2025/QH15: the 34 provincial units are 6 centrally-run cities and 28 provinces
# (legal-spec §4). vietnam-provinces 2026.9.0 types 9 of them as "thành phố trung ương"
# (adding Quảng Ninh, Bắc Ninh and Đồng Nai, with "Thành phố …" names); we trust the resolution.
CENTRAL_CITY_CODES = frozenset({"01", "31", "46", "48", "79", "92"})

_FIELDS = ("name", "unit_type", "name_folded", "parent_id", "valid_from", "valid_to")
_BATCH = 2000


@dataclass
class UnitRow:
    """One unit as the package describes it, before it meets the database."""

    era: str
    level: str
    code: str
    name: str
    unit_type: str
    parent_key: tuple[str, str, str] | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.era, self.level, self.code)


@dataclass
class LoadResult:
    """What a load did, per kind of row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    successions_deleted: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    package_version: str = ""

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.successions_created or self.successions_deleted
        )


def _cap(text: str) -> str:
    """Upper-case the first letter: the data has a lone "xã Bắc Sơn"."""
    return text[:1].upper() + text[1:]


def _type_from_name(name: str, candidates: Iterable[str]) -> str:
    """The unit type as written at the start of its official name ("Thị trấn", "Quận"…)."""
    for candidate in candidates:
        if name.lower().startswith(candidate.lower() + " "):
            return candidate
    return ""


def _current_rows() -> list[UnitRow]:
    from vietnam_provinces import Province, Ward

    rows: list[UnitRow] = []
    for p in Province.iter_all():
        code = f"{p.code.value:02d}"
        bare = p.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        if code in CENTRAL_CITY_CODES:
            name, unit_type = f"Thành phố {bare}", "Thành phố"
        else:
            name, unit_type = f"Tỉnh {bare}", "Tỉnh"
        rows.append(UnitRow(Era.CURRENT, Level.PROVINCE, code, name, unit_type))
    for w in Ward.iter_all():
        name = _cap(w.name)
        unit_type = _type_from_name(name, ("Xã", "Phường", "Đặc khu")) or _cap(w.division_type)
        parent = (Era.CURRENT, Level.PROVINCE, f"{w.province_code.value:02d}")
        rows.append(
            UnitRow(Era.CURRENT, Level.COMMUNE, f"{w.code.value:05d}", name, unit_type, parent)
        )
    return rows


def _former_rows() -> list[UnitRow]:
    from vietnam_provinces import legacy

    rows: list[UnitRow] = []
    for p in legacy.Province.iter_all():
        unit_type = _type_from_name(p.name, ("Thành phố", "Tỉnh"))
        rows.append(UnitRow(Era.FORMER, Level.PROVINCE, f"{p.code.value:02d}", p.name, unit_type))
    for d in legacy.District.iter_all():
        unit_type = _type_from_name(d.name, ("Huyện", "Quận", "Thành phố", "Thị xã"))
        parent = (Era.FORMER, Level.PROVINCE, f"{d.province_code.value:02d}")
        rows.append(
            UnitRow(Era.FORMER, Level.DISTRICT, f"{d.code.value:03d}", d.name, unit_type, parent)
        )
    for w in legacy.Ward.iter_all():
        unit_type = _type_from_name(w.name, ("Xã", "Phường", "Thị trấn"))
        parent = (Era.FORMER, Level.DISTRICT, f"{w.district_code.value:03d}")
        rows.append(
            UnitRow(Era.FORMER, Level.COMMUNE, f"{w.code.value:05d}", w.name, unit_type, parent)
        )
    return rows


def _succession_pairs() -> set[tuple[tuple[str, str, str], tuple[str, str, str]]]:
    """(former key, 2025 key) for every commune and province, from the package's links."""
    from vietnam_provinces import Province, Ward

    pairs: set[tuple[tuple[str, str, str], tuple[str, str, str]]] = set()
    for w in Ward.iter_all():
        successor = (Era.CURRENT, Level.COMMUNE, f"{w.code.value:05d}")
        for old in w.get_legacy_sources():
            pairs.add(((Era.FORMER, Level.COMMUNE, f"{old.code.value:05d}"), successor))
    for p in Province.iter_all():
        successor = (Era.CURRENT, Level.PROVINCE, f"{p.code.value:02d}")
        for old_p in p.get_legacy_sources():
            pairs.add(((Era.FORMER, Level.PROVINCE, f"{old_p.code.value:02d}"), successor))
    return pairs


def _validity(era: str) -> tuple[date | None, date | None]:
    return (REORGANISATION_DATE, None) if era == Era.CURRENT else (None, FORMER_VALID_TO)


def _sync_level(
    rows: list[UnitRow],
    existing: dict[tuple[str, str, str], AdministrativeUnit],
    result: LoadResult,
) -> None:
    """Create or update one level's rows; parents are already in ``existing``."""
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for row in rows:
        valid_from, valid_to = _validity(row.era)
        wanted: dict[str, Any] = {
            "name": row.name,
            "unit_type": row.unit_type,
            "name_folded": fold_vi(row.name),
            "parent_id": existing[row.parent_key].pk if row.parent_key else None,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }
        unit = existing.get(row.key)
        if unit is None:
            unit = AdministrativeUnit(era=row.era, level=row.level, code=row.code, **wanted)
            to_create.append(unit)
            existing[row.key] = unit
        elif any(getattr(unit, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(unit, name, value)
            to_update.append(unit)
        else:
            result.unchanged += 1
    # SQLite and PostgreSQL both return the new primary keys, which the next level needs.
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=_BATCH)
    AdministrativeUnit.objects.bulk_update(to_update, _FIELDS, batch_size=_BATCH)
    result.created += len(to_create)
    result.updated += len(to_update)


def _sync_successions(
    existing: dict[tuple[str, str, str], AdministrativeUnit], result: LoadResult
) -> None:
    wanted = set()
    for old_key, new_key in _succession_pairs():
        old, new = existing.get(old_key), existing.get(new_key)
        if old is not None and new is not None:  # a few links name codes the lists lack
            wanted.add((old.pk, new.pk))
    have = {
        (p, s): pk
        for pk, p, s in UnitSuccession.objects.values_list("pk", "predecessor_id", "successor_id")
    }
    missing = wanted - have.keys()
    stale = [pk for pair, pk in have.items() if pair not in wanted]
    UnitSuccession.objects.bulk_create(
        [
            UnitSuccession(predecessor_id=p, successor_id=s, effective=REORGANISATION_DATE)
            for p, s in sorted(missing)
        ],
        batch_size=_BATCH,
    )
    if stale:
        UnitSuccession.objects.filter(pk__in=stale).delete()
    result.successions_created = len(missing)
    result.successions_deleted = len(stale)


@transaction.atomic
def load_units(*, actor: Any = None) -> LoadResult:
    """Load or refresh every unit and succession link; one audit entry when anything changed."""
    import vietnam_provinces

    result = LoadResult(package_version=vietnam_provinces.__version__)
    existing = {(u.era, u.level, u.code): u for u in AdministrativeUnit.objects.all()}
    rows = _current_rows() + _former_rows()
    for era, level in (
        (Era.CURRENT, Level.PROVINCE),
        (Era.CURRENT, Level.COMMUNE),
        (Era.FORMER, Level.PROVINCE),
        (Era.FORMER, Level.DISTRICT),
        (Era.FORMER, Level.COMMUNE),
    ):
        level_rows = [r for r in rows if r.era == era and r.level == level]
        result.counts[f"{era}/{level}"] = len(level_rows)
        _sync_level(level_rows, existing, result)
    _sync_successions(existing, result)
    result.counts["successions"] = UnitSuccession.objects.count()
    if result.changed:
        # "A second run changes nothing": a no-op load leaves no trace, not even in the trail.
        audit.record(
            actor=actor,
            action="units.load",
            object_type="territory.administrativeunit",
            after={
                "package": "vietnam-provinces",
                "version": result.package_version,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "successions_created": result.successions_created,
                "successions_deleted": result.successions_deleted,
                "counts": result.counts,
            },
        )
    return result
