"""Sign-in flows through the Django test client: password, TOTP, slips, phone codes, throttling."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.urls import reverse

from danchu.accounts import services
from danchu.accounts.auth import PENDING_KEY
from danchu.accounts.models import Role, SignInFailure, SignInSlip
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.crypto import blind_index
from danchu.territory.models import CommuneProfile
from danchu.territory.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-123"  # the factories' password
LOGIN = "/tai-khoan/dang-nhap/"


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def _login(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": user.username, "password": password}, **extra)


@pytest.fixture
def head(village):
    return RoleAssignmentFactory(
        role=Role.VILLAGE_HEAD, commune=village.commune, village=village
    ).user


@pytest.fixture
def member(head, village):
    resident = ResidentFactory(household__village=village, is_representative=True)
    return services.resident_account_for(actor=head, resident=resident)


# --- password and second factor ---------------------------------------------------------------


def test_login_page_is_accessible(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username"' in html
    assert '<label for="id_password"' in html
    assert "csrfmiddlewaretoken" in html


def test_password_login(client, official):
    response = _login(client, official)
    assert response.status_code == 302
    assert _signed_in_as(client) == str(official.pk)


def test_wrong_password_is_a_field_error_and_recorded(client, official):
    response = _login(client, official, password="sai-mat-khau")
    assert response.status_code == 400
    assert _signed_in_as(client) is None
    assert 'role="alert"' in response.content.decode()
    assert SignInFailure.objects.count() == 2  # the user name and the address


def test_empty_form_has_per_field_errors(client):
    response = client.post(LOGIN, {"username": "", "password": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_username_error"' in html
    assert 'id="id_username_error"' in html


def test_language_preference_applied_after_sign_in(client, official):
    official.preferred_language = "en"
    official.save()
    response = _login(client, official)
    assert response.cookies["django_language"].value == "en"


def test_totp_second_step(client, official):
    secret, _ = services.otp_setup_begin(actor=official, user=official)
    services.otp_setup_confirm(actor=official, user=official, code=pyotp.TOTP(secret).now())
    response = _login(client, official)
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp")
    assert _signed_in_as(client) is None
    assert client.session[PENDING_KEY] == official.pk

    response = client.post(reverse("accounts:otp"), {"code": "000000"})
    assert response.status_code == 400
    assert _signed_in_as(client) is None
    response = client.post(reverse("accounts:otp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert _signed_in_as(client) == str(official.pk)
    assert PENDING_KEY not in client.session


def test_commune_requiring_otp_sends_official_to_setup(client, official, commune):
    CommuneProfile.objects.create(commune=commune, require_official_otp=True)
    response = _login(client, official)
    assert response.url == reverse("accounts:otp_setup")
    page = client.get(response.url)
    html = page.content.decode()
    official.refresh_from_db()
    assert official.otp_secret in html
    assert "<svg" in html
    assert _signed_in_as(client) is None
    # The back office is not reachable half-way: only the second factor completes sign-in.
    response = client.post(
        reverse("accounts:otp_setup"), {"code": pyotp.TOTP(official.otp_secret).now()}
    )
    assert response.status_code == 302
    assert _signed_in_as(client) == str(official.pk)


def test_deployment_wide_otp_requirement(client, official, settings):
    settings.OFFICIALS_REQUIRE_OTP = True
    assert _login(client, official).url == reverse("accounts:otp_setup")


def test_pending_user_cannot_replace_an_existing_factor(client, official):
    secret, _ = services.otp_setup_begin(actor=official, user=official)
    services.otp_setup_confirm(actor=official, user=official, code=pyotp.TOTP(secret).now())
    _login(client, official)
    response = client.get(reverse("accounts:otp_setup"))
    assert response.url == reverse("accounts:otp")
    official.refresh_from_db()
    assert official.otp_secret == secret


# --- throttling --------------------------------------------------------------------------------


def test_password_throttled_with_429_without_checking(client, official, settings):
    settings.SIGNIN_MAX_FAILURES = 3
    for _ in range(3):
        assert _login(client, official, password="sai").status_code == 400
    response = _login(client, official)  # the right password, but too late
    assert response.status_code == 429
    assert _signed_in_as(client) is None


def test_throttle_message_is_translated(client, official, settings):
    settings.SIGNIN_MAX_FAILURES = 1
    _login(client, official, password="sai")
    response = _login(client, official, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 429
    assert "Quá nhiều lần thử sai" in response.content.decode()


def test_throttle_by_address_across_user_names(client, official, settings):
    settings.SIGNIN_MAX_FAILURES_PER_IP = 3
    for n in range(3):
        client.post(LOGIN, {"username": f"khong-co-{n}", "password": "x"})
    assert _login(client, official).status_code == 429
    # Another address is not affected.
    assert _login(client, official, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_failure_keys_hold_no_user_name(client, official):
    _login(client, official, password="sai")
    assert all(
        official.username not in k for k in SignInFailure.objects.values_list("key", flat=True)
    )


# --- printed slips -----------------------------------------------------------------------------


def test_slip_code_signs_in_once(client, head, member):
    _, code = services.slip_issue(actor=head, user=member)
    response = client.post(reverse("accounts:slip"), {"code": code})
    assert response.status_code == 302
    assert _signed_in_as(client) == str(member.pk)
    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:slip"), {"code": code})
    assert response.status_code == 400
    assert _signed_in_as(client) is None


def test_slip_qr_url_does_not_sign_in_on_get(client, head, member):
    _, code = services.slip_issue(actor=head, user=member)
    response = client.get(reverse("accounts:slip_code", args=[code]))
    assert response.status_code == 200
    assert _signed_in_as(client) is None
    assert code in response.content.decode()  # the form is filled in
    assert SignInSlip.objects.get().used_at is None
    response = client.post(reverse("accounts:slip_code", args=[code]), {"code": code})
    assert _signed_in_as(client) == str(member.pk)


def test_expired_slip(client, head, member):
    from django.utils import timezone

    slip, code = services.slip_issue(actor=head, user=member)
    SignInSlip.objects.filter(pk=slip.pk).update(expires_at=timezone.now())
    response = client.post(reverse("accounts:slip"), {"code": code})
    assert response.status_code == 400
    assert _signed_in_as(client) is None


def test_slip_guessing_throttled(client, settings, db):
    settings.SIGNIN_MAX_FAILURES_PER_IP = 3
    for _ in range(3):
        assert client.post(reverse("accounts:slip"), {"code": "AAAAA-BBBBB"}).status_code == 400
    assert client.post(reverse("accounts:slip"), {"code": "AAAAA-BBBBB"}).status_code == 429


# --- phone + code ------------------------------------------------------------------------------


@pytest.fixture
def phone_member(village):
    return ResidentFactory(
        household__village=village, is_representative=True, phone="0912000111",
        phone_index=blind_index("0912000111"),
    )  # fmt: skip


def test_phone_code_flow(client, sms, phone_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:phone"), {"phone": "0912 000 111"})
    assert response.url == reverse("accounts:phone_verify")
    code = re.search(r"\d{6}", sms.sent[0][1]).group()
    assert "0912000111" not in client.get(response.url).content.decode()
    response = client.post(reverse("accounts:phone_verify"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(phone_member.account.pk)


def test_unknown_phone_gets_the_same_answer(client, sms, phone_member):
    known = client.post(reverse("accounts:phone"), {"phone": "0912000111"})
    unknown = client.post(reverse("accounts:phone"), {"phone": "0912999999"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)


def test_invalid_phone_is_a_field_error(client):
    response = client.post(reverse("accounts:phone"), {"phone": "12ab"})
    assert response.status_code == 400
    assert 'id="id_phone_error"' in response.content.decode()


def test_phone_code_throttled(client, sms, phone_member, settings):
    settings.SIGNIN_MAX_FAILURES = 3
    client.post(reverse("accounts:phone"), {"phone": "0912000111"})
    for _ in range(3):
        client.post(reverse("accounts:phone_verify"), {"code": "000000"})
    assert client.post(reverse("accounts:phone_verify"), {"code": "000000"}).status_code == 429


# --- logout, password change, printable slip ---------------------------------------------------


def test_logout_is_post_only(client, official):
    client.force_login(official)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _signed_in_as(client) == str(official.pk)
    client.post(reverse("accounts:logout"))
    assert _signed_in_as(client) is None


def test_password_change(client, official):
    client.force_login(official)
    url = reverse("accounts:password")
    data = {"old_password": PASSWORD, "new_password1": "mat-khau-moi-dai", "new_password2": "x"}
    assert client.post(url, data).status_code == 400
    data["new_password2"] = data["new_password1"]
    assert client.post(url, data).status_code == 302
    official.refresh_from_db()
    assert official.check_password("mat-khau-moi-dai")
    assert _signed_in_as(client) == str(official.pk)


def test_printable_slip(client, head, member):
    client.force_login(head)
    url = reverse("accounts:slip_print", args=[member.pk])
    assert client.get(url).status_code == 200
    assert not SignInSlip.objects.exists()  # GET issues nothing
    response = client.post(url)
    html = response.content.decode()
    code = re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}", html).group()
    assert "<svg" in html
    assert reverse("accounts:slip_code", args=[code]) in html
    assert "no-store" in response["Cache-Control"]
    assert services.slip_redeem(code=code) == member


def test_printable_slip_for_a_resident_without_account(client, head, village):
    resident = ResidentFactory(household__village=village)
    client.force_login(head)
    response = client.post(reverse("accounts:slip_print_resident", args=[resident.pk]))
    assert response.status_code == 200
    resident.refresh_from_db()
    assert resident.account.roles.get().role == Role.RESIDENT


def test_printable_slip_needs_slip_issue(client, official, member, head, village):
    other_head = RoleAssignmentFactory(
        role=Role.VILLAGE_HEAD, commune=village.commune,
        village=__import__("danchu.territory.tests.factories", fromlist=["x"]).VillageFactory(
            commune=village.commune
        ),
    ).user  # fmt: skip
    client.force_login(other_head)
    assert client.post(reverse("accounts:slip_print", args=[member.pk])).status_code == 403
    stranger = RoleAssignmentFactory(role=Role.COMMUNE_CHAIR).user
    client.force_login(stranger)
    assert client.post(reverse("accounts:slip_print", args=[member.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("accounts:slip_print", args=[member.pk])).status_code == 302
    assert not SignInSlip.objects.exists()
