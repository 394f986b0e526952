"""Vietnamese identifiers — phone numbers and citizen IDs (CCCD) — in one canonical form.

Every place that stores or looks up one of these (the household services, the file import, the
phone sign-in) goes through this module, so the same person written differently — ``+84 912…``
and ``0912…``, or fullwidth digits ``０４２…`` pasted from a word processor — gets the same
stored value and the same blind index, never a second resident.

Digits are ASCII only: the text is NFKC-normalised first (fullwidth ``０``–``９`` become
``0``–``9``) and then matched with ``[0-9]``, never ``\\d`` (which also matches Arabic-Indic,
Devanagari… digits and would store a different value for the same number).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

__all__ = ["citizen_id_problem", "normalise_citizen_id", "normalise_phone"]

_PHONE_JUNK = re.compile(r"[\s.\-()]")
# Mobile: 10 digits, 03/05/07/08/09; landline: 11 digits, 02 + area code (since 2017).
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE = re.compile(r"02[0-9]{9}")
# The country code, written as +84, 0084 or 84 (no national number starts with 84 or 00).
_COUNTRY = ("+84", "0084", "84")
_CITIZEN_ID_JUNK = re.compile(r"[\s.\-]")
_CITIZEN_ID = re.compile(r"[0-9]{12}")


def _nfkc(raw: object) -> str:
    return unicodedata.normalize("NFKC", str(raw)) if raw is not None else ""


def normalise_phone(raw: str | None) -> str | None:
    """``"+84 (0) 912.345.678"`` → ``"0912345678"``; "" for a blank value, None for one that is
    not a Vietnamese mobile (10 digits, 03/05/07/08/09) or landline (11 digits, 02) number.
    """
    text = _PHONE_JUNK.sub("", _nfkc(raw))
    if not text:
        return ""
    for prefix in _COUNTRY:
        if text.startswith(prefix):
            # "+84 (0) 912…": some people keep the national 0 after the country code.
            text = "0" + text[len(prefix) :].removeprefix("0")
            break
    if _MOBILE.fullmatch(text) or _LANDLINE.fullmatch(text):
        return text
    return None


def normalise_citizen_id(raw: str | int | float | None) -> str:
    """The CCCD as typed, NFKC-normalised without spaces, dots or dashes ("" when blank).

    A *number* (an Excel cell) lost its leading zeros and is padded back to 12 digits: every
    province code starts with 0 (001–096), so this is lossless. Typed text is never padded — a
    missing digit there may be anywhere. Check the result with :func:`citizen_id_problem`.
    """
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, float) and not raw.is_integer():
            return _nfkc(raw)
        number = int(raw)
        return str(number).zfill(12) if 0 < number < 10**12 else str(number)
    return _CITIZEN_ID_JUNK.sub("", _nfkc(raw))


def citizen_id_problem(cccd: str, date_of_birth: date | None = None, sex: str = "") -> str | None:
    """Why a normalised CCCD is invalid (a translated message), or None.

    Structure, Circular 59/2021/TT-BCA Art. 7: 3 digits of the province where the birth was
    registered (001–096), 1 digit for century and sex (0/1 = male/female born 1900–1999, 2/3 =
    2000–2099, 4/5 = 2100–2199, …), the last 2 digits of the year of birth, 6 random digits.
    The year of birth cannot be in the future; when the date of birth or the sex ("M"/"F") is
    known, the number must agree with it.
    """
    if not _CITIZEN_ID.fullmatch(cccd):
        return _("A citizen ID (CCCD) has exactly 12 digits.")
    if not 1 <= int(cccd[:3]) <= 96:
        return _("The first three digits of a citizen ID are a province code from 001 to 096.")
    digit = int(cccd[3])
    year = 1900 + 100 * (digit // 2) + int(cccd[4:6])
    if date_of_birth is not None and year != date_of_birth.year:
        return _("The citizen ID does not match the year of birth %(year)s.") % {
            "year": date_of_birth.year
        }
    if year > timezone.localdate().year:
        return _("The citizen ID gives a year of birth in the future.")
    if sex and ("M" if digit % 2 == 0 else "F") != sex:
        return _("The citizen ID does not match the sex.")
    return None
