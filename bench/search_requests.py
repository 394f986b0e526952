"""Search over citizens' requests, run on demand:

    .venv/bin/python bench/search_requests.py [--requests 1000000] [--runs 200]
        [--database-url postgres://postgres@127.0.0.1:5432/danchu_bench]

Migrates a fresh database (a temporary SQLite file, or the PostgreSQL database named by
``--database-url``, which is dropped and re-created: give a throw-away name), bulk inserts N
requests in one commune (bench data: varied Vietnamese subjects and texts over ten villages and
two years), then times, ``--runs`` times each, in this process:

1. the search the back-office queue runs — ``selectors.request_list(query=...)`` for a
   diacritic-free query, i.e. every word ``contains`` on the folded column (pg_trgm GIN index on
   PostgreSQL), newest first, the first page of 50 rows — for a common and a rare query;
2. a bare indexed lookup on the same table: one row by its tracking code (unique B-tree).

Prints the median and the 95th percentile of each in milliseconds. Nothing here is a pass/fail
bar; the numbers are what this machine measured.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from base64 import urlsafe_b64encode
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SRC = BENCH.parent / "src"
CODE = "18406"
PAGE = 50

SUBJECTS = [
    ("Đường liên thôn bị sụt lún", "Đoạn đường qua {v} bị sụt lún sau mưa, xe đi lại nguy hiểm."),
    ("Đèn đường không sáng", "Ba cột đèn đường ở {v} không sáng đã hơn một tuần."),
    ("Rác thải tập kết sai nơi quy định", "Rác đổ tràn ra đường ở đầu {v}, bốc mùi hôi."),
    ("Mương thoát nước bị tắc", "Mương ở {v} bị tắc, nước tràn vào nhà dân khi mưa to."),
    ("Nước sinh hoạt bị đục", "Nước máy cấp cho {v} mấy hôm nay bị đục, có mùi lạ."),
    ("Khiếu nại mức bồi thường thu hồi đất", "Không đồng ý mức bồi thường đất ở {v}."),
    ("Tố cáo thu tiền sai quy định", "Thu thêm tiền đóng góp ngoài danh mục ở {v}."),
    ("Xin thông tin quy hoạch", "Đề nghị cung cấp bản đồ quy hoạch sử dụng đất của {v}."),
    ("Tranh chấp ranh giới đất vườn", "Hai hộ ở {v} tranh chấp ranh giới đất vườn."),
    ("Loa truyền thanh bị hỏng", "Loa truyền thanh ở {v} không phát được thông báo."),
]
# A rare subject: about one request in 2,000 mentions the Máng bridge.
RARE = ("Cầu Máng xuống cấp", "Lan can cầu Máng ở {v} bị gãy, trẻ em đi học rất nguy hiểm.")
KINDS = ["feedback"] * 6 + ["complaint", "denunciation", "information", "dispute"]
QUERIES = {"common": "duong sut lun", "rare": "cau mang lan can"}


def _setup(database_url: str | None, folder: Path) -> None:
    os.environ.update(
        DANCHU_DATA_DIR=str(folder),
        DANCHU_SECRET_KEY=secrets.token_urlsafe(50),
        DANCHU_DATA_KEY=urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DANCHU_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="danchu.config.settings",
    )
    os.environ.pop("DANCHU_DEBUG", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
        _recreate(database_url)
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(SRC))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _recreate(url: str) -> None:
    """Drop and create the throw-away PostgreSQL database named in ``url``."""
    import psycopg

    base, _slash, name = url.rpartition("/")
    if not name.startswith("danchu_bench"):
        sys.exit("give a throw-away database whose name starts with danchu_bench")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _load(count: int) -> tuple[object, list[str], float]:
    from django.db import connection, transaction

    from danchu.core.text import fold_vi
    from danchu.petitions.models import CitizenRequest
    from danchu.petitions.services import new_tracking_code
    from danchu.territory.models import AdministrativeUnit, Village

    started = time.perf_counter()
    rng = random.Random(18406)
    province = AdministrativeUnit.objects.create(
        era="2025", level="province", code="42", name="Tỉnh Hà Tĩnh", name_folded="tinh ha tinh"
    )
    commune = AdministrativeUnit.objects.create(
        era="2025", level="commune", code=CODE, name="Xã Can Lộc", name_folded="xa can loc",
        parent=province,
    )  # fmt: skip
    villages = Village.objects.bulk_create(
        Village(commune=commune, code=f"{i:02d}", name=f"Thôn {i}", name_folded=f"thon {i}")
        for i in range(1, 11)
    )
    codes: list[str] = []
    first_day = date(2025, 1, 1)
    batch = 10_000
    for start in range(0, count, batch):
        rows = []
        for _ in range(min(batch, count - start)):
            village = rng.choice(villages)
            subject, text = RARE if rng.random() < 0.0005 else rng.choice(SUBJECTS)
            content = text.format(v=village.name) + f" Phản ánh số {rng.randint(1, 99999)}."
            code = new_tracking_code()
            codes.append(code)
            rows.append(
                CitizenRequest(
                    commune=commune,
                    village=village,
                    tracking_code=code,
                    kind=rng.choice(KINDS),
                    channel="web",
                    status="answered",
                    subject=subject,
                    content=content,
                    search_folded=fold_vi(f"{subject} {content}"),
                    received_on=first_day + timedelta(days=rng.randint(0, 700)),
                )  # fmt: skip
            )
        with transaction.atomic():
            CitizenRequest.objects.bulk_create(rows, batch_size=batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE petitions_citizenrequest")
    return commune, codes, time.perf_counter() - started


def _time(runs: int, work) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _summary(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    return f"{name:<42} median {statistics.median(samples):8.2f} ms   p95 {p95:8.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="danchu-bench-") as folder:
        _setup(args.database_url, Path(folder))
        from django.contrib.auth import get_user_model
        from django.db import connection

        from danchu.petitions import selectors
        from danchu.petitions.models import CitizenRequest

        commune, codes, seconds = _load(args.requests)
        print(f"{connection.vendor}: {args.requests:,} requests loaded in {seconds:.0f} s")
        # A superuser sees the commune's rows without role look-ups: the bench times the search.
        admin = get_user_model()(username="bench", is_superuser=True, is_active=True)
        rng = random.Random(1)
        for label, query in QUERIES.items():

            def search(query: str = query) -> int:
                rows = selectors.request_list(actor=admin, commune=commune, query=query)
                return len(list(rows[:PAGE]))

            hits = search()
            samples = _time(args.runs, search)
            print(_summary(f'search "{query}" ({label}, {hits} on page 1)', samples))

        def lookup() -> object:
            return CitizenRequest.objects.filter(tracking_code=rng.choice(codes)).first()

        print(_summary("bare lookup by tracking code (unique index)", _time(args.runs, lookup)))


if __name__ == "__main__":
    main()
