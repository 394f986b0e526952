"""Territory reads shared by the pages, the API and the reports.

Everything a person may or may not see goes through :mod:`danchu.accounts.permissions`
(``restrict`` for lists, ``get_for_actor`` for one object), so no interface can forget the
scoping. Lists are built for a constant number of queries per page: related rows come through
``select_related``/``prefetch_related`` and counts through ``annotate``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, get_for_actor, restrict
from danchu.core.errors import NotFound
from danchu.core.search import search_folded
from danchu.territory.models import AdministrativeUnit, Household, Resident, Village

__all__ = [
    "MAX_QUERY_LENGTH",
    "clean_query",
    "commune_public",
    "household_get",
    "household_list",
    "resident_get",
    "resident_list",
    "unit_get",
    "unit_list",
    "village_get",
    "village_list",
    "village_list_public",
]

# A search box is for a name or a code, not a document: longer input is cut (the API refuses it).
MAX_QUERY_LENGTH = 100

Unit = AdministrativeUnit


def clean_query(q: str | None) -> str:
    """The search text without control characters (PostgreSQL refuses NUL), bounded in length."""
    if not q:
        return ""
    return "".join(ch for ch in q[:MAX_QUERY_LENGTH] if ch.isprintable() or ch == " ").strip()


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


def _commune_filter(commune: Unit | int | str | None, prefix: str = "commune") -> Q:
    """A commune given as a unit, its id, or its 2025 code (what URLs and the API carry)."""
    if commune is None:
        return Q()
    if isinstance(commune, Unit):
        return Q(**{f"{prefix}_id": commune.pk})
    if isinstance(commune, int):
        return Q(**{f"{prefix}_id": commune})
    return Q(
        **{
            f"{prefix}__code": str(commune),
            f"{prefix}__era": Unit.Era.CURRENT,
            f"{prefix}__level": Unit.Level.COMMUNE,
        }
    )


def _id_of(value: Any) -> Any:
    return getattr(value, "pk", value)


# ---------------------------------------------------------------------------------------------
# Administrative units: public reference data, no actor scoping.


def unit_list(
    *,
    level: str | None = None,
    era: str | None = "2025",
    parent: Unit | str | None = None,
    q: str | None = None,
) -> QuerySet[Unit]:
    """Units of one era, optionally of one level, under one parent (unit or code), by name."""
    qs = Unit.objects.select_related("parent")
    if era:
        qs = qs.filter(era=era)
    if level:
        qs = qs.filter(level=level)
    if isinstance(parent, Unit):
        qs = qs.filter(parent=parent)
    elif parent:
        qs = qs.filter(parent__code=parent, parent__era=era or Unit.Era.CURRENT)
    return search_folded(qs, "name_folded", clean_query(q)).order_by("level", "code")


def unit_get(code: str, level: str | None = None, era: str = "2025") -> Unit:
    """One unit by its official code; codes of different levels do not overlap in practice,
    so ``level`` is only needed to be certain."""
    qs = Unit.objects.select_related("parent").filter(era=era, code=code)
    if level:
        qs = qs.filter(level=level)
    unit = qs.order_by("level").first()
    if unit is None:
        raise _not_found()
    return unit


def commune_public(code: str) -> Unit:
    """A 2025 commune-level unit (xã, phường, đặc khu) by code, or NotFound."""
    unit = (
        Unit.objects.select_related("parent")
        .filter(era=Unit.Era.CURRENT, level=Unit.Level.COMMUNE, code=code)
        .first()
    )
    if unit is None:
        raise _not_found()
    return unit


# ---------------------------------------------------------------------------------------------
# Villages


def _with_household_count(qs: QuerySet[Village]) -> QuerySet[Village]:
    # A subquery rather than Count() over a join: restrict() may add joins that would
    # multiply the rows being counted.
    counts = (
        Household.objects.filter(village=OuterRef("pk"))
        .order_by()
        .values("village")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(household_count=Subquery(counts))


def village_list(
    *,
    actor: Any,
    commune: Unit | int | str | None = None,
    q: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Village]:
    """The villages the person may list, with ``household_count``."""
    qs = restrict(Village.objects.select_related("commune"), actor, Action.VILLAGE_LIST)
    qs = qs.filter(_commune_filter(commune))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    qs = search_folded(qs, "name_folded", clean_query(q))
    return _with_household_count(qs).order_by("commune_id", "name_folded", "id")


def village_get(*, actor: Any, pk: int, action: Action = Action.VILLAGE_VIEW) -> Village:
    """One village (with ``household_count``) if the person may do ``action`` on it."""
    qs = _with_household_count(Village.objects.select_related("commune"))
    return get_for_actor(qs, actor, action, pk=pk)


def village_list_public(*, commune: Unit) -> list[dict[str, Any]]:
    """What the commune's public page shows: active villages, their kind and household count."""
    qs = _with_household_count(Village.objects.filter(commune=commune, is_active=True))
    return [
        {
            "id": v.pk,
            "name": v.name,
            "kind": v.kind,
            "kind_label": v.get_kind_display(),
            "household_count": v.household_count or 0,  # type: ignore[attr-defined]
        }
        for v in qs.order_by("name_folded", "id")
    ]


