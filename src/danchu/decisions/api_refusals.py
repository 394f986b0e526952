"""How the decisions API answers a service's plain refusal: 422 with the law's reason."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from danchu.core.errors import ApplicationError

__all__ = ["Refused", "refusals_as_422"]


class Refused(ApplicationError):
    """The law refuses the step as asked (too late, before its prerequisite, more inner
    ballots than envelopes returned, the same person entering twice): 422."""

    status = 422


@contextmanager
def refusals_as_422() -> Iterator[None]:
    """The services' plain refusals (the law's, with the article) as 422; field errors (422),
    state (409), permission (403) and absence (404) keep their own status."""
    try:
        yield
    except ApplicationError as exc:
        if type(exc) is ApplicationError:
            raise Refused(exc.message, code=exc.code, fields=exc.fields) from exc
        raise
