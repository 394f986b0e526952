"""API schemas of community decisions (Law 10/2022/QH15 Art. 15–21; Decree 59/2023).

Inputs are JSON objects bounded like the services' own limits, so that a well-formed request
reaches the service and the service's field errors answer the rest. Outputs are built by the
``*_out`` functions from rows the handlers loaded (no query inside them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.urls import NoReverseMatch, reverse
from ninja import Field, Schema

from danchu.decisions import services
from danchu.decisions.models import Matter, MatterVillage, Option, Vote
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.selectors import MatterOutcome
from danchu.disclosure.schemas import MULTILINE_PATTERN, IsoDate
from danchu.territory.schemas import NAME_PATTERN, TEXT_PATTERN, _Input

__all__ = [
    "MatterDetailOut",
    "MatterFilters",
    "MatterIn",
    "MatterOpenIn",
    "MatterOut",
    "MatterPage",
    "MyVoteOut",
    "TallyOut",
    "VillagePlanIn",
    "VoteIn",
    "matter_out",
    "my_vote_out",
    "tally_out",
]

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
# Literals rather than the models' TextChoices: two enums both named "Status" would share one
# OpenAPI component.
MatterStatus = Literal["draft", "open", "closed", "cancelled"]
PublicStatus = Literal["open", "closed"]
FormName = Literal["meeting", "ballot", "online"]
OptionKind = Literal["approve", "reject", "other", "candidate"]
# Names on ballots and in team lists: a visible character, no control characters.
PersonName = Annotated[str, Field(min_length=1, max_length=services.NAME_MAX, pattern=NAME_PATTERN)]


# ---------------------------------------------------------------------------------------------
# Inputs


class MatterFilters(Schema):
    village_id: Id | None = Field(None, description="Matters decided in this village.")
    status: MatterStatus | None = Field(
        None, description="Drafts and cancelled matters: the commune's officials only."
    )


class MatterIn(_Input):
    """A matter put to the households (a draft until it opens)."""

    matter_type: int = Field(..., ge=1, le=6, description="Law 10/2022 Art. 15 clause (1–6).")
    title: str = Field(..., min_length=1, max_length=services.TITLE_MAX, pattern=NAME_PATTERN)
    question: str = Field(
        ..., min_length=1, max_length=services.QUESTION_MAX, pattern=MULTILINE_PATTERN
    )
    description: str = Field("", max_length=services.DESCRIPTION_MAX, pattern=MULTILINE_PATTERN)
    village_ids: list[Id] = Field(
        default_factory=list, max_length=500, description="Empty for a commune-wide matter."
    )
    commune_wide: bool = Field(
        False, description="Contributions or community finances, decided by every village "
        "(the chair's; Art. 16(1), 21(1)).",
    )  # fmt: skip
    candidates: list[PersonName] | None = Field(
        None, max_length=services.CANDIDATES_MAX, description="An election's candidates."
    )
    dismissal: bool = Field(False, description="A dismissal vote (clauses 4–5).")
    secret: bool = Field(
        False, description="Secret ballot: participation recorded, choices published "
        "unlinked on a bulletin by tracking-code digest (Law Art. 18(4)(d)).",
    )  # fmt: skip


class VillagePlanIn(_Input):
    """How one village decides (overrides the matter's default plan)."""

    village_id: Id
    form: FormName = "meeting"
    notice_on: IsoDate | None = Field(None, description="The notice was given (default today).")
    held_on: IsoDate | None = Field(None, description="The meeting, or ballots handed out.")
    closes_at: datetime | None = Field(
        None, description="Ballots' return deadline or the online vote's end (with a time zone)."
    )
    team: list[PersonName] = Field(default_factory=list, max_length=services.TEAM_NAMES_MAX)


class MatterOpenIn(_Input):
    """Open a matter: the default plan, and per village plans where they differ."""

    form: FormName = "meeting"
    notice_on: IsoDate | None = None
    held_on: IsoDate | None = None
    closes_at: datetime | None = None
    team: list[PersonName] = Field(default_factory=list, max_length=services.TEAM_NAMES_MAX)
    plans: list[VillagePlanIn] = Field(default_factory=list, max_length=500)


class VoteIn(_Input):
    option_id: Id
    other_opinion: str = Field(
        "", max_length=services.OPINION_MAX, pattern=TEXT_PATTERN,
        description='Only with the "other opinion" option.',
    )  # fmt: skip
    tracking_code: str = Field(
        "", max_length=40, pattern=r"^[0-9A-Za-z\- ]*$",
        description="Secret ballot: the code given at the first vote, to change the choice.",
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Outputs


class OptionOut(Schema):
    id: int
    position: int
    kind: OptionKind
    label: str


class MatterVillageOut(Schema):
    id: int
    village_id: int
    village_name: str
    form: FormName
    form_label: str
    notice_on: date | None
    held_on: date | None
    closes_at: datetime | None
    total_households: int = Field(description="All households, frozen at opening (Art. 21(1)).")
    adopted: bool | None = Field(description="Set when the matter closes.")


class MatterOut(Schema):
    id: int
    commune_code: str
    status: MatterStatus
    matter_type: int
    matter_type_label: str
    commune_wide: bool
    secret: bool = Field(False, description="A secret ballot (a public bulletin by tracking code).")
    title: str
    question: str
    opened_at: datetime | None
    closed_at: datetime | None
    villages: list[MatterVillageOut]
    url: str | None = Field(description="The public page (open and closed matters).")


class MatterDetailOut(MatterOut):
    description: str
    options: list[OptionOut]
    rule: str
    article: str
    result_hash: str = Field(description="SHA-256 of the sealed result; empty until closed.")


class MatterPage(Schema):
    count: int
    items: list[MatterOut]


class OptionCountOut(Schema):
    option_id: int
    count: int


class VillageTallyOut(Schema):
    matter_village_id: int
    village_id: int
    village_name: str
    form: FormName
    total_households: int = Field(description="The law's denominator (Art. 21(1)).")
    turnout: int
    approvals: int
    adopted: bool
    winner_option_id: int | None = Field(description="An election's elected candidate.")
    counts: list[OptionCountOut]


class TallyOut(Schema):
    matter_id: int
    adopted: bool
    rule: str
    article: str
    result_hash: str
    hash_matches: bool = Field(description="The counts below give back the sealed hash.")
    options: list[OptionOut]
    villages: list[VillageTallyOut]


class MyVoteOut(Schema):
    matter_village_id: int
    voted: bool
    option_id: int | None
    other_opinion: str
    channel: Literal["meeting", "ballot", "online"] | None
    cast_at: datetime | None
    changed_at: datetime | None
    secret: bool = Field(False, description="A secret ballot: the choice is not linked here.")
    tracking_code: str = Field(
        "", description="Secret ballot, first vote only: shown once, never stored; keep it to "
        "check the bulletin and to change the choice.",
    )  # fmt: skip


class BulletinLineOut(Schema):
    village_code: str
    village: str
    tracking_digest: str = Field(description="SHA-256 of '<matter id>:<tracking code>'.")
    option_id: int | None = Field(
        description="Empty for a blank or spoiled paper ballot, and for a board ballot with "
        "several seats (see option_ids)."
    )
    option: str
    option_ids: list[int] = Field(
        description="A board ballot with several seats: the approved candidates, ascending."
    )


class BulletinOut(Schema):
    matter: int
    bulletin_hash: str = Field(description="SHA-256 of the compact, key-sorted JSON of canonical.")
    canonical: dict[str, Any]
    ballots: list[BulletinLineOut]


class TrackingCheckIn(_Input):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[0-9A-Za-z\- ]+$")


class TrackingCheckOut(Schema):
    matter: int
    tracking_digest: str
    counted: bool
    village_code: str | None
    option_id: int | None
    option: str | None
    option_ids: list[int] = Field(
        description="A board ballot with several seats: the approved candidates, ascending."
    )


def option_out(option: Option) -> dict[str, Any]:
    return {
        "id": option.pk,
        "position": option.position,
        "kind": option.kind,
        "label": option.label,
    }


def _village_out(mv: MatterVillage, forms: dict[str, str]) -> dict[str, Any]:
    return {
        "id": mv.pk,
        "village_id": mv.village_id,
        "village_name": mv.village.name,
        "form": mv.form,
        "form_label": forms.get(mv.form, ""),
        "notice_on": mv.notice_on,
        "held_on": mv.held_on,
        "closes_at": mv.closes_at,
        "total_households": mv.total_households,
        "adopted": mv.adopted,
    }


def _public_url(matter: Matter, commune_code: str, base: Any) -> str | None:
    if matter.status not in (Matter.Status.OPEN, Matter.Status.CLOSED):
        return None
    try:
        return str(base(reverse("decisions:public_detail", args=[commune_code, matter.pk])))
    except NoReverseMatch:  # the public pages are not routed (a deployment without them)
        return None


def form_labels() -> dict[str, str]:
    return {str(v): str(label) for v, label in Form.choices}


def type_labels() -> dict[int, str]:
    return {int(v): str(label) for v, label in MatterType.choices}


def matter_out(
    matter: Matter,
    villages: list[MatterVillage],
    *,
    commune_code: str,
    base: Any,
    types: dict[int, str],
    forms: dict[str, str],
) -> dict[str, Any]:
    return {
        "id": matter.pk,
        "commune_code": commune_code,
        "status": matter.status,
        "matter_type": matter.matter_type,
        "matter_type_label": types.get(matter.matter_type, ""),
        "commune_wide": matter.commune_wide,
        "secret": matter.secret,
        "title": matter.title,
        "question": matter.question,
        "opened_at": matter.opened_at,
        "closed_at": matter.closed_at,
        "villages": [_village_out(mv, forms) for mv in villages],
        "url": _public_url(matter, commune_code, base),
    }


def tally_out(
    outcome: MatterOutcome, options: list[Option], *, hash_matches: bool
) -> dict[str, Any]:
    matter = outcome.matter
    return {
        "matter_id": matter.pk,
        "adopted": outcome.adopted,
        "rule": outcome.rule,
        "article": outcome.article,
        "result_hash": matter.result_hash,
        "hash_matches": hash_matches,
        "options": [option_out(o) for o in options],
        "villages": [
            {
                "matter_village_id": o.matter_village.pk,
                "village_id": o.matter_village.village_id,
                "village_name": o.matter_village.village.name,
                "form": o.matter_village.form,
                "total_households": o.total_households,
                "turnout": o.turnout,
                "approvals": o.approvals,
                "adopted": o.adopted,
                "winner_option_id": o.winner.pk if o.winner is not None else None,
                "counts": [{"option_id": x.pk, "count": o.counts.get(x.pk, 0)} for x in options],
            }
            for o in outcome.villages
        ],
    }


def my_vote_out(mv: MatterVillage, vote: Vote | None) -> dict[str, Any]:
    return {
        "matter_village_id": mv.pk,
        "voted": vote is not None,
        "option_id": vote.option_id if vote else None,
        "other_opinion": vote.other_opinion if vote else "",
        "secret": mv.matter.secret,
        "tracking_code": vote.tracking_code if vote else "",
        "channel": vote.channel if vote else None,
        "cast_at": vote.cast_at if vote else None,
        "changed_at": vote.changed_at if vote else None,
    }