# ---------------------------------------------------------------------------------------------
# Households


def _representative_name() -> Subquery:
    return Subquery(
        Resident.objects.filter(household=OuterRef("pk"), is_representative=True).values(
            "full_name"
        )[:1]
    )


def _household_search(qs: QuerySet[Household], q: str) -> QuerySet[Household]:
    """A code, an address or the representative's name, ignoring diacritics and case."""
    if not q:
        return qs
    return (
        qs.filter(code__icontains=q)
        | search_folded(qs, "address_folded", q)
        | search_folded(qs, "representative_name_folded", q)
    )


def household_list(
    *,
    actor: Any,
    commune: Unit | int | str | None = None,
    village: Village | int | None = None,
    q: str | None = None,
) -> QuerySet[Household]:
    """The households the person may list, with ``representative_name`` and ``member_count``."""
    qs = restrict(
        Household.objects.select_related("village", "commune"), actor, Action.HOUSEHOLD_LIST
    )
    qs = qs.filter(_commune_filter(commune))
    if village is not None:
        qs = qs.filter(village_id=_id_of(village))
    qs = _household_search(qs, clean_query(q))
    members = (
        Resident.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        representative_name=_representative_name(), member_count=Subquery(members)
    ).order_by("commune_id", "code", "id")


def household_get(*, actor: Any, pk: int, action: Action = Action.HOUSEHOLD_VIEW) -> Household:
    """One household with its members (``members`` prefetched, representative first)."""
    qs = Household.objects.select_related("village", "commune").prefetch_related(
        Prefetch("members", queryset=Resident.objects.order_by("-is_representative", "id"))
    )
    return get_for_actor(qs, actor, action, pk=pk)


# ---------------------------------------------------------------------------------------------
# Residents


def resident_list(
    *,
    actor: Any,
    household: Household | int | None = None,
    village: Village | int | None = None,
    q: str | None = None,
    commune: Unit | int | str | None = None,
) -> QuerySet[Resident]:
    """The residents the person may list, searchable by name without diacritics."""
    qs = restrict(
        Resident.objects.select_related("household", "household__village", "commune"),
        actor,
        Action.RESIDENT_LIST,
    )
    qs = qs.filter(_commune_filter(commune))
    if household is not None:
        qs = qs.filter(household_id=_id_of(household))
    if village is not None:
        qs = qs.filter(household__village_id=_id_of(village))
    qs = search_folded(qs, "name_folded", clean_query(q))
    return qs.order_by("commune_id", "household_id", "-is_representative", "id")


def resident_get(*, actor: Any, pk: int, action: Action = Action.RESIDENT_VIEW) -> Resident:
    qs = Resident.objects.select_related("household", "household__village", "commune")
    return get_for_actor(qs, actor, action, pk=pk)
