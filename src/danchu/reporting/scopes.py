"""Where figures are computed: a village, a commune, a province or the nation.

Since 1 July 2025 the former communes live on in their successors (Resolution 202/2025/QH15,
legal-spec §4): a 2025 commune's scope includes its former units, so a five-year review of
Xã Can Lộc includes what Thị trấn Nghèn, Xã Thiên Lộc and Xã Vượng Lộc did before the merger.
A former commune split between several successors counts in one of them only — the successor
with the lowest code — so that nothing is counted twice in a province or the nation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from django.utils.translation import gettext as _

from danchu.territory.models import AdministrativeUnit, UnitSuccession, Village

Level = Literal["nation", "province", "commune", "village"]


def successor_map() -> dict[int, int]:
    """Former commune id → the 2025 commune its figures count in."""
    pairs = (
        UnitSuccession.objects.filter(
            predecessor__level=AdministrativeUnit.Level.COMMUNE,
            successor__level=AdministrativeUnit.Level.COMMUNE,
        )
        .order_by("predecessor_id", "successor__code")
        .values_list("predecessor_id", "successor_id")
    )
    out: dict[int, int] = {}
    for former, current in pairs:
        out.setdefault(former, current)
    return out


@dataclass(frozen=True)
class Scope:
    level: Level
    unit: AdministrativeUnit | None = None
    village: Village | None = None

    @classmethod
    def nation(cls) -> Scope:
        return cls("nation")

    @classmethod
    def of(cls, unit: AdministrativeUnit | Village) -> Scope:
        if isinstance(unit, Village):
            return cls("village", unit.commune, unit)
        if unit.level == AdministrativeUnit.Level.PROVINCE:
            return cls("province", unit)
        if unit.level == AdministrativeUnit.Level.COMMUNE:
            return cls("commune", unit)
        raise ValueError("figures are kept for villages, communes, provinces and the nation")

    @property
    def name(self) -> str:
        if self.village is not None:
            return self.village.name
        if self.unit is not None:
            return self.unit.name
        return _("Whole country")

    @property
    def key(self) -> str:
        """``nation``, ``province:<code>``, ``commune:<code>`` or ``village:<id>``."""
        if self.village is not None:
            return f"village:{self.village.pk}"
        if self.unit is not None:
            return f"{self.level}:{self.unit.code}"
        return "nation"

    @cached_property
    def commune_ids(self) -> list[int] | None:
        """The communes whose rows count here: the 2025 communes and the former communes that
        became them (``None`` for the nation: every commune)."""
        if self.level == "nation":
            return None
        assert self.unit is not None
        if self.level == "province":
            current = set(
                AdministrativeUnit.objects.filter(
                    parent=self.unit, level=AdministrativeUnit.Level.COMMUNE
                ).values_list("pk", flat=True)
            )
        else:
            current = {self.unit.pk}
        if not self.unit.is_current:
            return sorted(current)
        former = {f for f, c in successor_map().items() if c in current}
        return sorted(current | former)

    def children(self) -> list[Scope]:
        """The units one level down, in name order (villages have none)."""
        if self.level == "nation":
            units = AdministrativeUnit.objects.filter(
                era=AdministrativeUnit.Era.CURRENT, level=AdministrativeUnit.Level.PROVINCE
            )
            return [Scope("province", u) for u in units.order_by("name", "pk")]
        if self.level == "province":
            units = AdministrativeUnit.objects.filter(
                parent=self.unit, level=AdministrativeUnit.Level.COMMUNE
            )
            return [Scope("commune", u) for u in units.order_by("name", "pk")]
        if self.level == "commune":
            villages = Village.objects.filter(commune=self.unit).select_related("commune")
            return [Scope("village", self.unit, v) for v in villages.order_by("name", "pk")]
        return []
