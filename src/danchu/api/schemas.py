"""Schemas every router shares: the error body, the page envelope and its query parameters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

__all__ = [
    "ERRORS",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_PK",
    "ErrorOut",
    "PageParams",
    "paginate",
    "with_errors",
]

MAX_LIMIT = 100
# Bounds that keep numbers inside what both databases accept (SQLite: 64-bit; ids: 32-bit
# serials at least), so that a huge number is a 422 rather than an overflow.
MAX_OFFSET = 10_000_000
MAX_PK = 2**31 - 1


class ErrorOut(Schema):
    """Every refusal: a stable code, a translated message, and messages per field."""

    code: str
    message: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


# Declared on every operation, so that clients (and schemathesis) know each refusal's shape.
ERRORS: dict[int, Any] = {status: ErrorOut for status in (400, 401, 403, 404, 409, 422, 429)}


def with_errors(responses: dict[int, Any]) -> dict[int, Any]:
    """The operation's success responses plus the shared error responses."""
    return {**responses, **ERRORS}


class PageParams(Schema):
    """limit/offset pagination; the limit is capped so one request cannot fetch everything."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Items per page (1–100).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


def paginate(qs: QuerySet[Any], page: PageParams) -> tuple[int, list[Any]]:
    """The total count and one page of rows: two queries whatever the size."""
    count = qs.count()
    items = list(qs[page.offset : page.offset + page.limit]) if page.offset < count else []
    return count, items
