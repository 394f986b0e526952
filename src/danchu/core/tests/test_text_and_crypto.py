import logging

import pytest
from django.db import connection

from danchu.core.crypto import blind_index, mask_citizen_id, mask_phone
from danchu.core.logging import RedactPersonalData, redact
from danchu.core.text import fold_vi


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("ĐẶNG Thị  Đào", "dang thi dao"),
        ("ngân sách", "ngan sach"),
        ("Thôn Phú Thượng", "thon phu thuong"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_vi(text, folded):
    assert fold_vi(text) == folded


def test_masks_show_only_the_tail():
    assert mask_citizen_id("042095001234") == "*********234"
    assert mask_phone("0912345667") == "091*****67"
    assert mask_citizen_id("") == ""


def test_blind_index_is_stable_and_not_the_value():
    assert blind_index("042095001234") == blind_index("042095001234")
    assert "042095001234" not in blind_index("042095001234")
    assert blind_index("") == ""


@pytest.mark.django_db
def test_a_database_dump_does_not_reveal_citizen_ids_or_phones():
    from danchu.territory.tests.factories import ResidentFactory

    resident = ResidentFactory(citizen_id="042095001234", phone="0912345667")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citizen_id, phone, citizen_id_index FROM territory_resident WHERE id = %s",
            [resident.pk],
        )
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert "042095001234" not in raw
    assert "0912345667" not in raw
    resident.refresh_from_db()
    assert resident.citizen_id == "042095001234"
    assert resident.citizen_id_masked == "*********234"


def test_log_lines_lose_citizen_ids_and_phones():
    assert redact("CCCD 042095001234, ĐT 0912345667 / +84912345667") == (
        "CCCD [cccd], ĐT [phone] / [phone]"
    )
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "id=%s", ("042095001234",), None)
    RedactPersonalData().filter(record)
    assert record.getMessage() == "id=[cccd]"


def test_exception_text_and_stack_are_redacted_too():
    import sys

    try:
        raise ValueError("gateway refused 0912345678")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "send failed", (), sys.exc_info(),
            sinfo="Stack (most recent call last):\n  phone = '0912345678'",
        )  # fmt: skip
    RedactPersonalData().filter(record)
    line = logging.Formatter().format(record)
    assert "ValueError: gateway refused [phone]" in line
    assert "[phone]'" in line  # the stack too
    assert "0912345678" not in line
    assert record.exc_info is None
