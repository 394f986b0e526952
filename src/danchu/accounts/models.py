"""Accounts: people who sign in, their roles scoped to a unit and dated, and sign-in secrets."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danchu.core.crypto import EncryptedTextField, mask_phone
from danchu.territory.models import AdministrativeUnit, Resident, Village

__all__ = [
    "ApiToken",
    "PhoneSignInCode",
    "Role",
    "RoleAssignment",
    "SignInFailure",
    "SignInSlip",
    "User",
]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: object) -> User:
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: an official (password + optional TOTP) or a resident (slip or
    phone code). ``resident`` links a household member to their account.
    """

    username = models.CharField(_("user name"), max_length=150, unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    resident = models.OneToOneField(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="account"
    )
    # TOTP secret (base32), encrypted; confirmed once the person entered a first valid code.
    otp_secret = EncryptedTextField(blank=True)
    otp_confirmed = models.BooleanField(_("second factor set up"), default=False)
    preferred_language = models.CharField(_("language"), max_length=5, default="vi")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class Role(models.TextChoices):
    """The roles the law gives people in a commune (and above it, steering readers)."""

    COMMUNE_CHAIR = "commune_chair", _("commune chair")
    COMMUNE_OFFICIAL = "commune_official", _("commune official")
    VILLAGE_HEAD = "village_head", _("village head")
    FRONT_OFFICER = "front_officer", _("Fatherland Front officer")
    INSPECTION_BOARD = "inspection_board", _("People's Inspection Board member")
    SUPERVISION_BOARD = "supervision_board", _("Community Investment Supervision Board member")
    MEDIATOR = "mediator", _("mediator")
    HOUSEHOLD_REPRESENTATIVE = "household_representative", _("household representative")
    RESIDENT = "resident", _("resident")
    PROVINCE_READER = "province_reader", _("province steering committee reader")


# Roles held in a village rather than the whole commune.
VILLAGE_ROLES = frozenset(
    {Role.VILLAGE_HEAD, Role.MEDIATOR, Role.HOUSEHOLD_REPRESENTATIVE, Role.RESIDENT}
)
PROVINCE_ROLES = frozenset({Role.PROVINCE_READER})
OFFICIAL_ROLES = frozenset({Role.COMMUNE_CHAIR, Role.COMMUNE_OFFICIAL})


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self, on: date | None = None) -> RoleAssignmentQuerySet:
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class RoleAssignment(models.Model):
    """A role held by a person in a unit between two dates.

    ``unit`` is the commune (or, for province readers, the province); ``village`` narrows a
    village role; ``commune`` is the commune key (empty only for province roles).
    """

    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments"
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    granted_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "role", "valid_from"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="role_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(role="province_reader") | Q(commune__isnull=False),
                name="role_commune_key",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["village_head", "household_representative", "resident"])
                | Q(village__isnull=False),
                name="role_village_scope",
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_from"], name="role_user_dates")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.village or self.unit}"


class SignInSlip(models.Model):
    """A one-time sign-in code printed on a slip (code + QR) that the village head hands out."""

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="slips")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        "User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # Set when a newer slip replaces this one before it was used.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in slip")
        verbose_name_plural = _("sign-in slips")

    def __str__(self) -> str:
        # Never the code: only its hash is stored anyway.
        return f"slip #{self.pk} for user #{self.user_id}"


class PhoneSignInCode(models.Model):
    """A one-time code sent by SMS to a phone number known for a resident."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"phone code #{self.pk}"


class SignInFailure(models.Model):
    """A failed sign-in, keyed by what was tried (hashed user name, phone or address).
    Throttling counts these within a window.
    """

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"sign-in failure at {self.at:%Y-%m-%d %H:%M:%S}"


class ApiToken(models.Model):
    """A bearer token for integrations; only its hash is stored."""

    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
