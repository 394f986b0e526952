"""Sign-in pages: password (+ second factor) for officials, printed slip or phone code for
household members, logout, password change, and the printable slip for village heads.

Server-rendered and usable without JavaScript. Refused input answers 400 with field errors;
throttled attempts answer 429 before any secret is checked.
"""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from danchu.accounts import auth, services
from danchu.accounts.forms import (
    OtpForm,
    PasswordChangeForm,
    PasswordLoginForm,
    PhoneCodeForm,
    PhoneForm,
    SlipForm,
)
from danchu.accounts.models import User
from danchu.accounts.permissions import Action, get_for_actor, require
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.territory.models import Resident

__all__ = [
    "login_view",
    "logout_view",
    "otp_setup_view",
    "otp_verify_view",
    "password_change_view",
    "phone_start_view",
    "phone_verify_view",
    "slip_login_view",
    "slip_print_resident_view",
    "slip_print_view",
]

NEXT_KEY = "accounts_next"
PHONE_KEY = "accounts_phone"
GET_POST = require_http_methods(["GET", "POST"])


# ---------------------------------------------------------------------------------------------
# helpers


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], form: forms.Form | None = None
) -> HttpResponse:
    """Render; a bound form with errors answers 400 (bad input is a client error)."""
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, f"accounts/{template}", {"form": form, **context}, status=status)


def _throttled(request: HttpRequest, template: str, form: forms.Form) -> HttpResponse:
    form.errors.clear()
    form.add_error(None, _("Too many failed attempts. Wait a few minutes and try again."))
    return render(request, f"accounts/{template}", {"form": form}, status=429)


def _remember_next(request: HttpRequest) -> None:
    target = request.GET.get("next") or request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_KEY] = target


def _reverse_or_root(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return "/"


def _signed_in(request: HttpRequest, user: User) -> HttpResponse:
    """Complete the sign-in and go on, in the person's own language."""
    target = request.session.pop(NEXT_KEY, None)
    auth.complete_sign_in(request, user)
    if not target:
        target = _reverse_or_root("web:backoffice" if services.is_official(user) else "web:home")
    response = HttpResponseRedirect(target)
    language = user.preferred_language
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE,
        )  # fmt: skip
    return response


def _code_signed_in(
    request: HttpRequest, user: User, template: str, form: forms.Form, context: dict[str, Any]
) -> HttpResponse:
    """Complete a slip or phone-code sign-in — the one place these paths sign anyone in.

    A slip or SMS code is a single factor that someone else hands out, so it never signs in a
    person who needs the password and second factor (officials, administrators).
    """
    if auth.needs_password_sign_in(user):
        form.is_valid()  # errors can only be added to a cleaned form
        message = _(
            "Officials cannot sign in with a slip or a phone code. Sign in with your user name "
            "and password on the sign-in page."
        )
        form.add_error(None, message)
        return render(request, f"accounts/{template}", {"form": form, **context}, status=403)
    return _signed_in(request, user)


def _qr_svg(data: str) -> str:
    # segno's SVG carries no inline style, so it passes the Content Security Policy.
    return str(segno.make(data, error="m").svg_inline(scale=4, title=_("QR code")))


# ---------------------------------------------------------------------------------------------
# officials: password, then the second factor


@never_cache
@GET_POST
def login_view(request: HttpRequest) -> HttpResponse:
    _remember_next(request)
    form = PasswordLoginForm(request.POST or None)
    context = {"slip_url": reverse("accounts:slip"), "phone_url": reverse("accounts:phone")}
    if request.method != "POST":
        return _page(request, "login.html", context, form)
    key = auth.identifier_key("password", request.POST.get("username", ""))
    if auth.is_throttled(request, key):
        return _throttled(request, "login.html", form)
    if not form.is_valid():
        return _page(request, "login.html", context, form)
    user = authenticate(
        request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
    )
    if not isinstance(user, User):
        auth.record_failure(request, key)
        form.add_error(None, _("The user name or password is not right."))
        return _page(request, "login.html", context, form)
    auth.clear_failures(key)
    if auth.otp_required(user):
        auth.set_pending(request, user)
        step = "accounts:otp" if user.otp_confirmed else "accounts:otp_setup"
        return redirect(step)
    return _signed_in(request, user)


@never_cache
@GET_POST
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    user = auth.pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if not user.otp_confirmed:
        return redirect("accounts:otp_setup")
    form = OtpForm(request.POST or None)
    if request.method != "POST":
        return _page(request, "otp_verify.html", {}, form)
    key = auth.identifier_key("otp", str(user.pk))
    if auth.is_throttled(request, key):
        return _throttled(request, "otp_verify.html", form)
    if form.is_valid() and services.otp_verify(user, form.cleaned_data["code"]):
        auth.clear_failures(key)
        return _signed_in(request, user)
    auth.record_failure(request, key)
    if not form.errors:
        form.add_error("code", _("This code is not right. Enter the code your app shows now."))
    return _page(request, "otp_verify.html", {}, form)


