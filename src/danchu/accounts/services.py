"""Accounts: the writes — people, roles, sign-in slips, phone codes, API tokens, second factor.

Every function is keyword-only with ``actor`` first (``None`` = the command line or the system),
atomic, checks the permission layer and writes an audit entry. Secrets never enter the audit
trail or the logs; clear codes are returned once and stored only as hashes.
"""

from __future__ import annotations

import functools
import logging
from datetime import date, timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from danchu.accounts import codes
from danchu.accounts.models import (
    VILLAGE_ROLES,
    ApiToken,
    PhoneSignInCode,
    Role,
    RoleAssignment,
    SignInSlip,
    User,
)
from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.core.crypto import blind_index, mask_phone
from danchu.core.errors import PermissionDenied, ValidationFailed
from danchu.territory.models import AdministrativeUnit, Resident, Village

__all__ = [
    "PHONE_CODE_MAX_ATTEMPTS",
    "api_token_create",
    "api_token_revoke",
    "is_official",
    "official_create",
    "otp_setup_begin",
    "otp_setup_confirm",
    "otp_uri",
    "otp_verify",
    "password_set",
    "phone_code_send",
    "phone_code_verify",
    "resident_account_for",
    "role_end_set",
    "role_grant",
    "role_revoke",
    "slip_issue",
    "slip_redeem",
    "user_for_api_token",
]

logger = logging.getLogger("danchu.accounts")

PHONE_CODE_MAX_ATTEMPTS = 5
PHONE_CODE_MINUTES = 10
OTP_ISSUER = "danchu"
# Roles a person signs in to with a password (everyone but household members).
PASSWORD_ROLES = frozenset(Role) - {Role.HOUSEHOLD_REPRESENTATIVE, Role.RESIDENT}


def _invalid(field: str, message: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [message]})


def _refuse_officials(user: User) -> None:
    """Slips and phone codes are one factor only: whoever holds a role beyond their household
    (or runs the site) must sign in with a password and, where required, the second factor."""
    if user.is_superuser or user.is_staff or is_official(user):
        message = _("Officials sign in with their password.")
        raise _invalid("user", message, "official")


def _is_system(actor: Any) -> bool:
    return actor is None


def _require_self_or_admin(actor: Any, user: User) -> None:
    """Personal secrets (tokens, second factor, password) are the person's own business."""
    if _is_system(actor) or actor.pk == user.pk or getattr(actor, "is_superuser", False):
        return
    raise PermissionDenied(_("You are not allowed to do this."), code="forbidden")


# ---------------------------------------------------------------------------------------------
# People and roles


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise ValidationFailed(
            messages[0], code="weak_password", fields={"password": messages}
        ) from exc


@transaction.atomic
def official_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    password: str,
    commune: AdministrativeUnit,
    role: str,
    village: Village | None = None,
) -> User:
    """An official's account with its first role (the role grant is checked and audited too)."""
    if not _is_system(actor):
        require(actor, Action.ROLE_MANAGE, commune)
    username = (username or "").strip()
    if not username:
        raise _invalid("username", _("Enter a user name."), "required")
    if User.objects.filter(username__iexact=username).exists():
        raise _invalid("username", _("This user name is already taken."), "duplicate")
    if role not in PASSWORD_ROLES:
        raise _invalid("role", _("This role signs in with a slip or a phone code."), "role")
    _check_password(password)
    user = User(username=username, full_name=(full_name or "").strip())
    user.set_password(password)
    user.save()
    audit.record(
        actor=actor, action="accounts.user.create", obj=user, commune_id=commune.pk,
        after={"username": user.username, "full_name": user.full_name},
    )  # fmt: skip
    role_grant(actor=actor, user=user, role=role, unit=commune, village=village)
    return user


