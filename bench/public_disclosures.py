"""Public disclosure list benchmark (quality bar P1), run on demand:

    .venv/bin/python bench/public_disclosures.py [--disclosures 5000] [--duration 5]

In a temporary DANCHU_DATA_DIR: migrates a fresh SQLite database, creates one commune with
N published disclosures (bulk inserted: bench data), starts gunicorn (one sync worker, DEBUG
off, production settings plus the bench URLs) on a free loopback port, and measures with
keep-alive HTTP clients in threads (``--concurrency`` of them, ``--duration`` seconds each):

1. the floor: ``/bench/bare/<code>/`` — the same 50 rows of the same table, same ordering, one
   minimal inline template, behind the same middleware;
2. the item: the public list ``/xa/<code>/cong-khai/`` (real template, i18n, anonymous);
3. the floor again;

``--repeat`` times, and prints the medians and the ratio. P1: the page ≥ 50% of the floor's
req/s. Exits non-zero when any response is not a 200 (a server error, a refused connection).
Stops by itself: gunicorn is stopped and the temporary directory removed at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"
CODE = "18406"
HOST = "127.0.0.1"
P1_RATIO = 0.5


def _environment(data_dir: Path) -> dict[str, str]:
    """Production-like settings (DEBUG off) with throw-away keys; the bench URLs."""
    env = dict(os.environ)
    env.pop("DANCHU_DEBUG", None)
    env.pop("DATABASE_URL", None)  # always a fresh SQLite file in the temporary directory
    env.update(
        DANCHU_DATA_DIR=str(data_dir),
        DANCHU_SECRET_KEY=secrets.token_urlsafe(50),
        DANCHU_DATA_KEY=urlsafe_b64encode(secrets.token_bytes(32)).decode(),  # a Fernet key
        DANCHU_HTTPS="0",
        DANCHU_ALLOWED_HOSTS=HOST,
        DANCHU_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bench_settings",
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

TITLES = [
    "Công khai tình hình thực hiện dự toán ngân sách xã quý {q} năm {y}",
    "Danh sách hộ nghèo, hộ cận nghèo năm {y} sau rà soát",
    "Danh sách công dân gọi khám sức khỏe nghĩa vụ quân sự năm {y}",
    "Thông báo thu hồi đất thực hiện dự án đường giao thông liên thôn",
    "Kế hoạch huy động Nhân dân đóng góp xây dựng đường thôn năm {y}",
    "Lấy ý kiến Nhân dân về dự thảo kế hoạch sử dụng đất năm {y}",
    "Kết luận thanh tra việc quản lý, sử dụng kinh phí năm {y}",
    "Danh sách hộ được hỗ trợ khắc phục thiệt hại do bão tháng {m}/{y}",
    "Công khai mức thu phí, lệ phí tại UBND xã năm {y}",
    "Danh mục thủ tục hành chính thuộc thẩm quyền của UBND xã (cập nhật tháng {m}/{y})",
]


def _data(count: int) -> tuple[list[str], float]:
    """One commune with villages and ``count`` published disclosures; the 50 newest titles."""
    from django.db import transaction
    from django.db.models import OuterRef, Subquery

    from danchu.core.text import fold_vi
    from danchu.disclosure.models import Disclosure, DisclosureVersion, PublishingRecord
    from danchu.disclosure.rules import Channel
    from danchu.territory.models import AdministrativeUnit, Village

    started = time.perf_counter()
    rng = random.Random(18406)
    now = datetime.now(UTC)
    with transaction.atomic():
        province = AdministrativeUnit.objects.create(
            era="2025", level="province", code="42", name="Tỉnh Hà Tĩnh",
            name_folded="tinh ha tinh",
        )  # fmt: skip
        commune = AdministrativeUnit.objects.create(
            era="2025", level="commune", code=CODE, name="Xã Can Lộc", name_folded="xa can loc",
            parent=province,
        )  # fmt: skip
        Village.objects.bulk_create(
            Village(commune=commune, code=f"{i:02d}", name=f"Thôn {i}", name_folded=f"thon {i}")
            for i in range(1, 11)
        )
        rows = []
        for n in range(count):
            published = now - timedelta(seconds=rng.randint(3600, 730 * 86400))
            title = (
                rng.choice(TITLES).format(
                    q=rng.choice(["I", "II", "III", "IV"]), y=published.year, m=published.month
                )
                + f" — số {n + 1}"
            )
            issued = published.date() - timedelta(days=rng.randint(0, 4))
            source = f"Quyết định số {rng.randint(1, 900)}/QĐ-UBND"
            summary = (
                "Nội dung công khai theo Điều 11 Luật Thực hiện dân chủ ở cơ sở; niêm yết tại "
                "trụ sở UBND xã và nhà văn hóa các thôn, tổ dân phố."
            )
            rows.append((published, issued, title, source, summary, rng.randint(1, 14)))
        disclosures = Disclosure.objects.bulk_create(
            [
                Disclosure(
                    commune=commune,
                    # Draft until its version exists (a published row must have one).
                    status=Disclosure.Status.DRAFT,
                    category=category,
                    search_folded=fold_vi(f"{title} {summary} {source}"),
                    all_villages=True,
                    published_at=published,
                    first_published_at=published,
                )  # fmt: skip
                for published, _i, title, source, summary, category in rows
            ],
            batch_size=1000,
        )
        versions = DisclosureVersion.objects.bulk_create(
            [
                DisclosureVersion(
                    commune=commune,
                    disclosure=d,
                    number=1,
                    category=category,
                    title=title,
                    summary=summary,
                    source_document=source,
                    source_issued_on=issued,
                    duty_starts_on=issued,
                    deadline=issued + timedelta(days=7),
                    published_at=published,
                )  # fmt: skip
                for d, (published, issued, title, source, summary, category) in zip(
                    disclosures, rows, strict=True
                )
            ],
            batch_size=1000,
        )
        PublishingRecord.objects.bulk_create(
            [
                PublishingRecord(
                    commune=commune,
                    version=v,
                    channel=Channel.WEBSITE,
                    started_on=v.published_at.date() if v.published_at else v.source_issued_on,
                    performed_by="danchu",
                )  # fmt: skip
                for v in versions
            ],
            batch_size=1000,
        )
        first = DisclosureVersion.objects.filter(disclosure=OuterRef("pk")).values("pk")[:1]
        Disclosure.objects.filter(commune=commune).update(
            current_version=Subquery(first), public_version=Subquery(first)
        )
        Disclosure.objects.filter(commune=commune).update(status=Disclosure.Status.PUBLISHED)
    newest = sorted(zip(rows, disclosures, strict=True), key=lambda r: (r[0][0], r[1].pk))
    titles = [row[2] for row, _d in reversed(newest[-50:])]
    return titles, time.perf_counter() - started


# --- server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn", "danchu.config.wsgi:application",
        "--workers", "1", "--bind", f"{HOST}:{port}", "--log-level", "warning",
        "--error-logfile", str(log),
    ]  # fmt: skip
    # Its own session, so that the master and its worker can be stopped together.
    return subprocess.Popen(command, env=env, cwd=BENCH, start_new_session=True)


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.terminate()  # gunicorn stops its worker gracefully on SIGTERM
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group this script started
        server.wait(timeout=5)


def _get(port: int, path: str, timeout: float = 10) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_ready(server: subprocess.Popen[bytes], port: int, path: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            status, _body = _get(port, path, timeout=5)
        except OSError:
            time.sleep(0.2)
            continue
        if status == 200:
            return
        sys.exit(f"{path} answered {status}:\n{log.read_text()[-3000:]}")
    sys.exit("gunicorn did not answer within 60 s")


# --- load -------------------------------------------------------------------------------------


@dataclass
class Measure:
    path: str
    ok: int = 0
    other: int = 0  # any status other than 200
    server_errors: int = 0  # 5xx
    failures: int = 0  # connection errors, timeouts
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def bad(self) -> int:
        return self.other + self.failures


def _load(port: int, path: str, concurrency: int, duration: float) -> Measure:
    """``concurrency`` threads, each one keep-alive connection (reopened when the server closes
    it, as a sync gunicorn worker does after each response), for ``duration`` seconds."""
    measure = Measure(path)
    lock = threading.Lock()
    start = threading.Event()
    stop_at = [0.0]

    def client() -> None:
        ok = other = server_errors = failures = 0
        conn: http.client.HTTPConnection | None = None
        start.wait()
        while time.monotonic() < stop_at[0]:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    ok += 1
                else:
                    other += 1
                    server_errors += response.status >= 500
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                failures += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
        with lock:
            measure.ok += ok
            measure.other += other
            measure.server_errors += server_errors
            measure.failures += failures

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at[0] = began + duration
    start.set()
    for thread in threads:
        thread.join(timeout=duration + 30)
    measure.seconds = time.monotonic() - began
    return measure


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disclosures", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (1 <= args.concurrency <= 64 and 0.5 <= args.duration <= 60 and 1 <= args.repeat <= 9):
        parser.error("keep it bounded: concurrency 1–64, duration 0.5–60 s, repeat 1–9")

    work = Path(tempfile.mkdtemp(prefix="danchu-bench-public-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        env = _environment(work)
        (work / "static").mkdir()  # STATIC_ROOT: the pages link their CSS, never fetched here
        _setup(env)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        titles, seconds = _data(args.disclosures)
        connections.close_all()
        print(f"data: {args.disclosures} published disclosures in {seconds:.1f} s (SQLite)")

        port = _free_port()
        log = work / "gunicorn.log"
        bare, page = f"/bench/bare/{CODE}/", f"/xa/{CODE}/cong-khai/"
        server = _start_server(env, port, log)
        _wait_ready(server, port, bare, log)
        return _run(port, bare, page, titles, args)
    finally:
        if server is not None:
            _stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


def _run(port: int, bare: str, page: str, titles: list[str], args: argparse.Namespace) -> int:
    sizes = {}
    for path in (bare, page):
        status, body = _get(port, path)
        if status != 200:
            print(f"{path} answered {status}", file=sys.stderr)
            return 1
        sizes[path] = len(body)
        shown = sum(escape(t, quote=False) in body.decode() for t in titles)
        if shown != len(titles):
            print(f"{path} shows {shown} of the 50 newest disclosures", file=sys.stderr)
            return 1
    print(
        f"server: gunicorn, 1 sync worker, DEBUG off, {HOST}:{port}; load: "
        f"{args.concurrency} keep-alive clients × {args.duration:g} s per measurement"
    )
    print(f"page size: public list {sizes[page]:,} bytes; bare floor {sizes[bare]:,} bytes")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the run")
    _load(port, bare, args.concurrency, 1.0)  # warm-up, not counted
    _load(port, page, args.concurrency, 1.0)

    floors: list[float] = []
    items: list[float] = []
    ratios: list[float] = []
    measures: list[Measure] = []
    for n in range(1, args.repeat + 1):
        before = _load(port, bare, args.concurrency, args.duration)
        item = _load(port, page, args.concurrency, args.duration)
        after = _load(port, bare, args.concurrency, args.duration)
        measures += [before, item, after]
        floor = (before.rate + after.rate) / 2
        floors += [before.rate, after.rate]
        items.append(item.rate)
        ratios.append(item.rate / floor if floor else 0.0)
        print(
            f"  repetition {n}: floor {before.rate:7.1f} req/s, public list {item.rate:7.1f} "
            f"req/s, floor {after.rate:7.1f} req/s → {ratios[-1]:.1%}"
        )
    ratio = statistics.median(ratios)
    print(
        f"load average after the run: {os.getloadavg()[0]:.2f} (other work skews absolute figures)"
    )
    print(f"floor (bare 50-row view), median:  {statistics.median(floors):8.1f} req/s")
    print(f"public list (50 rows), median:     {statistics.median(items):8.1f} req/s")
    verdict = "met" if ratio >= P1_RATIO else "NOT met"
    print(f"ratio (median of repetitions):     {ratio:8.1%}   (P1: ≥ {P1_RATIO:.0%}) — {verdict}")
    bad = [m for m in measures if m.bad]
    for m in bad:
        print(
            f"errors on {m.path}: {m.other} non-200 ({m.server_errors} server errors), "
            f"{m.failures} connection failures",
            file=sys.stderr,
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
