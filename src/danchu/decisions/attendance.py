"""The meeting's attendance sheet with a check-in code per household, and the check-in.

Law 10/2022 Art. 18(1)-(2): household representatives attend the community meeting; the village
head records who is present (Decree 59/2023 Art. 3(5): the procedural votes count "more than half
of those present"). Each household gets a code on the printed sheet, as text and as a QR code;
the village head types it, or a scanner that types like a keyboard enters it, on the check-in
page.

The code is ``HMAC(SECRET_KEY, matter village, household)`` cut to 10 base-32 characters
(50 bits): it says nothing about the household (no name, no number, no address), it cannot be
guessed or derived from another household's code, and it is only good for this meeting (a
household has another code at the next one). Nothing is stored: the check-in recomputes the
codes of the village's households — a few thousand HMACs at most.

A meeting held by residential cluster (Law 10/2022 Art. 18(3); :mod:`danchu.decisions.clusters`)
prints one sheet per cluster session (its households only, the cluster named) and checks in by
cluster: a code of a household of another cluster is not on that session's sheet.
"""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac

from danchu.core.documents import render_pdf
from danchu.decisions.documents import (
    DocumentUnavailable,
    day_text,
    issuer_name,
)
from danchu.decisions.models import (
    MatterVillage,
    MeetingAttendance,
    MeetingSession,
    SessionHousehold,
)
from danchu.decisions.services import eligible_households
from danchu.disclosure.notice import place_and_date, qr_data_uri
from danchu.territory.models import Household, Resident

__all__ = [
    "CODE_LENGTH",
    "SHEET_BATCH",
    "SheetRow",
    "attendance_code",
    "attendance_sheet_html",
    "attendance_sheet_pdf",
    "attendance_sheet_rows",
    "sheet_batches",
    "household_for_code",
    "normalize_code",
]

CODE_LENGTH = 10  # base-32 characters: 50 bits
# Households per printed file: about 9 s of layout for 200 rows on the shared box (measured),
# so a village of a few thousand households prints in several files.
SHEET_BATCH = 250
_SALT = "danchu.decisions.attendance"
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def attendance_code(matter_village_id: int, household_id: int) -> str:
    """The household's check-in code for this meeting, e.g. ``K7QX2-MB4TA``."""
    digest = salted_hmac(_SALT, f"{matter_village_id}:{household_id}", algorithm="sha256")
    raw = base64.b32encode(digest.digest()).decode()[:CODE_LENGTH]
    return f"{raw[:5]}-{raw[5:]}"


def normalize_code(text: str) -> str:
    """What was typed or scanned, as the code's 10 characters: case, spaces and dashes do not
    matter; anything else makes it no code (empty)."""
    raw = "".join(ch for ch in str(text or "").upper() if ch not in " -\t")
    if len(raw) != CODE_LENGTH or not set(raw) <= _ALPHABET:
        return ""
    return f"{raw[:5]}-{raw[5:]}"


def _households(
    matter_village: MatterVillage, session: MeetingSession | None = None
) -> QuerySet[Household]:
    """The village's households, or those of one cluster session."""
    households = eligible_households(matter_village)
    if session is not None:
        members = SessionHousehold.objects.filter(session=session).values("household_id")
        households = households.filter(pk__in=members)
    return households


def household_for_code(
    matter_village: MatterVillage, text: str, session: MeetingSession | None = None
) -> Household | None:
    """The household of the village (or of the cluster ``session``) whose code this is, or
    None (compared in constant time)."""
    code = normalize_code(text)
    if not code:
        return None
    found = None
    for pk in _households(matter_village, session).values_list("pk", flat=True).iterator():
        if hmac.compare_digest(attendance_code(matter_village.pk, pk), code):
            found = pk
    if found is None:
        return None
    return Household.objects.get(pk=found)


@dataclass(frozen=True)
class SheetRow:
    number: int
    household_code: str
    representative: str
    code: str
    qr: str
    present: bool


def sheet_batches(matter_village: MatterVillage, session: MeetingSession | None = None) -> int:
    total = (
        matter_village.total_households
        if session is None
        else SessionHousehold.objects.filter(session=session).count()
    )
    return max(1, -(-total // SHEET_BATCH))


def attendance_sheet_rows(
    matter_village: MatterVillage,
    batch: int | None = None,
    session: MeetingSession | None = None,
) -> list[SheetRow]:
    """One row per household of the village (or of one cluster ``session``), or of its
    ``batch``-th file (three queries whatever their number)."""
    start = 0 if batch is None else (max(1, batch) - 1) * SHEET_BATCH
    households = (
        _households(matter_village, session)
        .order_by("code", "pk")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Resident.objects.filter(is_representative=True).order_by("pk"),
                to_attr="representatives",
            )
        )
    )
    present = set(
        MeetingAttendance.objects.filter(matter_village=matter_village).values_list(
            "household_id", flat=True
        )
    )
    if batch is not None:
        households = households[start : start + SHEET_BATCH]
    rows = []
    for number, household in enumerate(households, start=start + 1):
        code = attendance_code(matter_village.pk, household.pk)
        reps = getattr(household, "representatives", [])
        rows.append(
            SheetRow(
                number=number,
                household_code=household.code,
                representative=reps[0].full_name if reps else "",
                code=code,
                qr=qr_data_uri(code),
                present=household.pk in present,
            )
        )
    return rows


def attendance_sheet_html(
    matter_village: MatterVillage,
    batch: int | None = None,
    session: MeetingSession | None = None,
) -> str:
    """The printed sheet (Vietnamese: it is signed and filed with the minutes); a cluster
    session's sheet lists its households and names the cluster."""
    mv = matter_village
    day = mv.held_on
    with translation.override("vi"):
        return render_to_string(
            "decisions/documents/attendance.html",
            {
                "commune_upper": mv.matter.commune.name.upper(),
                "issuer": issuer_name(mv.village),
                "place_and_date": place_and_date(mv.matter.commune, day) if day else "",
                "held_on": day_text(day),
                "matter": mv.matter,
                "total": mv.total_households,
                "cluster": session.name if session is not None else "",
                "rows": attendance_sheet_rows(mv, batch, session),
            },
        )


def attendance_sheet_pdf(
    matter_village: MatterVillage,
    batch: int | None = None,
    session: MeetingSession | None = None,
) -> bytes:
    html = attendance_sheet_html(matter_village, batch, session)
    return render_pdf(html, unavailable=DocumentUnavailable)