def _validate_role(
    role: str, unit: AdministrativeUnit, village: Village | None
) -> AdministrativeUnit | None:
    """Check the unit/village fit the role; return the commune key (None for province roles)."""
    if role not in Role.values:
        raise _invalid("role", _("Choose a valid role."), "role")
    if role == Role.PROVINCE_READER:
        if unit.level != AdministrativeUnit.Level.PROVINCE:
            raise _invalid("unit", _("A province reader is appointed in a province."), "unit")
        if village is not None:
            raise _invalid("village", _("This role is not held in a village."), "village")
        return None
    if unit.level != AdministrativeUnit.Level.COMMUNE or unit.era != AdministrativeUnit.Era.CURRENT:
        raise _invalid("unit", _("Choose a commune of the 2025 list."), "unit")
    if role in VILLAGE_ROLES:
        if village is None:
            raise _invalid("village", _("This role is held in a village: choose one."), "required")
        if village.commune_id != unit.pk:
            raise _invalid("village", _("This village belongs to another commune."), "village")
    elif village is not None:
        raise _invalid("village", _("This role is not held in a village."), "village")
    return unit


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    unit: AdministrativeUnit,
    village: Village | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> RoleAssignment:
    """Give ``user`` ``role`` in ``unit`` (and ``village``) between two dates."""
    commune = _validate_role(role, unit, village)
    if not _is_system(actor):
        # Province roles are granted by the system administrator only (no scope covers them).
        require(actor, Action.ROLE_MANAGE, commune or unit)
    if role in PASSWORD_ROLES and not user.has_usable_password():
        # A resident's account signs in by slip or phone code alone; an official role on it
        # would let whoever prints slips sign in as that official.
        message = _(
            "This person signs in with a slip or a phone code and has no password. Officials "
            "sign in with a password: create an official account (user name and password) "
            "for them and grant the role to that account."
        )
        raise _invalid("user", message, "no_password")
    return _grant(
        actor=actor, user=user, role=role, unit=unit, commune=commune, village=village,
        valid_from=valid_from, valid_to=valid_to,
    )  # fmt: skip


def _grant(
    *,
    actor: Any,
    user: User,
    role: str,
    unit: AdministrativeUnit,
    commune: AdministrativeUnit | None,
    village: Village | None,
    valid_from: date | None,
    valid_to: date | None,
) -> RoleAssignment:
    """Create and audit an assignment already validated and permitted."""
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to < valid_from:
        raise _invalid("valid_to", _("The end date must not be before the start date."), "dates")
    assignment = RoleAssignment.objects.create(
        user=user, role=role, unit=unit, commune=commune, village=village,
        valid_from=valid_from, valid_to=valid_to,
        granted_by=actor if not _is_system(actor) else None,
    )  # fmt: skip
    user.__dict__.pop("_danchu_grants", None)
    audit.record(
        actor=actor, action="accounts.role.grant", obj=assignment,
        commune_id=commune.pk if commune else None, after=_assignment_data(assignment),
    )  # fmt: skip
    return assignment


def _assignment_data(a: RoleAssignment) -> dict[str, Any]:
    return {
        "user_id": a.user_id, "role": a.role, "unit_id": a.unit_id, "village_id": a.village_id,
        "valid_from": a.valid_from, "valid_to": a.valid_to,
    }  # fmt: skip


@transaction.atomic
def role_revoke(
    *, actor: Any, assignment: RoleAssignment, on: date | None = None
) -> RoleAssignment:
    """End a role on ``on`` (default today). Rows are never deleted: history keeps who held it."""
    if not _is_system(actor):
        require(actor, Action.ROLE_MANAGE, assignment)
    on = on or timezone.localdate()
    if on < assignment.valid_from:
        raise _invalid("on", _("A role cannot end before it starts."), "dates")
    if assignment.valid_to is not None and assignment.valid_to <= on:
        raise _invalid("on", _("This role has already ended."), "ended")
    before = _assignment_data(assignment)
    assignment.valid_to = on
    assignment.save(update_fields=["valid_to"])
    audit.record(
        actor=actor, action="accounts.role.revoke", obj=assignment,
        commune_id=assignment.commune_id, before=before, after=_assignment_data(assignment),
    )  # fmt: skip
    return assignment


