"""Accounts services: validation (field-level, translated), permissions, audit, secrets."""

from __future__ import annotations

import datetime
import re

import pyotp
import pytest
from django.utils import timezone, translation

from danchu.accounts import codes, services
from danchu.accounts.models import ApiToken, Role, RoleAssignment, SignInSlip, User
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.core.crypto import blind_index
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.territory.tests.factories import (
    CommuneFactory,
    ProvinceFactory,
    ResidentFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


# --- roles -----------------------------------------------------------------------------------


def test_role_grant_sets_commune_key_and_is_audited(chair, commune, village):
    user = UserFactory()
    a = services.role_grant(
        actor=chair, user=user, role=Role.VILLAGE_HEAD, unit=commune, village=village
    )
    assert a.commune == commune
    assert a.granted_by == chair
    entry = AuditEntry.objects.get(action="accounts.role.grant", object_id=str(a.pk))
    assert entry.actor_id == chair.pk
    assert entry.commune_id == commune.pk
    assert entry.after["role"] == "village_head"
    assert entry.after["village_id"] == village.pk


def test_village_role_needs_a_village_of_that_commune(chair, commune):
    user = UserFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.role_grant(actor=chair, user=user, role=Role.VILLAGE_HEAD, unit=commune)
    assert "village" in exc.value.fields
    foreign = VillageFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.role_grant(
            actor=chair, user=user, role=Role.VILLAGE_HEAD, unit=commune, village=foreign
        )
    assert "village" in exc.value.fields
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_validation_messages_are_translated(chair, commune):
    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        services.role_grant(actor=chair, user=UserFactory(), role=Role.MEDIATOR, unit=commune)
    assert exc.value.fields["village"] == ["Vai trò này gắn với một thôn: hãy chọn thôn."]


def test_commune_role_needs_a_current_commune_and_province_reader_a_province(commune):
    province = ProvinceFactory()
    former = CommuneFactory(era="former")
    user = UserFactory()
    for role, unit in (
        (Role.COMMUNE_OFFICIAL, province),
        (Role.COMMUNE_OFFICIAL, former),
        (Role.PROVINCE_READER, commune),
    ):
        with pytest.raises(ValidationFailed) as exc:
            services.role_grant(actor=None, user=user, role=role, unit=unit)
        assert "unit" in exc.value.fields
    reader = services.role_grant(actor=None, user=user, role=Role.PROVINCE_READER, unit=province)
    assert reader.commune is None


def test_role_dates_must_be_ordered(chair, commune):
    with pytest.raises(ValidationFailed) as exc:
        services.role_grant(
            actor=chair, user=UserFactory(), role=Role.COMMUNE_OFFICIAL, unit=commune,
            valid_from=datetime.date(2026, 1, 2), valid_to=datetime.date(2026, 1, 1),
        )  # fmt: skip
    assert "valid_to" in exc.value.fields


def test_role_grant_needs_role_manage(official, commune, other_commune):
    with pytest.raises(PermissionDenied):
        services.role_grant(
            actor=official, user=UserFactory(), role=Role.COMMUNE_OFFICIAL, unit=commune
        )
    with pytest.raises(NotFound):
        services.role_grant(
            actor=official, user=UserFactory(), role=Role.COMMUNE_OFFICIAL, unit=other_commune
        )


def test_role_revoke_ends_without_deleting(chair, commune):
    a = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_OFFICIAL)
    today = timezone.localdate()
    services.role_revoke(actor=chair, assignment=a)
    a.refresh_from_db()
    assert a.valid_to == today
    assert AuditEntry.objects.filter(action="accounts.role.revoke", object_id=str(a.pk)).exists()
    with pytest.raises(ValidationFailed) as exc:
        services.role_revoke(actor=chair, assignment=a, on=today + datetime.timedelta(days=3))
    assert "on" in exc.value.fields


