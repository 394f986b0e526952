"""Regression tests for the reviewer's sign-in holes: officials reachable by slip or phone code,
a failing SMS gateway, and the second-factor setup page writing on every visit."""

from __future__ import annotations

import logging
import re

import pyotp
import pytest
from django.urls import reverse
from django.utils import translation

from danchu.accounts import services
from danchu.accounts.models import Role, RoleAssignment, SignInSlip
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.crypto import blind_index
from danchu.core.errors import ValidationFailed
from danchu.core.models import AuditEntry
from danchu.territory.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-123"  # the factories' password


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def head(village):
    return RoleAssignmentFactory(
        role=Role.VILLAGE_HEAD, commune=village.commune, village=village
    ).user


@pytest.fixture
def member(head, village):
    resident = ResidentFactory(household__village=village, is_representative=True)
    return services.resident_account_for(actor=head, resident=resident)


def _make_official(user, commune):
    """An official role on a resident's account, as data written before the fix could hold."""
    return RoleAssignmentFactory(user=user, role=Role.COMMUNE_OFFICIAL, commune=commune)


# --- 1. an official role on a password-less account, and slips for officials --------------------


def test_chair_cannot_make_a_resident_account_an_official(chair, commune, member):
    """The reviewer's scenario: the chair grants an official role to a resident's account so the
    village head can print that official a slip. The grant is refused."""
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.role_grant(actor=chair, user=member, role=Role.COMMUNE_OFFICIAL, unit=commune)
    assert exc.value.code == "no_password"
    assert "official account" in exc.value.fields["user"][0]
    assert not member.roles.exclude(role=Role.HOUSEHOLD_REPRESENTATIVE).exists()


def test_refusal_to_grant_is_translated(chair, commune, village, member):
    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        services.role_grant(
            actor=chair, user=member, role=Role.VILLAGE_HEAD, unit=commune, village=village
        )
    assert "tạo tài khoản cán bộ" in exc.value.message


def test_household_roles_still_granted_without_password(chair, commune, village, member):
    assignment = services.role_grant(
        actor=chair, user=member, role=Role.RESIDENT, unit=commune, village=village
    )
    assert assignment.role == Role.RESIDENT


def test_slip_for_a_person_holding_an_official_role_is_refused(head, commune, member):
    _make_official(member, commune)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.slip_issue(actor=head, user=member)
    assert exc.value.code == "official"
    assert exc.value.fields["user"] == ["Officials sign in with their password."]
    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        services.slip_issue(actor=head, user=member)
    assert exc.value.fields["user"] == ["Cán bộ đăng nhập bằng mật khẩu."]
    with pytest.raises(ValidationFailed):
        services.resident_account_for(actor=head, resident=member.resident)
    assert not SignInSlip.objects.exists()


def test_slip_page_for_an_official_refuses_without_500(client, head, commune, member):
    _make_official(member, commune)
    client.force_login(head)
    response = client.post(reverse("accounts:slip_print", args=[member.pk]))
    assert response.status_code == 400
    assert not SignInSlip.objects.exists()
    response = client.post(reverse("accounts:slip_print_resident", args=[member.resident.pk]))
    assert response.status_code == 400


# --- 2. slips and phone codes never complete an official's sign-in --------------------------------


def test_slip_does_not_sign_in_an_official(client, head, commune, member):
    _, code = services.slip_issue(actor=head, user=member)  # issued before the role came
    _make_official(member, commune)
    response = client.post(reverse("accounts:slip"), {"code": code})
    assert response.status_code == 403
    assert _signed_in_as(client) is None
    assert "Cán bộ không đăng nhập bằng phiếu" in response.content.decode()


def test_slip_does_not_skip_a_confirmed_second_factor(client, head, member):
    _, code = services.slip_issue(actor=head, user=member)
    member.otp_secret = pyotp.random_base32()
    member.otp_confirmed = True
    member.save()
    response = client.post(reverse("accounts:slip"), {"code": code})
    assert response.status_code == 403
    assert _signed_in_as(client) is None


def test_phone_code_does_not_sign_in_an_official(
    client, sms, official, django_capture_on_commit_callbacks
):
    official.phone, official.phone_index = "0912000222", blind_index("0912000222")
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:phone"), {"phone": "0912000222"})
    code = re.search(r"\d{6}", sms.sent[0][1]).group()
    response = client.post(reverse("accounts:phone_verify"), {"code": code})
    assert response.status_code == 403
    assert _signed_in_as(client) is None
    assert "Cán bộ không đăng nhập bằng phiếu" in response.content.decode()


def test_no_code_for_a_register_number_whose_account_is_an_official(
    sms, village, commune, django_capture_on_commit_callbacks
):
    resident = ResidentFactory(household__village=village)
    account = services.resident_account_for(actor=None, resident=resident)
    _make_official(account, commune)
    resident.phone, resident.phone_index = "0912000333", blind_index("0912000333")
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.phone_code_send(phone="0912000333") is False
    assert sms.sent == []


# --- 3. a failing SMS gateway ---------------------------------------------------------------------


class BrokenGateway:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError(f"gateway refused {phone}")


def test_failing_gateway_answers_like_an_unknown_number(
    client, village, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """The code is sent once the transaction commits, while the request is still being answered:
    a gateway error must neither give a 500 (telling the visitor the number is known) nor log
    the number. (Not a transaction=True test: on SQLite, a transactional test run before
    tests/test_e2e_browser.py makes that test's database flush trip the audit-trail triggers.)"""
    ResidentFactory(
        household__village=village, is_representative=True, phone="0912345678",
        phone_index=blind_index("0912345678"),
    )  # fmt: skip
    monkeypatch.setattr(services, "_sms_backend", BrokenGateway)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True) as sent:
        known = client.post(reverse("accounts:phone"), {"phone": "0912345678"})
    assert len(sent) == 1  # the known number did reach the (broken) gateway
    unknown = client.post(reverse("accounts:phone"), {"phone": "0912999999"})
    assert known.status_code == 302
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert "0912345678" not in caplog.text
    assert "091*****78" in caplog.text


# --- 4. the second-factor setup page --------------------------------------------------------------


def test_reloading_otp_setup_keeps_the_pending_secret(client, official):
    client.force_login(official)
    first = client.get(reverse("accounts:otp_setup"))
    official.refresh_from_db()
    secret = official.otp_secret
    assert secret in first.content.decode()
    second = client.get(reverse("accounts:otp_setup"))
    official.refresh_from_db()
    assert official.otp_secret == secret
    assert secret in second.content.decode()
    assert AuditEntry.objects.filter(action="accounts.otp.begin").count() == 1
    assert RoleAssignment.objects.filter(user=official).count() == 1
