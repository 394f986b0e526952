"""Tally benchmark (quality bars P5 and R7), run on demand:

    .venv/bin/python bench/tally_votes.py [--households 1000000] [--villages 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danchu_bench \
        .venv/bin/python bench/tally_votes.py

Where: without ``DATABASE_URL``, a fresh SQLite file in a temporary DANCHU_DATA_DIR; with it,
PostgreSQL — on that server, as that role, in a database named ``danchu_bench`` (``--pg-database``)
that this script creates with psycopg and drops at the end; it refuses to touch a database of
that name that already exists unless ``--clobber`` is given. Never another database.

Data (bench data, written raw — PostgreSQL ``COPY`` through psycopg's ``cursor.copy``, SQLite
one-transaction ``executemany``): one commune with ``--villages`` villages, one commune-wide
matter of Art. 15 clause 1 (contributions) with approve / reject / other options and one
MatterVillage per village (form ballot, its frozen total households), ``--households`` households
spread at random over the villages (about 100 each), and one Vote per household (paper ballot
or online, choices drawn with a fixed seed, each village with its own leaning).

Measures, in one session, the median of ``--repeat`` rounds of:

1. the floor: raw SQL ``SELECT matter_village_id, option_id, count(*) FROM decisions_vote
   WHERE matter_id = %s GROUP BY 1, 2`` (rows fetched), measured again after the last round;
2. ``selectors.tally(matter)``;
3. ``selectors.matter_outcome(matter)`` (options, tally, villages, the outcome of every village).

P5: tally ≤ 1.3× the floor, no Python iteration over votes. R7: the tally equals the raw
``GROUP BY`` exactly, village sums equal the commune's totals and ``count(*)``, and a recount
from the stored vote rows (read one by one, counted in Python) gives the same
``selectors.result_digest``. Prints every figure; exits non-zero when an R7 check fails.
Bounded: ``--timeout`` seconds in all (and as PostgreSQL's statement timeout).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import time
from base64 import urlsafe_b64encode
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

SRC = Path(__file__).resolve().parent.parent / "src"
CODE = "18406"
P5_RATIO = 1.3
RAW_SQL = (
    "SELECT matter_village_id, option_id, count(*) FROM decisions_vote "
    "WHERE matter_id = %s GROUP BY 1, 2"
)


class BenchTimeout(Exception):
    pass


# --- the database: a fresh SQLite file, or a PostgreSQL database of our own -----------------


def _pg_urls(database_url: str, name: str) -> tuple[str, str]:
    """The bench database's URL and the maintenance database's, on DATABASE_URL's server."""
    parsed = urlparse(database_url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        sys.exit("DATABASE_URL must be a postgres:// URL")
    return parsed._replace(path=f"/{name}").geturl(), parsed._replace(path="/postgres").geturl()


def _pg_admin(admin_url: str, name: str, *, create: bool, clobber: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if create:
            if exists and not clobber:
                sys.exit(f"database {name!r} exists; drop it or pass --clobber")
            if exists:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        elif exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


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
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    import django

    django.setup()


# --- data -------------------------------------------------------------------------------------


def _insert(table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> None:
    """Raw bulk insert: PostgreSQL COPY, SQLite executemany; the caller holds the transaction."""
    from django.db import connection

    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))  # noqa: S608


def _data(households: int, villages: int, seed: int) -> tuple[Any, dict[str, float]]:
    """The commune, its villages, households, the commune-wide matter and one vote each."""
    from django.db import connection, transaction

    from danchu.decisions.models import Matter, MatterVillage, Option, Vote
    from danchu.decisions.rules import Form, MatterType
    from danchu.territory.models import AdministrativeUnit, Household, Village

    rng = random.Random(seed)
    now = datetime.now(UTC)
    # Raw rows: on SQLite, the text Django stores for a UTC datetime.
    stamp: Any = (
        now if connection.vendor == "postgresql" else now.replace(tzinfo=None).isoformat(" ")
    )
    phases: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        province = AdministrativeUnit.objects.create(
            era="2025", level="province", code="42", name="Tỉnh Hà Tĩnh", name_folded="tinh ha tinh"
        )
        commune = AdministrativeUnit.objects.create(
            era="2025", level="commune", code=CODE, name="Xã Can Lộc", name_folded="xa can loc",
            parent=province,
        )  # fmt: skip
        village_rows = Village.objects.bulk_create(
            (
                Village(
                    commune=commune, code=f"T{i:05d}", name=f"Thôn {i}", name_folded=f"thon {i}"
                )
                for i in range(1, villages + 1)
            ),
            batch_size=2000,
        )
        village_ids = [v.pk for v in village_rows]
        # About 100 households a village, at random: villages differ in size.
        village_of = [village_ids[rng.randrange(villages)] for _ in range(households)]
        phases["villages"] = time.perf_counter() - started
        _insert(
            Household._meta.db_table,
            ("commune_id", "code", "village_id", "address", "address_folded",
             "representative_name_folded", "created_at", "updated_at"),
            (
                (commune.pk, f"H{i:07d}", village_id, "", "", "", stamp, stamp)
                for i, village_id in enumerate(village_of)
            ),
        )  # fmt: skip
        phases["households"] = time.perf_counter() - started - sum(phases.values())
        matter = Matter.objects.create(
            commune=commune,
            matter_type=MatterType.CONTRIBUTIONS,
            commune_wide=True,
            title="Đóng góp xây dựng đường giao thông nông thôn năm 2026",
            question="Mỗi hộ đóng góp 500.000 đồng để bê tông hóa đường liên thôn?",
            status=Matter.Status.OPEN,
            opened_at=now,
        )
        approve, reject, other = Option.objects.bulk_create(
            Option(commune=commune, matter=matter, position=i, kind=kind, label=label)
            for i, (kind, label) in enumerate(
                [
                    (Option.Kind.APPROVE, "Đồng ý"),
                    (Option.Kind.REJECT, "Không đồng ý"),
                    (Option.Kind.OTHER, "Ý kiến khác"),
                ],
                start=1,
            )
        )
        sizes = Counter(village_of)
        matter_villages = MatterVillage.objects.bulk_create(
            (
                MatterVillage(
                    commune=commune,
                    matter=matter,
                    village_id=village_id,
                    form=Form.BALLOT,
                    total_households=sizes[village_id],
                )
                for village_id in village_ids
            ),
            batch_size=2000,
        )
        mv_of = {mv.village_id: mv.pk for mv in matter_villages}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, village_id FROM {Household._meta.db_table} "  # noqa: S608
                "WHERE commune_id = %s ORDER BY id",
                [commune.pk],
            )
            household_rows = cursor.fetchall()
        # Each village leans its own way, around the two-thirds line: some adopt, some not.
        leaning = {village_id: rng.uniform(0.55, 0.80) for village_id in village_ids}

        def votes() -> Iterator[tuple[Any, ...]]:
            for household_id, village_id in household_rows:
                draw = rng.random()
                if draw < leaning[village_id]:
                    option_id = approve.pk
                else:
                    option_id = reject.pk if rng.random() < 0.7 else other.pk
                channel = "online" if rng.random() < 0.3 else "ballot"
                yield (commune.pk, matter.pk, mv_of[village_id], household_id, option_id,
                       channel, "", None, stamp, stamp)  # fmt: skip

        _insert(
            Vote._meta.db_table,
            ("commune_id", "matter_id", "matter_village_id", "household_id", "option_id",
             "channel", "other_opinion", "cast_by_id", "cast_at", "changed_at"),
            votes(),
        )  # fmt: skip
        phases["matter and votes"] = time.perf_counter() - started - sum(phases.values())
    # The foreign keys are checked at commit (Django's constraints are deferred).
    phases["commit"] = time.perf_counter() - started - sum(phases.values())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    phases["analyze"] = time.perf_counter() - started - sum(phases.values())
    return matter, phases


