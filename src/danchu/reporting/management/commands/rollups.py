"""``danchu rollups``: rebuild the roll-ups from the pillars' rows, or check that they equal them.

``--rebuild [--commune CODE]`` recomputes (every commune by default, in batches, one transaction
per batch). ``--check [--province CODE] [--period 2026-H1]`` recomputes from the raw rows and
compares: every stored daily row with the facts, every monthly row with its days, every placement
(the 2025 commune and province of a former commune), and ``figures`` with ``raw_figures`` for the
scope and each of its children. Any difference is printed and the command exits with code 1.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from danchu.reporting import catalogue, rollups
from danchu.reporting.models import DailyFigure, MonthlyFigure
from danchu.reporting.periods import Period, PeriodError
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import figures, figures_by_child, raw_figures
from danchu.territory.models import AdministrativeUnit

BATCH = 50  # communes per rebuild transaction
SHOWN = 50  # differences printed at most


class Command(BaseCommand):
    help = "Rebuild the indicator roll-ups from the raw rows, or check that they equal them."

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--rebuild", action="store_true", help="Recompute the roll-ups.")
        what.add_argument("--check", action="store_true", help="Compare with the raw rows.")
        parser.add_argument("--commune", help="Rebuild one commune (its code, 2025 list).")
        parser.add_argument("--province", help="Check one province (its code, 2025 list).")
        parser.add_argument("--period", help="Check one period, e.g. 2026-H1 (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            self._rebuild(options.get("commune"))
        else:
            self._check(options.get("province"), options.get("period"))

    # --- rebuild ---------------------------------------------------------------------------
    def _rebuild(self, code: str | None) -> None:
        if code:
            commune = _unit(code, AdministrativeUnit.Level.COMMUNE)
            ids = Scope.of(commune).commune_ids or [commune.pk]
            rows = rollups.refresh(ids)
            self.stdout.write(f"Rebuilt {commune.code} {commune.name}: {rows} daily rows.")
            return
        ids = list(
            AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = 0
        for start in range(0, len(ids), BATCH):
            rows += rollups.refresh(ids[start : start + BATCH])
        # Rows whose source is no commune (facts of another level) are recomputed with the rest.
        stray = DailyFigure.objects.exclude(source__level=AdministrativeUnit.Level.COMMUNE)
        if stray.exists():
            rows += rollups.refresh(sorted(set(stray.values_list("source_id", flat=True))))
        rollups.refresh_dirty()
        self.stdout.write(f"Rebuilt {len(ids)} communes: {rows} daily rows.")

    # --- check -----------------------------------------------------------------------------
    def _check(self, province_code: str | None, period_text: str | None) -> None:
        try:
            period = (
                Period.parse(period_text)
                if period_text
                else Period("range", rollups.EARLIEST, rollups.LATEST)
            )
        except PeriodError as error:
            raise CommandError(str(error)) from error
        scope = (
            Scope.of(_unit(province_code, AdministrativeUnit.Level.PROVINCE))
            if province_code
            else Scope.nation()
        )
        rollups.refresh_dirty(scope)  # pending markings are the normal path, not a difference
        differences = self._rows(scope, period.first, period.last)
        differences += _compare(scope, figures(scope, period), raw_figures(scope, period))
        for child in figures_by_child(scope, period):
            differences += _compare(child.scope, child, raw_figures(child.scope, period))
        for line in differences[:SHOWN]:
            self.stdout.write(line)
        if differences:
            raise CommandError(
                f"{len(differences)} differences between the roll-ups and the raw rows "
                f"({scope.key}, {period.key}).",
                returncode=1,
            )
        self.stdout.write(f"Roll-ups equal the raw rows ({scope.key}, {period.key}).")

    def _rows(self, scope: Scope, first: date, last: date) -> list[str]:
        ids = scope.commune_ids
        facts: dict[tuple[str, int, int | None, date], int] = defaultdict(int)
        for provider in catalogue.SOURCES:
            for fact in provider(ids, first, last):
                facts[(fact.code, fact.commune_id, fact.village_id, fact.day)] += fact.value
        where = Q() if ids is None else Q(source_id__in=ids)
        stored: dict[tuple[str, int, int | None, date], int] = {}
        placed_as: dict[int, tuple[int, int | None]] = {}
        for code, source, village, day, value, commune, province in DailyFigure.objects.filter(
            where, day__gte=first, day__lte=last
        ).values_list(
            "code", "source_id", "village_id", "day", "value", "commune_id", "province_id"
        ):
            stored[(code, source, village, day)] = value
            placed_as[source] = (commune, province)
        out = []
        for key in sorted(set(facts) | set(stored), key=str):
            if facts.get(key, 0) != stored.get(key, 0):
                out.append(f"daily {key}: stored {stored.get(key, 0)}, raw {facts.get(key, 0)}")
        for source, p in rollups.placements(placed_as).items():
            if placed_as[source] != (p.commune_id, p.province_id):
                out.append(f"placement of {source}: stored {placed_as[source]}, now {p}")
        # The monthly layer against its days, for the months inside the period.
        months = rollups.split(first, last).months
        if months is not None:
            m_where = where & Q(month__gte=months[0], month__lte=months[1])
            monthly = {
                (c, s, v, m): t
                for c, s, v, m, t in MonthlyFigure.objects.filter(m_where).values_list(
                    "code", "source_id", "village_id", "month", "value"
                )
            }
            daily = {
                (r["code"], r["source_id"], r["village_id"], r["m"]): r["t"]
                for r in DailyFigure.objects.filter(
                    where, day__gte=months[0], day__lte=rollups.month_end(months[1])
                )
                .annotate(m=TruncMonth("day"))
                .values("code", "source_id", "village_id", "m")
                .annotate(t=Sum("value"))
                .order_by()
            }
            for key in sorted(set(monthly) | set(daily), key=str):
                if monthly.get(key, 0) != daily.get(key, 0):
                    out.append(
                        f"monthly {key}: stored {monthly.get(key, 0)}, days {daily.get(key, 0)}"
                    )
        return out


def _compare(scope: Scope, rolled: Any, raw: Any) -> list[str]:
    if rolled.values == raw.values:
        return []
    codes = sorted(set(rolled.values) | set(raw.values))
    return [
        f"{scope.key} {code}: roll-ups {rolled.get(code)}, raw {raw.get(code)}"
        for code in codes
        if rolled.get(code) != raw.get(code)
    ]


def _unit(code: str, level: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(
        era=AdministrativeUnit.Era.CURRENT, level=level, code=code
    ).first()
    if unit is None:
        raise CommandError(f"No {level} with code {code} in the 2025 list.")
    return unit