def test_role_end_set_moves_the_end_both_ways(chair, commune, other_commune):
    a = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_OFFICIAL)
    later = timezone.localdate() + datetime.timedelta(days=400)
    services.role_end_set(actor=chair, assignment=a, valid_to=later)
    a.refresh_from_db()
    assert a.valid_to == later
    entry = AuditEntry.objects.get(action="accounts.role.end_set", object_id=str(a.pk))
    assert entry.after["valid_to"] == later.isoformat()
    with pytest.raises(ValidationFailed) as exc:
        services.role_end_set(
            actor=chair, assignment=a, valid_to=a.valid_from - datetime.timedelta(days=1)
        )
    assert "valid_to" in exc.value.fields
    stranger = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR).user
    with pytest.raises(NotFound):
        services.role_end_set(actor=stranger, assignment=a, valid_to=later)
    ended = RoleAssignmentFactory(
        commune=commune, role=Role.COMMUNE_OFFICIAL,
        valid_to=timezone.localdate() - datetime.timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.role_end_set(actor=chair, assignment=ended, valid_to=later)


def test_official_create(chair, commune):
    user = services.official_create(
        actor=chair, username="can.bo", full_name="Trần Thị Bình", password="mot-mat-khau-dai",
        commune=commune, role=Role.COMMUNE_OFFICIAL,
    )  # fmt: skip
    assert user.check_password("mot-mat-khau-dai")
    assert user.roles.get().role == Role.COMMUNE_OFFICIAL
    with pytest.raises(ValidationFailed) as exc:
        services.official_create(
            actor=chair, username="CAN.BO", full_name="x", password="mot-mat-khau-dai",
            commune=commune, role=Role.COMMUNE_OFFICIAL,
        )  # fmt: skip
    assert "username" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.official_create(
            actor=chair, username="ngan", full_name="x", password="123", commune=commune,
            role=Role.COMMUNE_OFFICIAL,
        )  # fmt: skip
    assert "password" in exc.value.fields
    assert not User.objects.filter(username="ngan").exists()


# --- resident accounts and slips ---------------------------------------------------------------


@pytest.fixture
def head(village):
    return RoleAssignmentFactory(
        role=Role.VILLAGE_HEAD, commune=village.commune, village=village
    ).user


def test_resident_account_gets_household_role(head, village):
    rep = ResidentFactory(household__village=village, is_representative=True, phone="0912345678")
    user = services.resident_account_for(actor=head, resident=rep)
    assert user.resident == rep
    assert not user.has_usable_password()
    assert user.phone_index == blind_index("0912345678")
    role = user.roles.get()
    assert (role.role, role.village) == (Role.HOUSEHOLD_REPRESENTATIVE, village)
    assert services.resident_account_for(actor=head, resident=rep) == user
    assert user.roles.count() == 1


def test_slip_issue_code_shape_hash_and_expiry(head, village):
    person = services.resident_account_for(
        actor=head, resident=ResidentFactory(household__village=village)
    )
    slip, code = services.slip_issue(actor=head, user=person)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}", code)
    assert code.replace("-", "") not in slip.code_hash
    assert slip.code_hash == codes.hash_secret("slip", code.replace("-", ""))
    # Default 30 days (settings.SIGNIN_SLIP_DAYS when set).
    assert (slip.expires_at - timezone.now()).days == 29
    assert not AuditEntry.objects.filter(after__icontains=code.replace("-", "")).exists()


def test_new_slip_invalidates_earlier_unused(head, village):
    person = services.resident_account_for(
        actor=head, resident=ResidentFactory(household__village=village)
    )
    _, first = services.slip_issue(actor=head, user=person)
    _, second = services.slip_issue(actor=head, user=person)
    assert services.slip_redeem(code=first) is None
    assert services.slip_redeem(code=second.lower().replace("-", " ")) == person
    assert services.slip_redeem(code=second) is None  # single use
    assert SignInSlip.objects.filter(user=person, revoked_at__isnull=False).count() == 1


def test_expired_slip_refused(head, village, settings):
    settings.SIGNIN_SLIP_DAYS = 1
    person = services.resident_account_for(
        actor=head, resident=ResidentFactory(household__village=village)
    )
    slip, code = services.slip_issue(actor=head, user=person)
    SignInSlip.objects.filter(pk=slip.pk).update(expires_at=timezone.now())
    assert services.slip_redeem(code=code) is None