# --- measures ---------------------------------------------------------------------------------


def _raw(matter_id: int) -> list[tuple[int, int, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, [matter_id])
        return cursor.fetchall()


def _timed[T](fn: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _recount_digest(matter: Any) -> tuple[str, int]:
    """The digest recomputed from the stored vote rows themselves, read one by one and counted
    in Python (the slow, independent path), with the law's rules applied afresh."""
    from django.db import connection

    from danchu.decisions import rules, selectors
    from danchu.decisions.models import MatterVillage, Option

    counts: dict[int, Counter[int]] = {}
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT matter_village_id, option_id FROM decisions_vote WHERE matter_id = %s",
            [matter.pk],
        )
        while batch := cursor.fetchmany(50_000):
            for matter_village_id, option_id in batch:
                counts.setdefault(matter_village_id, Counter())[option_id] += 1
            rows += len(batch)
    approve = set(
        Option.objects.filter(matter=matter, kind=Option.Kind.APPROVE).values_list("pk", flat=True)
    )
    villages = []
    for mv in MatterVillage.objects.filter(matter=matter).order_by("village"):
        by_option = dict(counts.get(mv.pk, {}))
        approvals = sum(n for option_id, n in by_option.items() if option_id in approve)
        adopted = rules.passes(matter.matter_type, approvals, mv.total_households)
        villages.append(
            selectors.VillageOutcome(
                mv, by_option, approvals, None, adopted, sum(by_option.values())
            )
        )
    adopted = rules.villages_pass(sum(v.adopted for v in villages), len(villages))
    outcome = selectors.MatterOutcome(matter, villages, adopted)
    return selectors.result_digest(outcome), rows


def _run(args: argparse.Namespace) -> bool:
    from django.db import connection

    from danchu.decisions import selectors

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(args.timeout * 1000)}")
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; migrated in {time.perf_counter() - started:.1f} s")
    loader = "COPY (psycopg cursor.copy)" if connection.vendor == "postgresql" else "executemany"
    matter, phases = _data(args.households, args.villages, args.seed)
    print(
        f"data: {args.villages:,} villages, {args.households:,} households, "
        f"{args.households:,} votes written with {loader} in one transaction: "
        f"{sum(phases.values()):.1f} s ("
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
        + ")"
    )

    # Warm the cache and the code paths once, unmeasured.
    _raw(matter.pk)
    selectors.tally(matter)
    floors: list[float] = []
    tallies: list[float] = []
    outcomes: list[float] = []
    for _round in range(args.repeat):
        seconds, raw_rows = _timed(lambda: _raw(matter.pk))
        floors.append(seconds)
        seconds, counts = _timed(lambda: selectors.tally(matter))
        tallies.append(seconds)
        seconds, outcome = _timed(lambda: selectors.matter_outcome(matter))
        outcomes.append(seconds)
    seconds, raw_rows = _timed(lambda: _raw(matter.pk))
    floors.append(seconds)

    floor, tally_time, outcome_time = (statistics.median(x) for x in (floors, tallies, outcomes))
    ratio = tally_time / floor
    verdict = "OK" if ratio <= P5_RATIO else "FAIL"
    print(f"raw SQL GROUP BY floor   (median of {len(floors)}): {floor * 1000:9.1f} ms"
          f"   = {args.households / floor / 1e6:.2f} M votes/s")  # fmt: skip
    print(f"selectors.tally          (median of {len(tallies)}): {tally_time * 1000:9.1f} ms"
          f"   = {ratio:.2f}× the floor (P5: ≤ {P5_RATIO}×) {verdict}")  # fmt: skip
    print(
        f"selectors.matter_outcome (median of {len(outcomes)}): {outcome_time * 1000:9.1f} ms"
          f"   = {outcome_time / floor:.2f}× the floor ({len(outcome.villages):,} villages)"
    )  # fmt: skip
    print("  rounds (ms): floor " + " ".join(f"{t * 1000:.0f}" for t in floors)
          + "; tally " + " ".join(f"{t * 1000:.0f}" for t in tallies)
          + "; outcome " + " ".join(f"{t * 1000:.0f}" for t in outcomes))  # fmt: skip
    adopting = sum(v.adopted for v in outcome.villages)
    print(
        f"outcome: {adopting:,} of {len(outcome.villages):,} villages adopt "
        f"(≥ two thirds of all their households); the matter is "
        f"{'adopted' if outcome.adopted else 'not adopted'} (two thirds of villages needed)"
    )
    return _verify(matter, raw_rows, counts, outcome, args.households)