@transaction.atomic
def role_end_set(*, actor: Any, assignment: RoleAssignment, valid_to: date) -> RoleAssignment:
    """Move a role's planned end (earlier or later), e.g. when the office it comes with is
    shortened or extended. A role that has already ended stays ended."""
    if not _is_system(actor):
        require(actor, Action.ROLE_MANAGE, assignment)
    if valid_to < assignment.valid_from:
        raise _invalid("valid_to", _("The end date must not be before the start date."), "dates")
    if assignment.valid_to is not None and assignment.valid_to < timezone.localdate():
        raise _invalid("valid_to", _("This role has already ended."), "ended")
    before = _assignment_data(assignment)
    assignment.valid_to = valid_to
    assignment.save(update_fields=["valid_to"])
    assignment.user.__dict__.pop("_danchu_grants", None)
    audit.record(
        actor=actor, action="accounts.role.end_set", obj=assignment,
        commune_id=assignment.commune_id, before=before, after=_assignment_data(assignment),
    )  # fmt: skip
    return assignment


@transaction.atomic
def resident_account_for(*, actor: Any, resident: Resident) -> User:
    """The account of a household member, created on first need, with the role that fits
    (household representative or resident) in the household's village."""
    if not _is_system(actor):
        require(actor, Action.SLIP_ISSUE, resident)
    household = resident.household
    user: User | None = User.objects.filter(resident=resident).first()
    if user is None:
        user = User(
            username=f"r{resident.commune_id}-{resident.pk}", full_name=resident.full_name,
            resident=resident,
        )  # fmt: skip
        user.set_unusable_password()
        _copy_phone(user, resident)
        user.save()
        audit.record(
            actor=actor, action="accounts.user.create", obj=user, commune_id=resident.commune_id,
            after={"username": user.username, "resident_id": resident.pk},
        )  # fmt: skip
    else:
        _refuse_officials(user)
    role = Role.HOUSEHOLD_REPRESENTATIVE if resident.is_representative else Role.RESIDENT
    has_role = (
        RoleAssignment.objects.active()
        .filter(user=user, role=role, village_id=household.village_id)
        .exists()
    )
    if not has_role:
        # Issuing slips (checked above) includes giving the member their household role.
        _grant(
            actor=actor, user=user, role=role, unit=resident.commune, commune=resident.commune,
            village=household.village, valid_from=None, valid_to=None,
        )  # fmt: skip
    return user


def _copy_phone(user: User, resident: Resident) -> None:
    phone = codes.normalise_phone(resident.phone or "")
    user.phone = phone
    user.phone_index = blind_index(phone)


# ---------------------------------------------------------------------------------------------
# Printed slips


def _slip_days() -> int:
    return int(getattr(settings, "SIGNIN_SLIP_DAYS", 30))


@transaction.atomic
def slip_issue(*, actor: Any, user: User) -> tuple[SignInSlip, str]:
    """A new one-time slip for a household member; earlier unused slips stop working.

    Returns the slip and the clear code (``ABCDE-FGHJK``), which is never stored.
    """
    resident = user.resident
    if resident is None:
        raise _invalid("user", _("Slips are for household members only."), "not_resident")
    if not _is_system(actor):
        require(actor, Action.SLIP_ISSUE, resident)
    _refuse_officials(user)
    now = timezone.now()
    SignInSlip.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    code = codes.new_slip_code()
    slip = SignInSlip.objects.create(
        commune_id=resident.commune_id, user=user, code_hash=codes.hash_secret("slip", code),
        issued_by=None if _is_system(actor) else actor,
        expires_at=now + timedelta(days=_slip_days()),
    )  # fmt: skip
    audit.record(
        actor=actor, action="accounts.slip.issue", obj=slip, commune_id=slip.commune_id,
        after={"user_id": user.pk, "expires_at": slip.expires_at},
    )  # fmt: skip
    return slip, codes.format_slip_code(code)


