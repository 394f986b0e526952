"""Form fields shared by the apps' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

__all__ = ["IdMultipleChoiceField"]

# The largest id a 64-bit integer column holds; a larger number must be a field error, not an
# OverflowError from the database driver (a 500).
_MAX_ID = 2**63 - 1


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` that refuses ids no row can have before querying."""

    def _check_values(self, value: Any) -> Any:  # Django's hook for the submitted ids
        for pk in value if isinstance(value, list | tuple) else [value]:
            text = str(pk)
            if not (text.isascii() and text.isdecimal()) or int(text) > _MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": text[:20]},
                )  # fmt: skip
        return super()._check_values(value)  # type: ignore[misc]
