"""Online vote benchmark (quality bars P7 and R2), run on demand:

    .venv/bin/python bench/online_votes.py [--households 200] [--submissions 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/online_votes.py

Where: without ``DATABASE_URL``, a fresh SQLite file in a temporary DANCHU_DATA_DIR; with it,
a fresh database ``--pg-database`` of our own on that server (dropped at the end).

In it: one commune, one village of N households, each with its representative's account
(through the accounts services) and an API token; for every measured round a fresh clause-6
matter opened for online voting after every household opted in (Decree 59/2023 Art. 5(2)(c)).
Gunicorn (``--workers`` sync workers, DEBUG off, production settings plus ``/bench/ok/``)
listens on a free loopback port. For each concurrency (default 16, 32 and 64 connections):

1. the floor: ``GET /bench/ok/`` (a bare ``HttpResponse`` behind the same middleware) for
   ``--duration`` seconds;
2. the item: every household submits ``--submissions`` times (its submissions queued next to
   each other, so several of them are in flight at once) ``POST
   /api/v1/matter-villages/{id}/vote`` with its bearer token, alternating its choice;
3. the floor again;

``--repeat`` times; with ``--in-process``, first the statements of a vote and its wall and
CPU time measured in this process (what the machine's load distorts least). It prints the
medians, the ratio (P7: votes ≥ 20% of the floor's req/s, 0 server errors, at 32
connections) and verifies each round in the database (R2): exactly one Vote row per household
that was answered 200/201, no duplicates, no conflict, every answer 200/201 or 409. Exits
non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from base64 import urlsafe_b64encode
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"
HOST = "127.0.0.1"
P7_RATIO = 0.2
P7_CONCURRENCY = 32
FLOOR = "/bench/ok/"
VOTE = "/api/v1/matter-villages/{id}/vote"


# --- the database: a fresh SQLite file, or a PostgreSQL database of our own -----------------


def _pg_urls(database_url: str, name: str) -> tuple[str, str]:
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


def _environment(
    data_dir: Path, database_url: str | None, conn_max_age: int | None = None
) -> dict[str, str]:
    """Production-like settings (DEBUG off) with throw-away keys; the bench URLs; persistent
    database connections for ``conn_max_age`` seconds (None: the production settings')."""
    env = dict(os.environ)
    env.pop("DANCHU_BENCH_CONN_MAX_AGE", None)
    if conn_max_age is not None:
        env["DANCHU_BENCH_CONN_MAX_AGE"] = str(conn_max_age)
    env.pop("DANCHU_DEBUG", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(
        DANCHU_DATA_DIR=str(data_dir),
        DANCHU_SECRET_KEY=secrets.token_urlsafe(50),
        DANCHU_DATA_KEY=urlsafe_b64encode(secrets.token_bytes(32)).decode(),  # a Fernet key
        DANCHU_HTTPS="0",
        DANCHU_ALLOWED_HOSTS=HOST,
        DANCHU_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bench_vote_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH), str(SRC), env.get("PYTHONPATH", "")]),
    )
    return env


def _setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    for folder in (str(SRC), str(BENCH)):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    import django

    django.setup()


# --- data -------------------------------------------------------------------------------------


@dataclass
class Village:
    """The bench village: its households' tokens and an official to open matters."""

    village: Any
    official: Any
    tokens: dict[int, str]  # household id → bearer token


@dataclass
class Round:
    matter_village_id: int
    options: list[int]  # approve, reject


def _people(households: int) -> tuple[Village, float]:
    """A commune, a village of ``households`` households with one representative each; the
    representatives' accounts and tokens through the accounts services (as in production)."""
    from django.db import transaction

    from danchu.accounts import services as accounts
    from danchu.core.crypto import blind_index
    from danchu.territory.models import AdministrativeUnit, Household, Resident
    from danchu.territory.models import Village as VillageRow

    started = time.perf_counter()
    with transaction.atomic():
        province = AdministrativeUnit.objects.create(
            era="2025", level="province", code="42", name="Tỉnh Hà Tĩnh",
            name_folded="tinh ha tinh",
        )  # fmt: skip
        commune = AdministrativeUnit.objects.create(
            era="2025", level="commune", code="18406", name="Xã Can Lộc",
            name_folded="xa can loc", parent=province,
        )  # fmt: skip
        village = VillageRow.objects.create(
            commune=commune, code="05", name="Thôn Phú Thượng", name_folded="thon phu thuong"
        )
        # Bench data: households and residents inserted in bulk.
        rows = Household.objects.bulk_create(
            Household(
                commune=commune,
                village=village,
                code=f"B{n:05d}",
                address=f"Xóm {n % 6 + 1}",
                address_folded=f"xom {n % 6 + 1}",
            )  # fmt: skip
            for n in range(households)
        )
        residents = Resident.objects.bulk_create(
            Resident(
                commune=commune,
                household=h,
                full_name=f"Chủ hộ {n}",
                name_folded=f"chu ho {n}",
                citizen_id="",
                citizen_id_index=blind_index(""),
                phone="",
                phone_index=blind_index(""),
                is_representative=True,
            )  # fmt: skip
            for n, h in enumerate(rows)
        )
        official = accounts.official_create(
            actor=None, username="canbo.bench", full_name="Cán bộ Bench",
            password=secrets.token_urlsafe(24), commune=commune, role="commune_official",
        )  # fmt: skip
        tokens: dict[int, str] = {}
        for resident in residents:
            user = accounts.resident_account_for(actor=None, resident=resident)
            _token, raw = accounts.api_token_create(actor=None, user=user, name="bench")
            tokens[resident.household_id] = raw
    return Village(village, official, tokens), time.perf_counter() - started


