"""Province review benchmark (quality bar P4), run on demand:

    .venv/bin/python bench/review_rollup.py [--scale 1] [--repeat 3]
        [--database-url postgres://postgres@127.0.0.1:5432/danchu_bench_review] [--sqlite]

Builds a province (bench/province_data.py: at ``--scale 1`` 100 communes, 3,000 villages,
1,000,000 households and a year of activity in every pillar's real tables, written raw with
PostgreSQL ``COPY`` — SQLite ``executemany`` with ``--sqlite`` — in one transaction), rebuilds
the roll-ups (``danchu.reporting.rollups.refresh``), then times, in one session, the median of
``--repeat`` rounds of a province half-year review's figures:

1. ``selectors.raw_figures(Scope.of(province), Period.parse("2026-H1"))``: every pillar's facts
   computed from the raw rows (measured again after the last round);
2. ``selectors.figures(...)``: the same figures served from the roll-ups.

P4: the roll-ups take at most 10 % of the raw time and their figures are exactly equal (every
code, every value); also checked: the communes' figures from the roll-ups add up to the
province's. Prints every figure it measured; exits non-zero when an equality fails.

The database: the one ``--database-url`` names on that server (its name must start with
``danchu_bench``), created here and dropped at the end (``--keep`` keeps it); an existing one is
refused unless ``--clobber``. ``--sqlite``: a temporary SQLite file instead. Bounded:
``--timeout`` seconds in all.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from base64 import urlsafe_b64encode
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"
P4_RATIO = 0.10
PERIOD = "2026-H1"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/danchu_bench_review"


class BenchTimeout(Exception):
    pass


def _pg_admin(url: str, *, create: bool, clobber: bool = False) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and (not create or clobber):
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        elif exists:
            sys.exit(f"database {name!r} exists; drop it or pass --clobber")
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _setup(data_dir: Path, database_url: str | None) -> None:
    """Production settings (DEBUG off: no query log) with throw-away keys."""
    os.environ.pop("DANCHU_DEBUG", None)
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.update(
        DANCHU_DATA_DIR=str(data_dir),
        DANCHU_SECRET_KEY=secrets.token_urlsafe(50),
        DANCHU_DATA_KEY=urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DANCHU_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="danchu.config.settings",
    )
    for path in (str(SRC), str(BENCH)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def _timed[T](fn: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def _build(args: argparse.Namespace) -> Any:
    from django.core.management import call_command
    from django.db import connection
    from province_data import Sizes, build

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; migrated in {time.perf_counter() - started:.1f} s")
    sizes = Sizes.at_scale(args.scale)
    phases: dict[str, float] = {}
    mark = [time.perf_counter()]

    def clock(name: str) -> None:
        now = time.perf_counter()
        phases[name] = now - mark[0]
        mark[0] = now

    built = build(sizes, args.seed, clock, check_keys=args.check_keys)
    loader = "COPY" if connection.vendor == "postgresql" else "executemany"
    total = sum(built.rows.values())
    print(
        f"data (scale {args.scale:g}): {sizes.communes:,} communes, {sizes.villages:,} villages, "
        f"{sizes.households:,} households; {total:,} rows written with {loader} in one "
        f"transaction in {sum(phases.values()):.1f} s"
    )
    if built.how:
        print("  load: " + "; ".join(built.how))
    print("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    for label, count in sorted(built.rows.items(), key=lambda item: -item[1]):
        print(f"  {label:<36} {count:>12,}")
    return built


def _run(args: argparse.Namespace) -> bool:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(args.timeout * 1000)}")
    built = _build(args)

    from danchu.reporting import catalogue, rollups, selectors
    from danchu.reporting.models import MonthlyFigure
    from danchu.reporting.periods import Period
    from danchu.reporting.scopes import Scope
    from danchu.territory.models import AdministrativeUnit

    codes = catalogue.stored_codes()
    print(f"catalogue: {len(catalogue.indicators())} indicators, {len(codes)} with facts")
    rebuilds = []
    for _round in range(args.rebuilds):
        seconds, daily_rows = _timed(lambda: rollups.refresh(None))
        rebuilds.append(seconds)
    monthly_rows = MonthlyFigure.objects.count()
    print(
        f"roll-up rebuild, rollups.refresh(None) (median of {len(rebuilds)}): "
        f"{statistics.median(rebuilds):.2f} s (rounds: "
        + " ".join(f"{s:.2f}" for s in rebuilds)
        + f" s); {daily_rows:,} daily rows, {monthly_rows:,} monthly rows"
    )

    province = AdministrativeUnit.objects.get(pk=built.province_id)
    scope, period = Scope.of(province), Period.parse(PERIOD)
    # Warm the caches and the code paths once, unmeasured.
    selectors.raw_figures(scope, period)
    selectors.figures(scope, period)
    raws: list[float] = []
    rolled: list[float] = []
    for _round in range(args.repeat):
        seconds, raw = _timed(lambda: selectors.raw_figures(Scope.of(province), period))
        raws.append(seconds)
        seconds, served = _timed(lambda: selectors.figures(Scope.of(province), period))
        rolled.append(seconds)
    seconds, raw = _timed(lambda: selectors.raw_figures(Scope.of(province), period))
    raws.append(seconds)
    raw_time, rolled_time = statistics.median(raws), statistics.median(rolled)
    ratio = rolled_time / raw_time
    verdict = "OK" if ratio <= P4_RATIO else "FAIL"
    print(f"province review {PERIOD}, {province.name}:")
    print(f"  raw_figures (raw rows)  median of {len(raws)}: {_ms(raw_time):>12}")
    print(
        f"  figures (roll-ups)      median of {len(rolled)}: {_ms(rolled_time):>12}"
        f"   = {ratio:.1%} of raw (P4: ≤ {P4_RATIO:.0%}) {verdict}"
    )
    print(
        "  rounds (ms): raw "
        + " ".join(f"{s * 1000:.0f}" for s in raws)
        + "; roll-ups "
        + " ".join(f"{s * 1000:.1f}" for s in rolled)
    )

    children_time, children = _timed(lambda: selectors.figures_by_child(scope, period))
    summed: dict[str, int] = {}
    for child in children:
        for code, value in child.values.items():
            summed[code] = summed.get(code, 0) + value
    nonzero = {c: v for c, v in served.values.items() if v}
    checks = {
        f"figures = raw_figures exactly ({len(nonzero)} codes with a value)": _same(
            served.values, raw.values
        ),
        f"sum of the {len(children)} communes' figures = the province's "
        f"(figures_by_child: {_ms(children_time)})": _same(summed, served.values),
    }
    for name, ok in checks.items():
        print(f"  {'OK  ' if ok else 'FAIL'} {name}")
    missing = sorted(set(codes) - set(nonzero))
    if missing:
        print(f"  no value in the generated data ({len(missing)}): " + ", ".join(missing))
    if args.breakdown:
        _breakdown(scope, period)
    for code in sorted(nonzero)[: args.show]:
        print(f"    {code:<48} {served.values[code]:>16,}")
    return all(checks.values())


def _breakdown(scope: Any, period: Any) -> None:
    """Where the raw time goes: each pillar's facts, for the review and for a rebuild."""
    from danchu.reporting import catalogue, rollups

    print("  breakdown, one round each (facts counted, not summed):")
    review = rebuild = 0.0
    for source in catalogue.SOURCES:
        name = getattr(source, "__module__", str(source)).removeprefix("danchu.")

        def run(first: Any, last: Any, ids: Any, source: Any = source) -> int:
            return sum(1 for _ in source(ids, first, last))

        seconds, facts = _timed(lambda: run(period.first, period.last, scope.commune_ids))
        whole, all_facts = _timed(lambda: run(rollups.EARLIEST, rollups.LATEST, None))
        review, rebuild = review + seconds, rebuild + whole
        print(
            f"    {name:<26} review {_ms(seconds):>12} ({facts:,} facts); "
            f"all days, all communes (rebuild) {_ms(whole):>12} ({all_facts:,} facts)"
        )
    print(f"    {'all pillars':<26} review {_ms(review):>12}; rebuild {_ms(rebuild):>12}")


