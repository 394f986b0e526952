"""Generator of valid household files (xlsx, csv) for the import tests and bench/.

Deterministic from a seed; names are realistic, IDs and phones clearly fake (the phone block
``0990…`` and CCCD serials counting from 000000). Files are written to temp dirs, never committed.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

__all__ = ["HEADER", "make_rows", "write_csv", "write_xlsx"]

HEADER = [
    "STT", "Mã hộ", "Thôn/Tổ dân phố", "Địa chỉ", "Họ và tên", "Ngày sinh", "Giới tính",
    "Số CCCD", "Số điện thoại", "Chủ hộ/Đại diện",
]  # fmt: skip

_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
_MIDDLE_M = ["Văn", "Đức", "Hữu", "Quang", "Minh", "Công", "Đình"]
_MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim"]
_GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Long", "Nam", "Phúc", "Sơn", "Tuấn"]
_GIVEN_F = ["Anh", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Thảo", "Trang", "Yến"]
_STREETS = ["đường Làng", "ngõ Giếng", "xóm Đình", "đường Liên thôn", "xóm Chùa"]


def citizen_id_for(serial: int, born: date, sex: str, province: int = 42) -> str:
    """A structurally valid CCCD: province, sex/century digit, year, 6-digit serial."""
    digit = 2 * ((born.year - 1900) // 100) + (1 if sex == "F" else 0)
    return f"{province:03d}{digit}{born.year % 100:02d}{serial % 1_000_000:06d}"


def _person(rng: random.Random, sex: str, born: date) -> str:
    middle, given = (_MIDDLE_M, _GIVEN_M) if sex == "M" else (_MIDDLE_F, _GIVEN_F)
    return f"{rng.choice(_FAMILY)} {rng.choice(middle)} {rng.choice(given)}"


def make_rows(
    households: int,
    villages: Sequence[str],
    *,
    seed: int = 2025,
    code_prefix: str = "HGD",
    members: tuple[int, int] = (1, 6),
) -> Iterator[list[Any]]:
    """Rows (without header) of ``households`` households, ~3.5 residents each on average.

    Each resident gets a unique CCCD (serial = row index, so < 1,000,000 residents).
    """
    rng = random.Random(seed)
    serial = 0
    for number in range(1, households + 1):
        code = f"{code_prefix}{number:06d}"
        village = villages[number % len(villages)]
        address = f"Số {rng.randint(1, 300)}, {rng.choice(_STREETS)}, {village}"
        for member in range(rng.randint(*members)):
            sex = "M" if (member == 0) == (rng.random() < 0.7) else "F"
            born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 80))
            phone = f"0990{serial % 1_000_000:06d}" if member == 0 else ""
            serial += 1
            yield [
                serial, code, village, address, _person(rng, sex, born),
                born.strftime("%d/%m/%Y"), "Nam" if sex == "M" else "Nữ",
                citizen_id_for(serial, born, sex), phone, "x" if member == 0 else "",
            ]  # fmt: skip


def write_xlsx(path: Path | str, rows: Iterator[list[Any]], header: list[str] = HEADER) -> Path:
    """A workbook written in openpyxl's streaming write-only mode; CCCDs as text cells."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return Path(path)


def write_csv(
    path: Path | str, rows: Iterator[list[Any]], header: list[str] = HEADER, delimiter: str = ","
) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return Path(path)
