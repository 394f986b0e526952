"""A logging filter that masks citizen IDs and phone numbers that reach a log line by accident."""

from __future__ import annotations

import logging
import re

__all__ = ["RedactPersonalData", "redact"]

# 12-digit citizen IDs (CCCD) and Vietnamese mobile numbers (0 or +84 and 9 digits).
_CITIZEN_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+84|0)\d{9}(?!\d)")
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    text = _CITIZEN_ID.sub("[cccd]", text)
    return _PHONE.sub("[phone]", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record  # noqa: BLE001
            message = None
        if message is not None:
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        _redact_traceback(record)
        return True


def _redact_traceback(record: logging.LogRecord) -> None:
    """Exception messages and tracebacks carry values too (``ValueError: 0912345678``): format
    them now, redacted, so no handler formats the raw exception later."""
    if record.exc_info:
        record.exc_text = _FORMATTER.formatException(record.exc_info)
        record.exc_info = None
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
