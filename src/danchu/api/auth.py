"""API authentication: a bearer token for integrations, or the browser's session.

Tokens are stored as the SHA-256 of the key (``ApiToken.key_hash``); a revoked token or an
inactive person is refused. Session authentication checks CSRF on unsafe methods (ninja's
``SessionAuth``), so a page cannot be tricked into writing through the API.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from danchu.accounts.codes import hash_token
from danchu.accounts.models import ApiToken, Role, RoleAssignment, User
from danchu.accounts.permissions import Grant
from danchu.core.rows import Columns, adapt_date, prepared_cursor
from danchu.territory.models import AdministrativeUnit, Household, Resident

__all__ = ["ALONG", "AUTH", "Along", "BearerToken", "actor_of"]

# Longer than any key we issue; a bound so a pasted megabyte is not hashed.
_MAX_TOKEN_LENGTH = 200
# last_used_at is a convenience for the token list: written at most this often.
_TOUCH_EVERY = timedelta(minutes=5)
# The token's person, their resident record, household and commune. The encrypted personal
# fields are left out (deferred: read only if something asks for them): the API never needs
# them to authorise a request, and decrypting them on every request costs.
_TOKEN = Columns(ApiToken, "t", only={"id", "last_used_at"})
# Nor are the password, the sign-in and record times: an API request does not read them, and
# SQLite's datetime converters cost ~20 µs each (read on access if something asks).
_USER = Columns(User, "u", exclude={"phone", "otp_secret", "password", "last_login", "date_joined"})
_RESIDENT = Columns(Resident, "r", exclude={"citizen_id", "phone", "created_at", "updated_at"})
_HOUSEHOLD = Columns(Household, "h", exclude={"created_at", "updated_at"})
_COMMUNE = Columns(AdministrativeUnit, "c")
_GRANT_WIDTH = 5  # role, unit, commune, village, the commune's province


class Along(NamedTuple):
    """A read that rides along with the token's, in the same statement (quality bar P7: one
    round trip fewer on the hottest endpoint): ``sql`` is a subquery joined ``LATERAL`` once
    the person's household is known — it may refer to the household's id as ``h."id"`` (NULL
    for a person with no household) — with its ``params``. It never filters the token's rows:
    the token is accepted or refused exactly as without it."""

    sql: str
    params: Sequence[Any]


# The reads that ride along with the token's, by the endpoint's URL name: an app registers
# its own (the decisions app, the online vote's read).
ALONG: dict[str, Callable[[HttpRequest], Along | None]] = {}


@cache
def _token_sql(vendor: str, along: str = "") -> str:
    """One statement for the token, its person (with resident, household and commune) and the
    person's active role assignments, one row per assignment (quality bar P7: the ORM's
    compilation of this join and of the grants' query cost ~2.5 ms a request, the statement a
    few hundredths of a millisecond)."""
    q = connection.ops.quote_name

    def t(model: Any) -> str:
        return q(model._meta.db_table)

    return (
        f"SELECT {_TOKEN.sql()}, "  # noqa: S608 - names only, values are parameters
        f"ra.{q('role')}, ra.{q('unit_id')}, ra.{q('commune_id')}, ra.{q('village_id')}, "
        f"rc.{q('parent_id')}, {_USER.sql()}, {_RESIDENT.sql()}, {_HOUSEHOLD.sql()}, "
        f"{_COMMUNE.sql()}{', a.*' if along else ''} "
        f"FROM {t(ApiToken)} t INNER JOIN {t(User)} u ON u.{q('id')} = t.{q('user_id')} "
        f"LEFT JOIN {t(Resident)} r ON r.{q('id')} = u.{q('resident_id')} "
        f"LEFT JOIN {t(Household)} h ON h.{q('id')} = r.{q('household_id')} "
        f"LEFT JOIN {t(AdministrativeUnit)} c ON c.{q('id')} = h.{q('commune_id')} "
        # RoleAssignment.objects.active(on): valid_from <= on and (no end or valid_to >= on).
        f"LEFT JOIN {t(RoleAssignment)} ra ON ra.{q('user_id')} = u.{q('id')} "
        f"AND ra.{q('valid_from')} <= %s "
        f"AND (ra.{q('valid_to')} IS NULL OR ra.{q('valid_to')} >= %s) "
        f"LEFT JOIN {t(AdministrativeUnit)} rc ON rc.{q('id')} = ra.{q('commune_id')} "
        + (f"LEFT JOIN LATERAL ({along}) a ON TRUE " if along else "")
        + f"WHERE t.{q('key_hash')} = %s AND t.{q('revoked_at')} IS NULL "
        f"AND u.{q('is_active')} = %s "
        f"ORDER BY ra.{q('role')}, ra.{q('valid_from')}, ra.{q('id')}"
    )


def _load(
    key_hash: str, on: date, along: Along | None = None
) -> tuple[int, Any, User, list[Grant], tuple[Any, ...] | None] | None:
    """The token's id and last use, its person with their resident record, household and
    commune cached on it, and the person's grants on ``on`` — as
    :func:`danchu.accounts.permissions.grants_for` computes them (tested side by side); and
    the row of the ``along`` read, if one was asked for."""
    sql = _token_sql(connection.vendor, along.sql if along else "")
    params = [adapt_date(on), adapt_date(on), *(along.params if along else ()), key_hash, True]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    along_row = tuple(first[_WIDTH:]) if along else None
    token = _TOKEN.build(first)
    at = _TOKEN.width + _GRANT_WIDTH
    user = _USER.build(first, at)
    at += _USER.width
    household_id = None
    if user.resident_id is not None:  # type: ignore[attr-defined]
        resident = _RESIDENT.build(first, at)
        household = _HOUSEHOLD.build(first, at + _RESIDENT.width)
        commune = _COMMUNE.build(first, at + _RESIDENT.width + _HOUSEHOLD.width)
        Household._meta.get_field("commune").set_cached_value(household, commune)  # type: ignore[union-attr]
        Resident._meta.get_field("household").set_cached_value(resident, household)  # type: ignore[union-attr]
        field = User._meta.get_field("resident")
        field.set_cached_value(user, resident)  # type: ignore[union-attr]
        field.remote_field.set_cached_value(resident, user)  # type: ignore[union-attr]
        household_id = resident.household_id
    grants = []
    for row in rows:
        role, unit_id, commune_id, village_id, province_id = row[
            _TOKEN.width : _TOKEN.width + _GRANT_WIDTH
        ]
        if role is None:  # no active role: the LEFT JOIN's empty row
            continue
        grants.append(
            Grant(
                Role(role),
                unit_id if role == Role.PROVINCE_READER else province_id,
                commune_id,
                village_id,
                household_id,
                user.pk,
            )
        )
    return token.pk, token.last_used_at, user, grants, along_row


_WIDTH = (
    _TOKEN.width + _GRANT_WIDTH + _USER.width + _RESIDENT.width + _HOUSEHOLD.width
    + _COMMUNE.width
)  # fmt: skip


class BearerToken(HttpBearer):
    """``Authorization: Bearer <key>`` with a key from ``api_token_create``.

    An endpoint may have its own read ride along with the token's (:meth:`along`); its row is
    left on the request as ``request.token_along`` for the endpoint to use."""

    def along(self, request: HttpRequest) -> Along | None:
        match = getattr(request, "resolver_match", None)
        build = ALONG.get(match.url_name or "") if match is not None else None
        return build(request) if build is not None else None

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = (token or "").strip()
        if not token or len(token) > _MAX_TOKEN_LENGTH:
            return None
        key_hash = hash_token(token)  # SHA-256 of the key, as api_token_create stored it
        on = timezone.localdate()
        along = self.along(request)
        found = _load(key_hash, on, along)
        if found is None:
            return None
        token_id, last_used_at, user, grants, along_row = found
        if along is not None:
            request.token_along = (along, along_row)  # type: ignore[attr-defined]
        # The grants cache of danchu.accounts.permissions.grants_for, filled with this read.
        user.__dict__["_danchu_grants"] = {on: grants}
        now = timezone.now()
        if last_used_at is None or now - last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        return user


AUTH = [BearerToken(), SessionAuth()]


def actor_of(request: HttpRequest) -> Any:
    """The authenticated person (set by whichever authentication succeeded)."""
    return getattr(request, "auth", None) or request.user