@transaction.atomic
def slip_redeem(*, code: str) -> User | None:
    """The person a valid, unused slip code belongs to (the slip is used up), or None."""
    normalised = codes.normalise_slip_code(code)
    if len(normalised) != codes.SLIP_LENGTH:
        return None
    slip = (
        SignInSlip.objects.select_for_update()
        .select_related("user")
        .filter(code_hash=codes.hash_secret("slip", normalised))
        .first()
    )
    now = timezone.now()
    if slip is None or slip.used_at or slip.revoked_at or slip.expires_at <= now:
        return None
    if not slip.user.is_active:
        return None
    slip.used_at = now
    slip.save(update_fields=["used_at"])
    audit.record(
        actor=slip.user, action="accounts.slip.use", obj=slip, commune_id=slip.commune_id,
    )  # fmt: skip
    return slip.user


# ---------------------------------------------------------------------------------------------
# Phone + one-time code


def _users_for_phone(phone: str) -> list[User]:
    index = blind_index(codes.normalise_phone(phone))
    if not index:
        return []
    users = list(User.objects.filter(phone_index=index, is_active=True)[:2])
    if users:
        return users
    residents = list(Resident.objects.filter(phone_index=index)[:2])
    if len(residents) == 1:
        # Known to the commune's register but never signed in: the account is made now.
        try:
            return [resident_account_for(actor=None, resident=residents[0])]
        except ValidationFailed:
            return []  # an official's account: no code, and the same answer as for strangers
    return []


def _sms_backend() -> Any:
    """The SMS gateway of the notifications app; its setting directly if that app lacks it."""
    try:
        from danchu.notifications.sms import get_sms_backend
    except ImportError:
        return import_string(settings.SMS_BACKEND)()
    return get_sms_backend()


@transaction.atomic
def phone_code_send(*, phone: str) -> bool:
    """Send a 6-digit code if the number belongs to exactly one person. Callers must answer the
    same whatever this returns, so nobody learns which numbers are known."""
    phone = codes.normalise_phone(phone)
    users = _users_for_phone(phone)
    if len(users) != 1:
        return False
    index = blind_index(phone)
    now = timezone.now()
    PhoneSignInCode.objects.filter(phone_index=index, used_at__isnull=True).update(used_at=now)
    code = codes.new_phone_code()
    PhoneSignInCode.objects.create(
        phone_index=index, code_hash=codes.hash_secret("phone", code),
        expires_at=now + timedelta(minutes=PHONE_CODE_MINUTES),
    )  # fmt: skip
    text = _("danchu sign-in code: %(code)s. It expires in %(minutes)s minutes.") % {
        "code": code, "minutes": PHONE_CODE_MINUTES,
    }  # fmt: skip
    # robust: a failing gateway after the commit must not turn the answer into an error page
    # (which would also tell the visitor that the number is known).
    transaction.on_commit(functools.partial(_send_code, phone, text), robust=True)
    return True


def _send_code(phone: str, text: str) -> None:
    """Hand the code to the gateway. Not the notifications outbox: its rows keep the text (here
    the clear code) and retry for hours, long after the code has expired; the person asks again."""
    try:
        _sms_backend().send(phone, text)
    except Exception as exc:  # any gateway failure: log it without the number  # noqa: BLE001
        logger.warning("Sign-in code SMS to %s failed: %s", mask_phone(phone), type(exc).__name__)