def _new_round(bench: Village, n: int) -> Round:
    """A fresh clause-6 matter, every household opted in (bulk: bench data), opened online."""
    from django.db import transaction
    from django.utils import timezone

    from danchu.decisions import services
    from danchu.decisions.models import MatterVillage, OnlineOptIn, Option
    from danchu.decisions.rules import Form, MatterType
    from danchu.territory.models import Household

    village = bench.village
    with transaction.atomic():
        matter = services.matter_create(
            actor=bench.official, commune=village.commune, matter_type=MatterType.OTHER,
            title=f"Biểu quyết trực tuyến số {n}", question="Bà con có đồng ý không?",
            village_ids=[village.pk],
        )  # fmt: skip
        mv = MatterVillage.objects.get(matter=matter)
        OnlineOptIn.objects.bulk_create(
            OnlineOptIn(
                commune_id=village.commune_id, matter_village=mv, household_id=h, agrees=True
            )  # fmt: skip
            for h in Household.objects.filter(village=village).values_list("pk", flat=True)
        )
        team = ("Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba")
        services.matter_open(
            actor=bench.official, matter=matter,
            plans={village.pk: services.VillagePlan(
                Form.ONLINE, closes_at=timezone.now() + timedelta(hours=6), team=team)},
        )  # fmt: skip
    options = list(
        Option.objects.filter(matter=matter, kind__in=[Option.Kind.APPROVE, Option.Kind.REJECT])
        .order_by("position")
        .values_list("pk", flat=True)
    )
    return Round(mv.pk, options)


@dataclass
class Check:
    votes: int
    duplicates: int
    conflicts: int
    missing: int  # answered 200/201 but no Vote row
    unexpected: int  # a Vote row for a household never answered 200/201

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.conflicts or self.missing or self.unexpected)


def _verify(round_: Round, accepted: set[int]) -> Check:
    """R2 in the database: one Vote per household that was answered 200/201, and no other."""
    from django.db.models import Count

    from danchu.decisions.models import MatterVillage, Vote, VoteConflict

    mv = MatterVillage.objects.get(pk=round_.matter_village_id)
    votes = Vote.objects.filter(matter_id=mv.matter_id)
    duplicates = (
        votes.values("household_id").annotate(n=Count("id")).filter(n__gt=1).order_by().count()
    )
    voted = set(votes.values_list("household_id", flat=True))
    return Check(
        votes=votes.count(),
        duplicates=duplicates,
        conflicts=VoteConflict.objects.filter(matter_id=mv.matter_id).count(),
        missing=len(accepted - voted),
        unexpected=len(voted - accepted),
    )


# --- server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _start_server(
    env: dict[str, str], port: int, log: Path, workers: int, threads: int = 1
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn", "danchu.config.wsgi:application",
        "--workers", str(workers), "--threads", str(threads), "--bind", f"{HOST}:{port}",
        "--log-level", "warning", "--error-logfile", str(log), "--timeout", "60",
    ]  # fmt: skip
    # Its own session, so that the master and its workers can be stopped together.
    return subprocess.Popen(command, env=env, cwd=BENCH, start_new_session=True)


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.terminate()  # gunicorn stops its workers gracefully on SIGTERM
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group this script started
        server.wait(timeout=5)


