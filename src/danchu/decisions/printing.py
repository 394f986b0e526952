"""Printed household ballots (phiếu lấy ý kiến hộ gia đình), one per household, as a PDF.

Decree 59/2023/NĐ-CP Art. 4(5): the ballot is issued by the commune People's Committee and shows
the title, the question, the options with instructions, room for another opinion and the
deadline for returning it; a commune-wide ballot bears the committee's seal top left, a village's
ballot is signed by the village head bottom right. Law 10/2022 Art. 19(3): one ballot per
household. Each ballot also carries its serial (:attr:`Ballot.serial`, unique per commune and
drawn at random, so not guessable) in print and as a QR code, for the delivery and return
tracking and for the double entry. The QR code holds the serial only: no name, no address.

A secret matter's household ballot is a double envelope (:mod:`danchu.decisions.secret_paper`):
the household's sheet is the outer envelope (serial and household code, no question), printed
with ``part="envelopes"``; the ballot itself is the inner ballot, printed in tracking-code
order with its code and no household code nor name, to be slipped into the envelopes at random.

The ballot is an official form: its wording is Vietnamese, not translated. A4 (two ballots a
sheet is the clerk's choice: A5 prints one per A5 page) in Times New Roman / Liberation Serif.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from danchu.core.documents import render_pdf
from danchu.decisions import board_votes
from danchu.decisions.documents import (
    DocumentUnavailable,
    issuer_name,
    kind_word,
    moment_text,
)
from danchu.decisions.models import Ballot, InnerBallot, MatterVillage, Option
from danchu.disclosure.notice import qr_data_uri

__all__ = [
    "BATCH_SIZE",
    "PAPER_SIZES",
    "BallotSheet",
    "DocumentUnavailable",
    "ballot_sheets",
    "batch_count",
    "inner_ballot_sheets",
    "ballots_html",
    "ballots_pdf",
]

PAPER_SIZES = ("A5", "A4")
# WeasyPrint lays out about ten ballots a second on one core (measured: 200 in 27.5 s on the
# shared 2-core box): a request prints at most this many, the page links each batch.
BATCH_SIZE = 100
BALLOT_TITLE = "PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH"


@dataclass(frozen=True)
class BallotSheet:
    serial: str
    household_code: str
    qr: str


@dataclass(frozen=True)
class BallotOption:
    label: str
    other: bool  # "Ý kiến khác": room to write it


def batch_count(issued: int) -> int:
    return max(1, -(-issued // BATCH_SIZE))


def ballot_sheets(matter_village: MatterVillage, batch: int = 1) -> list[BallotSheet]:
    """The village's issued ballots in serial order, the ``batch``-th hundred (one query)."""
    start = (max(1, batch) - 1) * BATCH_SIZE
    ballots = (
        Ballot.objects.filter(matter_village=matter_village)
        .select_related("household")
        .order_by("serial")[start : start + BATCH_SIZE]
    )
    return [
        BallotSheet(serial=b.serial, household_code=b.household.code, qr=qr_data_uri(b.serial))
        for b in ballots
    ]


def inner_ballot_sheets(matter_village: MatterVillage, batch: int = 1) -> list[BallotSheet]:
    """A secret matter's inner ballots in code order (no household), the ``batch``-th hundred."""
    start = (max(1, batch) - 1) * BATCH_SIZE
    codes = (
        InnerBallot.objects.filter(matter_village=matter_village)
        .order_by("code")
        .values_list("code", flat=True)[start : start + BATCH_SIZE]
    )
    return [BallotSheet(serial=code, household_code="", qr=qr_data_uri(code)) for code in codes]


def _context(
    matter_village: MatterVillage, paper: str, batch: int, part: str = "ballots"
) -> dict[str, object]:
    mv = matter_village
    matter = mv.matter
    village = mv.village
    word = kind_word(village)
    options = [
        BallotOption(label=o.label, other=o.kind == Option.Kind.OTHER)
        for o in Option.objects.filter(matter=matter).order_by("position")
    ]
    return {
        "paper": paper if paper in PAPER_SIZES else PAPER_SIZES[0],
        "title": BALLOT_TITLE,
        "commune_upper": matter.commune.name.upper(),
        "issuer": issuer_name(village),
        # Decree 59/2023 Art. 4(5): seal of the commune People's Committee on a commune-wide
        # ballot; the village head's signature on a village's ballot.
        "commune_wide": matter.commune_wide,
        "signer": "TỔ TRƯỞNG TỔ DÂN PHỐ" if word == "Tổ dân phố" else f"TRƯỞNG {word.upper()}",
        "matter": matter,
        "options": options,
        # Law 10/2022 Art. 15(5): a board election's ballot approves up to ``seats`` candidates.
        "seats": board_votes.seats_of(mv),
        "deadline": moment_text(mv.closes_at),
        "secret": matter.secret,
        "envelopes": matter.secret and part == "envelopes",
        "sheets": (
            inner_ballot_sheets(mv, batch)
            if matter.secret and part != "envelopes"
            else ballot_sheets(mv, batch)
        ),
    }


def ballots_html(
    matter_village: MatterVillage, paper: str = "A5", batch: int = 1, part: str = "ballots"
) -> str:
    """A batch of the village's issued ballots as HTML for the PDF engine, one per page (a
    secret matter: its inner ballots, or with ``part="envelopes"`` its outer envelopes)."""
    context = _context(matter_village, paper, batch, part)
    with translation.override("vi"):
        return render_to_string("decisions/documents/ballots.html", context)


def ballots_pdf(
    matter_village: MatterVillage, paper: str = "A5", batch: int = 1, part: str = "ballots"
) -> bytes:
    """The ballots as PDF bytes (:class:`DocumentUnavailable` where WeasyPrint cannot run)."""
    html = ballots_html(matter_village, paper, batch, part)
    return render_pdf(html, unavailable=DocumentUnavailable)