@transaction.atomic
def phone_code_verify(*, phone: str, code: str) -> User | None:
    """The person whose pending code this is (the code is used up), or None.

    Each code allows PHONE_CODE_MAX_ATTEMPTS tries, so guessing 1 of 10⁶ stays hopeless.
    """
    index = blind_index(codes.normalise_phone(phone))
    if not index:
        return None
    pending = (
        PhoneSignInCode.objects.select_for_update()
        .filter(phone_index=index, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if pending is None or pending.attempts >= PHONE_CODE_MAX_ATTEMPTS:
        return None
    pending.attempts += 1
    given = codes.hash_secret("phone", "".join(ch for ch in code or "" if ch.isdigit()))
    if not codes.secrets_equal(given, pending.code_hash):
        pending.save(update_fields=["attempts"])
        return None
    pending.used_at = timezone.now()
    pending.save(update_fields=["attempts", "used_at"])
    users = _users_for_phone(phone)
    return users[0] if len(users) == 1 else None


# ---------------------------------------------------------------------------------------------
# API tokens


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A bearer token for an integration; the clear token is returned once, only its hash kept."""
    _require_self_or_admin(actor, user)
    name = (name or "").strip()
    if not name:
        raise _invalid("name", _("Give the token a name."), "required")
    if len(name) > 100:
        raise _invalid("name", _("At most 100 characters."), "too_long")
    raw = codes.new_api_token()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:8], key_hash=codes.hash_token(raw)
    )
    audit.record(
        actor=actor, action="accounts.token.create", obj=token,
        after={"user_id": user.pk, "name": name, "prefix": token.prefix},
    )  # fmt: skip
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    _require_self_or_admin(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor, action="accounts.token.revoke", obj=token,
            after={"user_id": token.user_id, "prefix": token.prefix},
        )  # fmt: skip
    return token


def user_for_api_token(raw: str) -> User | None:
    """The active person behind a bearer token (for the API's authentication), or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=codes.hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # A read path: the timestamp is a convenience, not an audited change.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# ---------------------------------------------------------------------------------------------
# Second factor and password


@transaction.atomic
def otp_setup_begin(*, actor: Any, user: User) -> tuple[str, str]:
    """A new TOTP secret (not active until confirmed); returns it and its otpauth:// URI."""
    _require_self_or_admin(actor, user)
    secret = pyotp.random_base32()
    user.otp_secret = secret
    user.otp_confirmed = False
    user.save(update_fields=["otp_secret", "otp_confirmed"])
    audit.record(actor=actor, action="accounts.otp.begin", obj=user)
    return secret, otp_uri(user)


def otp_uri(user: User) -> str:
    return pyotp.TOTP(user.otp_secret).provisioning_uri(name=user.username, issuer_name=OTP_ISSUER)


def otp_verify(user: User, code: str) -> bool:
    """Whether ``code`` is the current TOTP (one step of clock drift allowed)."""
    code = "".join(ch for ch in code or "" if ch.isdigit())
    if not user.otp_secret or len(code) != 6:
        return False
    return bool(pyotp.TOTP(user.otp_secret).verify(code, valid_window=1))


@transaction.atomic
def otp_setup_confirm(*, actor: Any, user: User, code: str) -> User:
    _require_self_or_admin(actor, user)
    if not otp_verify(user, code):
        raise _invalid("code", _("This code is not right. Enter the code your app shows now."))
    user.otp_confirmed = True
    user.save(update_fields=["otp_confirmed"])
    audit.record(actor=actor, action="accounts.otp.confirm", obj=user)
    return user


@transaction.atomic
def password_set(*, actor: Any, user: User, password: str, old_password: str | None = None) -> User:
    """Change a password; a person changing their own must give the current one."""
    _require_self_or_admin(actor, user)
    if actor is not None and actor.pk == user.pk and not user.check_password(old_password or ""):
        raise _invalid("old_password", _("Your current password is not right."), "wrong_password")
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="accounts.password.set", obj=user)
    return user


def is_official(user: User) -> bool:
    """Whether the person holds an active role that signs in with a password."""
    return RoleAssignment.objects.active().filter(user=user, role__in=PASSWORD_ROLES).exists()