def _wait_ready(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", FLOOR)
            status = conn.getresponse().status
            conn.close()
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        sys.exit(f"{FLOOR} answered {status}:\n{log.read_text()[-3000:]}")
    sys.exit("gunicorn did not answer within 60 s")


# --- where the CPU goes (Linux) ---------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process, from /proc; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _cpu(server_pid: int) -> tuple[float, float, float]:
    """CPU seconds so far of the server's workers, of every PostgreSQL process, and of this
    process (the load generator's threads): where a request's CPU goes."""
    try:
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    except OSError:
        children = []
    workers = sum(_proc_cpu(int(pid)) for pid in children)
    postgres = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    postgres += _proc_cpu(int(entry.name))
            except OSError:
                continue
    return workers, postgres, time.process_time()


def _cpu_per_request(before: tuple[float, ...], after: tuple[float, ...], n: int) -> str:
    if not n or not Path("/proc").is_dir():
        return "n/a"
    parts = [(b - a) / n * 1000 for a, b in zip(before, after, strict=True)]
    return (
        f"workers {parts[0]:.2f} + postgres {parts[1]:.2f} + load generator {parts[2]:.2f} "
        f"= {sum(parts):.2f} ms"
    )


# --- load -------------------------------------------------------------------------------------


@dataclass
class Measure:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0  # connection errors, timeouts
    seconds: float = 0.0
    accepted: set[int] = field(default_factory=set)  # households answered 200/201

    @property
    def ok(self) -> int:
        return self.statuses[200] + self.statuses[201]

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500)

    @property
    def unexpected(self) -> int:
        """Answers other than 200/201/409, and connection failures (R2)."""
        return self.failures + sum(n for s, n in self.statuses.items() if s not in (200, 201, 409))


def _send(
    conn: http.client.HTTPConnection | None,
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
) -> tuple[http.client.HTTPConnection | None, int | None]:
    """One request on a keep-alive connection (reopened when the server closes it, as a sync
    gunicorn worker does after each response); status None on a connection failure."""
    try:
        if conn is None:
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.will_close:
            conn.close()
            conn = None
        return conn, response.status
    except (OSError, http.client.HTTPException):
        if conn is not None:
            conn.close()
        return None, None


def _floor(port: int, concurrency: int, duration: float) -> Measure:
    """``concurrency`` clients GET the bare view for ``duration`` seconds."""
    measure = Measure()
    lock = threading.Lock()
    start = threading.Event()
    stop_at = [0.0]

    def client() -> None:
        statuses: Counter[int] = Counter()
        failures = 0
        conn = None
        start.wait()
        while time.monotonic() < stop_at[0]:
            conn, status = _send(conn, port, "GET", FLOOR, None, {})
            if status is None:
                failures += 1
            else:
                statuses[status] += 1
        if conn is not None:
            conn.close()
        with lock:
            measure.statuses.update(statuses)
            measure.failures += failures

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at[0] = began + duration
    start.set()
    for thread in threads:
        thread.join(timeout=duration + 60)
    measure.seconds = time.monotonic() - began
    measure.requests = sum(measure.statuses.values()) + measure.failures
    return measure


def _votes(
    port: int, round_: Round, tokens: dict[int, str], submissions: int, concurrency: int, seed: int
) -> Measure:
    """Every household submits ``submissions`` times; its submissions are queued together so
    that several are in flight at the same time (the race the unique constraint must win)."""
    rng = random.Random(seed)  # noqa: S311 - load pattern, not secrets
    households = list(tokens)
    rng.shuffle(households)
    work: queue.SimpleQueue[tuple[int, bytes]] = queue.SimpleQueue()
    for household in households:
        for n in range(submissions):
            option = round_.options[(n + household) % len(round_.options)]
            work.put((household, json.dumps({"option_id": option}).encode()))
    path = VOTE.format(id=round_.matter_village_id)
    measure = Measure(requests=len(households) * submissions)
    lock = threading.Lock()
    start = threading.Event()

    def client() -> None:
        statuses: Counter[int] = Counter()
        accepted: set[int] = set()
        failures = 0
        conn = None
        start.wait()
        while True:
            try:
                household, body = work.get_nowait()
            except queue.Empty:
                break
            headers = {
                "Authorization": f"Bearer {tokens[household]}",
                "Content-Type": "application/json",
            }
            conn, status = _send(conn, port, "POST", path, body, headers)
            if status is None:
                failures += 1
                continue
            statuses[status] += 1
            if status in (200, 201):
                accepted.add(household)
        if conn is not None:
            conn.close()
        with lock:
            measure.statuses.update(statuses)
            measure.accepted |= accepted
            measure.failures += failures

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    start.set()
    for thread in threads:
        thread.join(timeout=600)
    measure.seconds = time.monotonic() - began
    return measure


# --- in process: statements and server time per vote, whatever the machine's load -------------