def _same(left: dict[str, int], right: dict[str, int]) -> bool:
    """Equal values, a missing code counting as 0."""
    differ = {
        code: (left.get(code, 0), right.get(code, 0))
        for code in set(left) | set(right)
        if left.get(code, 0) != right.get(code, 0)
    }
    for code, (a, b) in sorted(differ.items())[:10]:
        print(f"    differs: {code}: {a:,} ≠ {b:,}")
    return not differ


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 households")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuilds", type=int, default=1, help="roll-up rebuilds timed")
    parser.add_argument("--seed", type=int, default=18406)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for the whole run")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead")
    parser.add_argument("--clobber", action="store_true", help="drop an existing bench database")
    parser.add_argument(
        "--check-keys", action="store_true", help="check the foreign keys at the load"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--breakdown", action="store_true", help="time each pillar's facts once")
    parser.add_argument("--show", type=int, default=0, help="print that many figures")
    args = parser.parse_args()

    database_url = None if args.sqlite else args.database_url
    if database_url:
        parsed = urlparse(database_url)
        if parsed.scheme not in {"postgres", "postgresql"}:
            sys.exit("--database-url must be a postgres:// URL (or pass --sqlite)")
        if not parsed.path.lstrip("/").startswith("danchu_bench"):
            sys.exit("give a throw-away database whose name starts with danchu_bench")
        _pg_admin(database_url, create=True, clobber=args.clobber)

    def expire(_signum: int, _frame: Any) -> None:
        raise BenchTimeout(f"stopped after {args.timeout:.0f} s (--timeout)")

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(int(args.timeout))
    work = Path(tempfile.mkdtemp(prefix="danchu-bench-review-"))
    ok = False
    started = time.perf_counter()
    try:
        _setup(work, database_url)
        ok = _run(args)
    except BenchTimeout as exc:
        print(exc, file=sys.stderr)
    finally:
        signal.alarm(0)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if database_url and not args.keep:
            _pg_admin(database_url, create=False)
        shutil.rmtree(work, ignore_errors=True)
    print(f"total {time.perf_counter() - started:.0f} s; load: {os.getloadavg()[0]:.2f} (1 min)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
