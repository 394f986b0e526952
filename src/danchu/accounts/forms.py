"""Sign-in forms. They only parse and check shape; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danchu.accounts import codes

__all__ = [
    "OtpForm",
    "PasswordChangeForm",
    "PasswordLoginForm",
    "PhoneCodeForm",
    "PhoneForm",
    "SlipForm",
]


def _code_input(autocomplete: str = "one-time-code") -> forms.TextInput:
    return forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": autocomplete, "pattern": "[0-9 ]*"}
    )


class PasswordLoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )  # fmt: skip
    password = forms.CharField(
        label=_("Password"), max_length=256, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )  # fmt: skip


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"), max_length=12, widget=_code_input()
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(code) != 6:
            raise forms.ValidationError(_("Enter the 6 digits."), code="format")
        return code


class SlipForm(forms.Form):
    code = forms.CharField(
        label=_("Code printed on your slip"), max_length=32,
        help_text=_("10 letters and digits, for example ABCDE-23456."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )  # fmt: skip

    def clean_code(self) -> str:
        code = codes.normalise_slip_code(self.cleaned_data["code"])
        if len(code) != codes.SLIP_LENGTH:
            raise forms.ValidationError(_("The code has 10 letters and digits."), code="format")
        return code


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"), max_length=20,
        help_text=_("The number the commune has in its household register."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip

    def clean_phone(self) -> str:
        phone = codes.normalise_phone(self.cleaned_data["phone"])
        if len(phone) != 10 or not phone.startswith("0"):
            raise forms.ValidationError(
                _("Enter a 10-digit mobile number, for example 0912345678."), code="format"
            )
        return phone


class PhoneCodeForm(OtpForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("6-digit code sent to your phone")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), strip=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )  # fmt: skip
    new_password1 = forms.CharField(
        label=_("New password"), strip=False, max_length=256,
        help_text=_("At least 10 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data
