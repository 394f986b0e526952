"""Errors that services raise and every interface turns into a 4xx answer."""

from __future__ import annotations

from typing import Any

__all__ = ["ApplicationError", "NotFound", "PermissionDenied", "ValidationFailed", "WrongState"]


class ApplicationError(Exception):
    """A refused use case: a stable ``code`` and a translated ``message``.

    ``fields`` maps a field name to its messages, for field-level errors in forms and the API.
    """

    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.fields = fields or {}
        self.extra = extra or {}


class ValidationFailed(ApplicationError):
    status = 422


class PermissionDenied(ApplicationError):
    status = 403


class NotFound(ApplicationError):
    """Missing and "another commune's" look the same to the caller (Zulip's access_* idea)."""

    status = 404


class WrongState(ApplicationError):
    """A step refused because of the current state of the row (already closed, issued, …)."""

    status = 409
