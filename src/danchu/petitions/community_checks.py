"""Input checks shared by the reception, dialogue and mediation services."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.text import normalize_spaces

__all__ = ["WrongState", "invalid", "optional_text", "required_text", "valid_date"]

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class WrongState(ApplicationError):
    """A step refused because of the row's current state (cancelled, already closed, full)."""

    status = 409


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        _("Please correct the errors below."), code="invalid", fields={field: [message]}
    )


def required_text(
    value: str | None, field: str, max_length: int, *, multiline: bool = False
) -> str:
    """Trimmed text, or a field error when empty or too long."""
    text = (value or "").strip() if multiline else normalize_spaces(value)
    if not text:
        raise invalid(field, _("This field is required."))
    if len(text) > max_length:
        raise invalid(field, _("Keep this under %(max)d characters.") % {"max": max_length})
    return text


def optional_text(value: str | None, field: str, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise invalid(field, _("Keep this under %(max)d characters.") % {"max": max_length})
    return text


def valid_date(value: date, field: str) -> date:
    if not EARLIEST <= value <= LATEST:
        raise invalid(field, _("Enter a date between 2000 and 2100."))
    return value
