"""Field-level validation shared by the services: collect every field's errors, then refuse
once with all of them (forms and the API show each under its field)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from danchu.core.errors import ValidationFailed
from danchu.core.text import normalize_spaces

__all__ = ["FieldErrors", "acting_person", "clean_text"]


@dataclass
class FieldErrors:
    """The errors found so far, by field name."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(
                _("Please correct the errors below."), code="invalid", fields=self.fields
            )


def clean_text(
    errors: FieldErrors, name: str, value: Any, limit: int, *, required: bool = True
) -> str:
    """``value`` as stored text: spaces normalised on one line (kept across lines), at most
    ``limit`` characters, no invisible control characters; problems go to ``errors``."""
    if value is not None and not isinstance(value, str):
        errors.add(name, _("Enter a valid value."))
        return ""
    raw = value or ""
    text = raw.strip() if "\n" in raw else normalize_spaces(raw)
    if required and not text:
        errors.add(name, _("This field is required."))
    elif len(text) > limit:
        errors.add(name, _("At most %(limit)s characters.") % {"limit": limit})
    elif any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text):
        errors.add(name, _("Remove the invisible control characters from this text."))
    return text


def acting_person(actor: Any) -> Any:
    """The signed-in person behind ``actor`` for the audit trail (``None`` for anonymous)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None