def _verify(matter: Any, raw_rows: list[Any], counts: Any, outcome: Any, households: int) -> bool:
    """R7: tally = raw GROUP BY; village sums = commune totals = count(*); recount → digest."""
    from django.db import connection

    from danchu.decisions import selectors

    raw = {(mv, option): n for mv, option, n in raw_rows}
    tallied = {(mv, option): n for mv, by in counts.items() for option, n in by.items()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT option_id, count(*) FROM decisions_vote WHERE matter_id = %s GROUP BY 1",
            [matter.pk],
        )
        commune_totals = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM decisions_vote WHERE matter_id = %s", [matter.pk])
        (total,) = cursor.fetchone()
    village_sums: Counter[int] = Counter()
    for village in outcome.villages:
        village_sums.update(village.counts)
    digest = selectors.result_digest(outcome)
    started = time.perf_counter()
    recount_digest, recounted = _recount_digest(matter)
    recount_time = time.perf_counter() - started
    checks = {
        "tally = raw GROUP BY (every village × option)": tallied == raw,
        "village sums = commune totals by option (raw GROUP BY option)": dict(village_sums)
        == commune_totals,
        "sum of all villages = count(*) = households": sum(village_sums.values())
        == total
        == households,
        f"recount of {recounted:,} stored vote rows ({recount_time:.1f} s) → same result_digest": (
            recount_digest == digest
        ),
    }
    print(f"R7: result_digest {digest}")
    for name, ok in checks.items():
        print(f"  {'OK  ' if ok else 'FAIL'} {name}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--villages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=18406)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for the whole run")
    parser.add_argument("--pg-database", default="danchu_bench")
    parser.add_argument("--clobber", action="store_true", help="drop an existing bench database")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL")
    admin_url = None
    if database_url:
        database_url, admin_url = _pg_urls(database_url, args.pg_database)
        _pg_admin(admin_url, args.pg_database, create=True, clobber=args.clobber)

    def expire(_signum: int, _frame: Any) -> None:
        raise BenchTimeout(f"stopped after {args.timeout:.0f} s (--timeout)")

    signal.signal(signal.SIGALRM, expire)
    signal.alarm(int(args.timeout))
    work = Path(tempfile.mkdtemp(prefix="danchu-bench-tally-"))
    ok = False
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
        if admin_url is not None:
            _pg_admin(admin_url, args.pg_database, create=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