@never_cache
@GET_POST
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: during sign-in (required but missing) or later, signed in."""
    pending = auth.pending_user(request)
    user = pending or (request.user if isinstance(request.user, User) else None)
    if user is None:
        return redirect("accounts:login")
    if user.otp_confirmed:
        # Never let a password alone replace an existing second factor.
        if pending is not None:
            return redirect("accounts:otp")
        return _page(request, "otp_setup.html", {"done": True})
    if not user.otp_secret:
        services.otp_setup_begin(actor=user, user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST":
        key = auth.identifier_key("otp", str(user.pk))
        if auth.is_throttled(request, key):
            return _throttled(request, "otp_setup.html", form)
        if form.is_valid():
            try:
                services.otp_setup_confirm(actor=user, user=user, code=form.cleaned_data["code"])
            except ApplicationError as exc:
                auth.record_failure(request, key)
                form.add_error("code", exc.message)
            else:
                if pending is not None:
                    return _signed_in(request, user)
                messages.success(request, _("Your second factor is set up."))
                return redirect("accounts:otp_setup")
    uri = services.otp_uri(user)
    context = {"secret": user.otp_secret, "qr_svg": _qr_svg(uri), "otp_uri": uri}
    return _page(request, "otp_setup.html", context, form)


# ---------------------------------------------------------------------------------------------
# household members: printed slip, or phone + code


@never_cache
@GET_POST
def slip_login_view(request: HttpRequest, code: str = "") -> HttpResponse:
    """The slip form; ``/phieu/<code>/`` (the QR) only fills it in — signing in needs a POST."""
    if request.method != "POST":
        form = SlipForm(initial={"code": code[:32]} if code else None)
        return _page(request, "slip_login.html", {"from_qr": bool(code)}, form)
    form = SlipForm(request.POST)
    if auth.is_throttled(request):
        return _throttled(request, "slip_login.html", form)
    if not form.is_valid():
        auth.record_failure(request)
        return _page(request, "slip_login.html", {}, form)
    user = services.slip_redeem(code=form.cleaned_data["code"])
    if user is None:
        auth.record_failure(request)
        form.add_error("code", _("This code is not valid: it may be used up or expired."))
        return _page(request, "slip_login.html", {}, form)
    return _code_signed_in(request, user, "slip_login.html", form, {})


@never_cache
@GET_POST
def phone_start_view(request: HttpRequest) -> HttpResponse:
    form = PhoneForm(request.POST or None)
    if request.method != "POST":
        return _page(request, "phone_start.html", {}, form)
    if not form.is_valid():
        return _page(request, "phone_start.html", {}, form)
    phone = form.cleaned_data["phone"]
    # Each send counts against the number, so nobody can flood a phone (or our SMS bill).
    send_key = auth.identifier_key("phone-send", phone)
    if auth.is_throttled(request, send_key):
        return _throttled(request, "phone_start.html", form)
    auth.record_failure(request, send_key)
    services.phone_code_send(phone=phone)
    request.session[PHONE_KEY] = phone
    # The same answer whether the number is known or not.
    return redirect("accounts:phone_verify")


@never_cache
@GET_POST
def phone_verify_view(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(PHONE_KEY)
    if not phone:
        return redirect("accounts:phone")
    form = PhoneCodeForm(request.POST or None)
    context = {"phone_masked": phone[:3] + "*****" + phone[-2:]}
    if request.method != "POST":
        return _page(request, "phone_verify.html", context, form)
    key = auth.identifier_key("phone", phone)
    if auth.is_throttled(request, key):
        return _throttled(request, "phone_verify.html", form)
    user = services.phone_code_verify(phone=phone, code=form.data.get("code", ""))
    if user is None:
        auth.record_failure(request, key)
        if form.is_valid():
            form.add_error("code", _("This code is not right or has expired."))
        return _page(request, "phone_verify.html", context, form)
    auth.clear_failures(key)
    request.session.pop(PHONE_KEY, None)
    return _code_signed_in(request, user, "phone_verify.html", form, context)


# ---------------------------------------------------------------------------------------------
# signed in


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(_reverse_or_root("web:home"))


@never_cache
@login_required
@GET_POST
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(
                actor=user, user=user, password=form.cleaned_data["new_password1"],
                old_password=form.cleaned_data["old_password"],
            )  # fmt: skip
        except ApplicationError as exc:
            for field, errors in exc.fields.items():
                target = "new_password1" if field == "password" else field
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:password")
    return _page(request, "password_change.html", {}, form)


def _as_http(exc: ApplicationError) -> Exception:
    if isinstance(exc, PermissionDenied):
        return DjangoPermissionDenied(exc.message)
    return Http404(exc.message)


def _slip_page(request: HttpRequest, person: User | None, resident: Resident) -> HttpResponse:
    """GET: what will happen; POST: issue a slip and show it ready to print (shown once)."""
    context: dict[str, Any] = {"resident": resident, "person": person}
    if request.method != "POST":
        return render(request, "accounts/slip_print.html", context)
    try:
        if person is None:
            person = services.resident_account_for(actor=request.user, resident=resident)
        slip, code = services.slip_issue(actor=request.user, user=person)
    except ValidationFailed as exc:
        # For example the account holds an official role: officials sign in with a password.
        messages.error(request, exc.message)
        return render(request, "accounts/slip_print.html", context, status=400)
    url = request.build_absolute_uri(reverse("accounts:slip_code", args=[code]))
    context.update(person=person, slip=slip, code=code, slip_url=url, qr_svg=_qr_svg(url))
    response = render(request, "accounts/slip_print.html", context)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@GET_POST
def slip_print_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = User.objects.select_related("resident__household__village").filter(pk=user_id).first()
    if person is None or person.resident is None:
        raise Http404(_("Not found."))
    try:
        require(request.user, Action.SLIP_ISSUE, person.resident)
    except (NotFound, PermissionDenied) as exc:
        raise _as_http(exc) from exc
    return _slip_page(request, person, person.resident)


@never_cache
@login_required
@GET_POST
def slip_print_resident_view(request: HttpRequest, resident_id: int) -> HttpResponse:
    """The same for a household member who has no account yet (made on issue)."""
    try:
        resident = get_for_actor(
            Resident.objects.select_related("household__village"), request.user,
            Action.SLIP_ISSUE, pk=resident_id,
        )  # fmt: skip
    except (NotFound, PermissionDenied) as exc:
        raise _as_http(exc) from exc
    person = User.objects.filter(resident=resident).first()
    return _slip_page(request, person, resident)