def test_slip_issue_limited_to_the_village(head, village):
    other_village = VillageFactory(commune=village.commune)
    stranger = ResidentFactory(household__village=other_village)
    with pytest.raises(PermissionDenied):
        services.resident_account_for(actor=head, resident=stranger)
    far = ResidentFactory()
    with pytest.raises(NotFound):
        services.resident_account_for(actor=head, resident=far)
    user = services.resident_account_for(actor=None, resident=stranger)
    with pytest.raises(PermissionDenied):
        services.slip_issue(actor=head, user=user)


def test_slip_for_an_official_is_refused(official):
    with pytest.raises(ValidationFailed) as exc:
        services.slip_issue(actor=None, user=official)
    assert "user" in exc.value.fields


# --- phone codes -------------------------------------------------------------------------------


def test_phone_code_round_trip_and_attempt_limit(sms, village, django_capture_on_commit_callbacks):
    rep = ResidentFactory(household__village=village, is_representative=True, phone="0987654321")
    rep.phone_index = blind_index("0987654321")
    rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.phone_code_send(phone="+84 987 654 321") is True
    ((phone, text),) = sms.sent
    code = re.search(r"\d{6}", text).group()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(services.PHONE_CODE_MAX_ATTEMPTS - 1):
        assert services.phone_code_verify(phone=phone, code=wrong) is None
    user = services.phone_code_verify(phone=phone, code=code)
    assert user is not None
    assert user.resident == rep
    assert services.phone_code_verify(phone=phone, code=code) is None  # used up


def test_phone_code_locked_after_five_wrong(sms, village, django_capture_on_commit_callbacks):
    ResidentFactory(
        household__village=village, phone="0987000111", phone_index=blind_index("0987000111")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.phone_code_send(phone="0987000111")
    code = re.search(r"\d{6}", sms.sent[0][1]).group()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(services.PHONE_CODE_MAX_ATTEMPTS):
        services.phone_code_verify(phone="0987000111", code=wrong)
    assert services.phone_code_verify(phone="0987000111", code=code) is None


def test_unknown_phone_sends_nothing(sms, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.phone_code_send(phone="0900000000") is False
    assert sms.sent == []


# --- tokens, second factor, password -----------------------------------------------------------


def test_api_token_shown_once_hash_stored(official):
    token, raw = services.api_token_create(actor=official, user=official, name="Cổng tỉnh")
    assert raw.startswith(token.prefix)
    assert raw not in token.key_hash
    assert services.user_for_api_token(raw) == official
    services.api_token_revoke(actor=official, token=token)
    assert services.user_for_api_token(raw) is None
    assert ApiToken.objects.get().revoked_at is not None
    with pytest.raises(ValidationFailed):
        services.api_token_create(actor=official, user=official, name="  ")
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=UserFactory(), user=official, name="x")


def test_otp_setup_encrypts_secret(official):
    secret, uri = services.otp_setup_begin(actor=official, user=official)
    assert uri.startswith("otpauth://totp/")
    assert secret in uri
    raw = User.objects.filter(pk=official.pk).values_list("otp_secret", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT otp_secret FROM accounts_user WHERE id = %s", [official.pk])
        stored = cursor.fetchone()[0]
    assert secret not in stored
    assert raw[0] == secret
    with pytest.raises(ValidationFailed) as exc:
        services.otp_setup_confirm(actor=official, user=official, code="000000")
    assert "code" in exc.value.fields
    services.otp_setup_confirm(actor=official, user=official, code=pyotp.TOTP(secret).now())
    official.refresh_from_db()
    assert official.otp_confirmed


def test_password_set_needs_current_password(official):
    with pytest.raises(ValidationFailed) as exc:
        services.password_set(
            actor=official, user=official, password="mot-mat-khau-moi", old_password="sai"
        )
    assert "old_password" in exc.value.fields
    services.password_set(
        actor=official, user=official, password="mot-mat-khau-moi",
        old_password="mat-khau-thu-123",
    )  # fmt: skip
    official.refresh_from_db()
    assert official.check_password("mot-mat-khau-moi")


def test_production_settings_hash_with_argon2_first():
    import importlib

    prod = importlib.import_module("danchu.config.settings")
    assert prod.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
