"""Household import benchmark (quality bar P6), run on demand:

    .venv/bin/python bench/import_households.py --households 100000

Generates a valid xlsx of N households (~3.5 residents each) in a temp dir, then measures in one
run on one machine:

1. the time to merely read the file with openpyxl in read-only mode (median of --repeat runs);
2. the full import (validate + write, one transaction) into a fresh database: SQLite in a
   temp DANCHU_DATA_DIR, or, when DATABASE_URL is set, a fresh ``test_…`` PostgreSQL database;
3. the raw bulk-insert floor into the same resident table: SQLite one-transaction
   ``executemany``, PostgreSQL ``COPY`` — measured before and after the import.

P6: import ≥ 25% of the raw insert rate, and ≤ 3× the read time. Prints all figures.
Never touches another database: the temp dir and the test database are removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def _setup(data_dir: Path) -> None:
    os.environ["DANCHU_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DANCHU_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "danchu.config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()


def _fresh_database() -> str | None:
    """Migrate a fresh database; on PostgreSQL a test database that is dropped at the end."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return old_name
    call_command("migrate", verbosity=0)
    return None


def _commune_with_villages(count: int = 10):
    from danchu.core.text import fold_vi
    from danchu.territory.models import AdministrativeUnit, Village

    province = AdministrativeUnit.objects.create(
        era="2025", level="province", code="42", name="Tỉnh Hà Tĩnh", name_folded="tinh ha tinh"
    )
    commune = AdministrativeUnit.objects.create(
        era="2025", level="commune", code="18406", name="Xã Can Lộc", name_folded="xa can loc",
        parent=province,
    )  # fmt: skip
    names = [f"Thôn {i}" for i in range(1, count + 1)]
    for i, name in enumerate(names, start=1):
        Village.objects.create(
            commune=commune, code=f"T{i:02d}", name=name, name_folded=fold_vi(name)
        )
    return commune, names


def _read_time(path: Path) -> tuple[float, int]:
    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return time.perf_counter() - started, rows


def _floor(rows: int) -> float:
    """Seconds to insert ``rows`` resident rows in one transaction, raw (then removed)."""
    from django.db import connection, transaction

    from danchu.territory.models import Household, Resident

    table = Resident._meta.db_table
    from danchu.territory.models import Village

    village = Village.objects.first()
    assert village is not None
    floor_household, _created = Household.objects.get_or_create(
        commune_id=village.commune_id, code="FLOOR", defaults={"village": village}
    )
    household_id, commune_id = floor_household.pk, village.commune_id
    now = datetime.now(UTC)
    values = [
        (commune_id, household_id, f"Nguyễn Văn Sàn {i}", f"nguyen van san {i}", None, "M",
         "gAAAAAB-floor-ciphertext-of-similar-length-" + "x" * 60, f"floor{i:059d}", "", "",
         False, now, now)
        for i in range(rows)
    ]  # fmt: skip
    columns = (
        "commune_id, household_id, full_name, name_folded, date_of_birth, sex, citizen_id, "
        "citizen_id_index, phone, phone_index, is_representative, created_at, updated_at"
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 13)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608
    elapsed = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        # Raw: the ORM's delete() would load (and decrypt) the fake ciphertexts.
        cursor.execute(f"DELETE FROM {table} WHERE citizen_id_index LIKE 'floor%%'")  # noqa: S608
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of the read and floor")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="danchu-bench-"))
    try:
        _setup(work)
        _run(work, args.households, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, households: int, repeat: int) -> None:
    from django.db import connection

    from danchu.territory.imports import household_import_run
    from danchu.territory.models import Resident
    from danchu.territory.tests.import_files import make_rows, write_xlsx

    old_name = _fresh_database()
    try:
        commune, villages = _commune_with_villages()
        path = work / "ho.xlsx"
        started = time.perf_counter()
        write_xlsx(path, make_rows(households, villages))
        print(
            f"generated {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f}s"
        )
        reads = [_read_time(path) for _ in range(repeat)]
        read = statistics.median(t for t, _n in reads)
        residents = reads[0][1] - 1
        floors = [_floor(residents) for _ in range(max(1, repeat // 2 + 1))]

        validated_at: list[float] = []

        def bar(done: int, total: int) -> None:
            # Steps: rows validated (first half), then rows written (second half).
            if 2 * done <= total:  # the last such call ends the validation phase
                validated_at[:] = [time.perf_counter()]
            if done % 100_000 < 2000:
                print(f"  … {done}/{total}", flush=True)

        started = time.perf_counter()
        result = household_import_run(
            actor=None, commune=commune, path=path, file_name=path.name, progress=bar
        )
        elapsed = time.perf_counter() - started
        assert result.status == "done", result.errors[:5]
        assert Resident.objects.count() == residents
        floors += [_floor(residents) for _ in range(max(1, repeat // 2))]
        floor = statistics.median(floors)
        write = started + elapsed - validated_at[0]
        _report(connection.vendor, households, residents, read, elapsed, floor, write)
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _report(
    vendor: str,
    households: int,
    residents: int,
    read: float,
    run: float,
    floor: float,
    write: float,
) -> None:
    rate, floor_rate, write_rate = residents / run, residents / floor, residents / write
    print(f"database: {vendor}; {households} households, {residents} residents")
    print(f"read-only openpyxl read (median): {read:8.1f} s")
    print(
        f"full import (validate + write):   {run:8.1f} s   = {run / read:.2f}× the read (P6: ≤ 3×)"
    )
    print(f"raw bulk insert floor (median):   {floor:8.1f} s   = {floor_rate:,.0f} rows/s")
    print(
        f"  of which the write phase:       {write:8.1f} s   = {write_rate:,.0f} rows/s"
        f" = {write_rate / floor_rate:.1%} of the floor  (P6: ≥ 25%)"
    )
    print(f"whole import rate: {rate:,.0f} rows/s = {rate / floor_rate:.1%} of the floor")


if __name__ == "__main__":
    main()
