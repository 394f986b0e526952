"""A logging filter that masks citizen IDs and phone numbers that reach a log line by accident."""

from __future__ import annotations

import logging
import re

__all__ = ["RedactPersonalData", "redact"]

# 12-digit citizen IDs (CCCD) and Vietnamese mobile numbers (0 or +84 and 9 digits).
_CITIZEN_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+84|0)\d{9}(?!\d)")


def redact(text: str) -> str:
    text = _CITIZEN_ID.sub("[cccd]", text)
    return _PHONE.sub("[phone]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record  # noqa: BLE001
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
