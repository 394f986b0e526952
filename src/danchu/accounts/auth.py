"""Sign-in mechanics shared by the views: throttling, the second-factor rule, the pending session.

Throttling counts :class:`SignInFailure` rows within ``SIGNIN_WINDOW_SECONDS``, keyed by an HMAC of
what was tried (kind + user name / phone / slip) and, separately, by the client address. Keys are
hashed so the table holds no user names or phone numbers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from danchu.accounts.models import Role, RoleAssignment, SignInFailure, User

__all__ = [
    "PENDING_KEY",
    "clear_failures",
    "complete_sign_in",
    "identifier_key",
    "ip_key",
    "is_throttled",
    "needs_password_sign_in",
    "otp_required",
    "pending_user",
    "record_failure",
    "set_pending",
]

PENDING_KEY = "accounts_pending_user"
PENDING_AT_KEY = "accounts_pending_at"
# The password step is only good for a few minutes before the second factor must follow.
PENDING_SECONDS = 300
BACKEND = "django.contrib.auth.backends.ModelBackend"


def identifier_key(kind: str, identifier: str) -> str:
    value = f"{kind}:{identifier.strip().lower()}"
    return salted_hmac("danchu.accounts.signin", value, algorithm="sha256").hexdigest()


def ip_key(request: HttpRequest) -> str:
    return identifier_key("ip", request.META.get("REMOTE_ADDR", "") or "unknown")


def _window_start() -> Any:
    return timezone.now() - timedelta(seconds=settings.SIGNIN_WINDOW_SECONDS)


def _ip_limit() -> int:
    # One commune office or café may sign in many people from one address: allow it more tries
    # than a single account, still few enough to stop guessing at scale.
    return int(getattr(settings, "SIGNIN_MAX_FAILURES_PER_IP", 4 * settings.SIGNIN_MAX_FAILURES))


def is_throttled(request: HttpRequest, key: str | None = None) -> bool:
    """Whether the client address, or the tried identifier, has used up its failures."""
    recent = SignInFailure.objects.filter(at__gte=_window_start())
    if recent.filter(key=ip_key(request)).count() >= _ip_limit():
        return True
    return key is not None and recent.filter(key=key).count() >= settings.SIGNIN_MAX_FAILURES


def record_failure(request: HttpRequest, key: str | None = None) -> None:
    rows = [SignInFailure(key=ip_key(request))]
    if key is not None:
        rows.append(SignInFailure(key=key))
    SignInFailure.objects.bulk_create(rows)


def clear_failures(key: str) -> None:
    """A success forgives the account's earlier failures (not the address's)."""
    SignInFailure.objects.filter(key=key).delete()


def otp_required(user: User) -> bool:
    """Officials need the second factor once they set it up, when the deployment requires it,
    or when one of their communes does (CommuneProfile.require_official_otp)."""
    if user.otp_confirmed:
        return True
    roles = (
        RoleAssignment.objects.active()
        .filter(user=user)
        .exclude(role__in=[Role.HOUSEHOLD_REPRESENTATIVE, Role.RESIDENT])
    )
    if not roles.exists():
        return bool(user.is_superuser and settings.OFFICIALS_REQUIRE_OTP)
    if settings.OFFICIALS_REQUIRE_OTP:
        return True
    return roles.filter(commune__profile__require_official_otp=True).exists()


def needs_password_sign_in(user: User) -> bool:
    """Whether a slip or phone code (one factor, handed out by others) must not sign this person
    in: anyone with a role beyond their household, a second factor, or site administration."""
    if user.otp_confirmed or user.is_superuser or user.is_staff or otp_required(user):
        return True
    household = [Role.HOUSEHOLD_REPRESENTATIVE, Role.RESIDENT]
    return RoleAssignment.objects.active().filter(user=user).exclude(role__in=household).exists()


def set_pending(request: HttpRequest, user: User) -> None:
    """The password passed; the session knows who, but is not signed in yet."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = user.pk
    request.session[PENDING_AT_KEY] = timezone.now().timestamp()


def pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_KEY)
    started = request.session.get(PENDING_AT_KEY, 0)
    if user_id is None or timezone.now().timestamp() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def complete_sign_in(request: HttpRequest, user: User) -> None:
    """Fully sign in (rotates the session) and apply the person's language."""
    request.session.pop(PENDING_KEY, None)
    request.session.pop(PENDING_AT_KEY, None)
    login(request, user, backend=BACKEND)