def _in_process(bench: Village, round_: Round, households: int = 40) -> None:
    """Votes through Django's test client in this process (no HTTP, no other worker): the
    statements of a first and of a changed vote, and the median wall and CPU time of a vote
    and of the bare view. CPU time is what the machine's load distorts least."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    path = VOTE.format(id=round_.matter_village_id)
    chosen = list(bench.tokens)[:households]

    def vote(household: int, n: int) -> None:
        body = json.dumps({"option_id": round_.options[n % len(round_.options)]})
        response = client.post(
            path, body, content_type="application/json",
            headers={"Authorization": f"Bearer {bench.tokens[household]}"},
        )  # fmt: skip
        if response.status_code not in (200, 201):
            sys.exit(f"in-process vote answered {response.status_code}: {response.content!r}")

    def timed(call: Any) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        return time.perf_counter() - wall, time.process_time() - cpu

    statements = []
    for n in range(2):  # the first vote, then a changed one
        with CaptureQueriesContext(connection) as ctx:
            vote(chosen[0], n)
        statements.append(len(ctx.captured_queries))
    floor = [timed(lambda: client.get(FLOOR)) for _ in range(200)]
    votes = [timed(lambda h=h, n=n: vote(h, n)) for n in range(4) for h in chosen[1:]]
    print(
        f"in process: statements per vote {statements[0]} (first), {statements[1]} (changed), "
        "BEGIN/COMMIT and savepoints included; median per vote "
        f"{statistics.median(w for w, _c in votes) * 1000:.1f} ms wall, "
        f"{statistics.median(c for _w, c in votes) * 1000:.1f} ms CPU; bare view "
        f"{statistics.median(w for w, _c in floor) * 1000:.2f} ms wall, "
        f"{statistics.median(c for _w, c in floor) * 1000:.2f} ms CPU "
        f"(load average {os.getloadavg()[0]:.2f})"
    )
    connection.close()


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=4, help="per household and round")
    parser.add_argument("--concurrency", default="16,32,64", help="comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=1,
        help="threads per worker (1: sync workers, as in production; more: gthread workers)",
    )  # fmt: skip
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per floor measure")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--conn-max-age", type=int, default=60,
        help="CONN_MAX_AGE of the server's database connection, in seconds (PostgreSQL's "
        "production value; SQLite's production settings have 0: pass -1 to keep them)",
    )  # fmt: skip
    parser.add_argument("--pg-database", default="danchu_bench_votes")
    parser.add_argument("--clobber", action="store_true", help="drop an existing bench database")
    parser.add_argument(
        "--in-process", action="store_true",
        help="also time votes in this process (statements, wall and CPU time per vote)",
    )  # fmt: skip
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    if not (
        10 <= args.households <= 5000 and 1 <= args.submissions <= 64
        and all(1 <= c <= 128 for c in levels) and 1 <= args.workers <= 8
        and 1 <= args.threads <= 16
        and 0.5 <= args.duration <= 60 and 1 <= args.repeat <= 9
        and -1 <= args.conn_max_age <= 600
    ):  # fmt: skip
        parser.error(
            "keep it bounded: households 10–5000, submissions 1–64, concurrency 1–128, "
            "workers 1–8, threads 1–16, duration 0.5–60 s, repeat 1–9, conn-max-age -1–600"
        )

    database_url = os.environ.get("DATABASE_URL")
    admin_url = None
    if database_url:
        database_url, admin_url = _pg_urls(database_url, args.pg_database)
        _pg_admin(admin_url, args.pg_database, create=True, clobber=args.clobber)
    work = Path(tempfile.mkdtemp(prefix="danchu-bench-votes-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        conn_max_age = None if args.conn_max_age < 0 else args.conn_max_age
        env = _environment(work, database_url, conn_max_age)
        (work / "static").mkdir()
        _setup(env)
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0)
        bench, seconds = _people(args.households)
        rounds = {
            (rep, level): _new_round(bench, rep * len(levels) + i)
            for rep in range(args.repeat)
            for i, level in enumerate(levels)
        }
        warm_up = _new_round(bench, len(rounds) + 1)
        vendor = connection.vendor
        if args.in_process:
            _in_process(bench, _new_round(bench, len(rounds)))
        connections.close_all()
        print(
            f"data: {args.households} households with representatives and API tokens, "
            f"{len(rounds)} open online matters in {seconds:.1f} s ({vendor})"
        )
        port = _free_port()
        log = work / "gunicorn.log"
        server = _start_server(env, port, log, args.workers, args.threads)
        _wait_ready(server, port, log)
        status = _run(server.pid, port, bench, rounds, warm_up, levels, args)
        if log.exists() and log.stat().st_size and status:
            print(f"gunicorn log (tail):\n{log.read_text()[-2000:]}", file=sys.stderr)
        return status
    finally:
        if server is not None:
            _stop_server(server)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if admin_url is not None:
            _pg_admin(admin_url, args.pg_database, create=False)
        shutil.rmtree(work, ignore_errors=True)


def _run(
    server_pid: int,
    port: int,
    bench: Village,
    rounds: dict[tuple[int, int], Round],
    warm_up: Round,
    levels: list[int],
    args: argparse.Namespace,
) -> int:
    from django.conf import settings
    from django.db import connections

    database = settings.DATABASES["default"]
    engine = str(database["ENGINE"]).rsplit(".", 1)[-1]
    print(
        f"server: gunicorn, {args.workers} "
        f"{'sync workers' if args.threads == 1 else f'gthread workers × {args.threads} threads'}, "
        f"DEBUG off, {HOST}:{port}, "
        f"{engine} CONN_MAX_AGE {database.get('CONN_MAX_AGE', 0)}; votes: "
        f"{len(bench.tokens)} households × {args.submissions} submissions per round; floor: "
        f"GET {FLOOR} for {args.duration:g} s before and after"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the run")
    # Warm-up, not counted: the floor, and a round of votes on a matter of its own, so that
    # each worker has opened its database connection, prepared its statements and loaded
    # what the vote path loads lazily before either is measured.
    _floor(port, 8, 1.0)
    _votes(port, warm_up, bench.tokens, args.submissions, max(levels), seed=-1)
    failed = False
    results: dict[int, list[tuple[float, float, float]]] = {level: [] for level in levels}
    for rep in range(args.repeat):
        for level in levels:
            cpu = [_cpu(server_pid)]
            before = _floor(port, level, args.duration)
            cpu.append(_cpu(server_pid))
            votes = _votes(
                port, rounds[(rep, level)], bench.tokens, args.submissions, level, seed=rep
            )
            cpu.append(_cpu(server_pid))
            after = _floor(port, level, args.duration)
            check = _verify(rounds[(rep, level)], votes.accepted)
            connections.close_all()  # do not hold the SQLite file between rounds
            floor = (before.rate + after.rate) / 2
            ratio = votes.rate / floor if floor else 0.0
            results[level].append((votes.rate, floor, ratio))
            answers = ", ".join(f"{s}: {n}" for s, n in sorted(votes.statuses.items()))
            print(
                f"  repetition {rep + 1}, {level:2d} connections: floor {before.rate:7.1f} req/s, "
                f"votes {votes.rate:6.1f}/s ({votes.requests} requests in {votes.seconds:.1f} s; "
                f"{answers}), floor {after.rate:7.1f} req/s → {ratio:.1%}; "
                f"Vote rows {check.votes} for {len(votes.accepted)} households answered, "
                f"duplicates {check.duplicates}, conflicts {check.conflicts}"
            )
            print(
                f"    CPU per request: floor {_cpu_per_request(cpu[0], cpu[1], before.requests)}; "
                f"vote {_cpu_per_request(cpu[1], cpu[2], votes.requests)}"
            )
            bad_floor = before.unexpected + after.unexpected + before.statuses[409]
            if (
                not check.ok or votes.unexpected or votes.server_errors or bad_floor
                or len(votes.accepted) != len(bench.tokens)
            ):  # fmt: skip
                failed = True
                print(
                    f"    FAILED: {votes.server_errors} server errors, {votes.unexpected} "
                    f"answers not 200/201/409 or failed connections, {check.missing} "
                    f"accepted without a row, {check.unexpected} rows never accepted, "
                    f"{len(bench.tokens) - len(votes.accepted)} households never accepted, "
                    f"{bad_floor} bad floor answers",
                    file=sys.stderr,
                )
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    for level in levels:
        rates = [r for r, _f, _x in results[level]]
        floors = [f for _r, f, _x in results[level]]
        ratio = statistics.median(x for _r, _f, x in results[level])
        p7 = ""
        if level == P7_CONCURRENCY:
            verdict = "met" if ratio >= P7_RATIO and not failed else "NOT met"
            p7 = f"   (P7: ≥ {P7_RATIO:.0%} with 0 server errors) — {verdict}"
        print(
            f"{level:2d} connections, median: votes {statistics.median(rates):7.1f}/s, floor "
            f"{statistics.median(floors):7.1f} req/s, ratio {ratio:6.1%}{p7}"
        )
    print(
        "R2 (one vote per household, 0 duplicates, 0 server errors, only 200/201/409): "
        + ("NOT met" if failed else "met")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
