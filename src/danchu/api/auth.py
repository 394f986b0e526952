"""API authentication: a bearer token for integrations, or the browser's session.

Tokens are stored as the SHA-256 of the key (``ApiToken.key_hash``); a revoked token or an
inactive person is refused. Session authentication checks CSRF on unsafe methods (ninja's
``SessionAuth``), so a page cannot be tricked into writing through the API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from danchu.accounts.codes import hash_token
from danchu.accounts.models import ApiToken

__all__ = ["AUTH", "BearerToken", "actor_of"]

# Longer than any key we issue; a bound so a pasted megabyte is not hashed.
_MAX_TOKEN_LENGTH = 200
# last_used_at is a convenience for the token list: written at most this often.
_TOUCH_EVERY = timedelta(minutes=5)


class BearerToken(HttpBearer):
    """``Authorization: Bearer <key>`` with a key from ``api_token_create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = (token or "").strip()
        if not token or len(token) > _MAX_TOKEN_LENGTH:
            return None
        key_hash = hash_token(token)  # SHA-256 of the key, as api_token_create stored it
        row = (
            # The person's resident record, household and commune come with the token (one
            # query fewer for a household representative's vote, quality bar P7), without the
            # encrypted personal fields, which the API never needs to authorise a request.
            ApiToken.objects.select_related("user__resident__household__commune")
            .defer("user__resident__citizen_id", "user__resident__phone")
            .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
            .order_by("pk")
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


AUTH = [BearerToken(), SessionAuth()]


def actor_of(request: HttpRequest) -> Any:
    """The authenticated person (set by whichever authentication succeeded)."""
    return getattr(request, "auth", None) or request.user
