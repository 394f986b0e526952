"""The law's rules for community decisions as plain functions (no database).

Law 10/2022/QH15 Art. 15–21, Decree 59/2023/NĐ-CP Art. 3–9, Decree 61/2023/NĐ-CP Art. 7, 10
(`shared/domain/legal-spec.md` §1.b, 1.c, 1.f, 1.g). Every threshold is integer arithmetic on
the law's denominator — the total households of the village (thôn, tổ dân phố), never the
attendees — so "exactly half" fails where the law says "more than half".
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "BALLOT_NOTICE_DAYS",
    "CONSENT_VALID_MONTHS",
    "ELECTION_MILESTONES",
    "REELECTION_AFTER_DISMISSAL_DAYS",
    "MEETING_NOTICE_DAYS",
    "TEAM_MAX",
    "TEAM_MIN",
    "WITNESSES",
    "Form",
    "MatterType",
    "Refusal",
    "allowed_forms",
    "commune_rule_text",
    "form_refusal",
    "consent_valid_until",
    "consent_reaches_community",
    "dismissal_petition_suffices",
    "elected_candidates",
    "meeting_is_quorate",
    "meeting_threshold_reachable",
    "milestone_refusal",
    "notice_refusal",
    "online_opt_in_passes",
    "passes",
    "procedural_vote_passes",
    "reelection_due",
    "reelection_refusal",
    "rule_text",
    "team_refusal",
    "villages_pass",
]

# Decree 59/2023 Art. 3(3)–(4): meeting notice and documents at least 2 days before.
MEETING_NOTICE_DAYS = 2
# Law 10/2022 Art. 19(2); Decree 59/2023 Art. 4(4): the ballot's public notice ≥ 2 days before.
BALLOT_NOTICE_DAYS = 2
# Law 10/2022 Art. 19(2); Decree 59/2023 Art. 3(5), 4(3), 5(2)(b): teams of 3–5 members.
TEAM_MIN, TEAM_MAX = 3, 5
# Decree 59/2023 Art. 3(5)(c), 4(6): two household representatives witness every count.
WITNESSES = 2
# Law 10/2022 Art. 16(3): a household's consent to an initiative is valid for 3 months.
CONSENT_VALID_MONTHS = 3
# Decree 59/2023 Art. 6: village-head election milestones, days before the meeting.
ELECTION_MILESTONES = {"plan": 20, "candidates": 15, "election_team": 10, "public_notice": 7}
# Decree 59/2023 Art. 9(3): after a dismissal, the new village head is elected within 60 days.
REELECTION_AFTER_DISMISSAL_DAYS = 60


class MatterType(models.IntegerChoices):
    """What the community decides — Law 10/2022 Art. 15, by clause number."""

    CONTRIBUTIONS = 1, _("1. Policy and level of contributions for public works")
    COMMUNITY_FINANCES = 2, _("2. Collection and spending of community funds")
    CONVENTION = 3, _("3. Community convention (hương ước, quy ước)")
    VILLAGE_HEAD = 4, _("4. Electing or dismissing the village head")
    BOARD_MEMBERS = 5, _("5. Electing or dismissing inspection and supervision board members")
    OTHER = 6, _("6. Other self-managed matters of the community")


class Form(models.TextChoices):
    """How the community decides — Law 10/2022 Art. 17(1)."""

    MEETING = "meeting", _("Community meeting")
    BALLOT = "ballot", _("Ballot to each household")
    ONLINE = "online", _("Online vote")


_TWO_THIRDS = frozenset({MatterType.CONTRIBUTIONS, MatterType.COMMUNITY_FINANCES})
_MEETING_ONLY = frozenset(
    {MatterType.CONVENTION, MatterType.VILLAGE_HEAD, MatterType.BOARD_MEMBERS}
)


@dataclass(frozen=True)
class Refusal:
    """Why a step is refused, with the article that says so."""

    message: str
    article: str

    def __str__(self) -> str:
        return f"{self.message} ({self.article})"


def passes(matter_type: int, approvals: int, total_households: int) -> bool:
    """Whether a village adopts the matter — Law 10/2022 Art. 21(1).

    Clauses 1–2: two thirds or more of all households (approvals × 3 ≥ total × 2).
    Clauses 3–6: more than half of all households (approvals × 2 > total): exactly half fails.
    """
    if total_households <= 0:
        return False
    if matter_type in _TWO_THIRDS:
        return approvals * 3 >= total_households * 2
    return approvals * 2 > total_households


def villages_pass(villages_adopting: int, villages_total: int) -> bool:
    """A commune-wide contributions or finances matter — Law 10/2022 Art. 21(1): two thirds
    or more of the villages of the commune adopt it."""
    return villages_total > 0 and villages_adopting * 3 >= villages_total * 2


def meeting_is_quorate(matter_type: int, present: int, total_households: int) -> bool:
    """Decree 61/2023 Art. 10: a convention meeting is valid only when more than half of all
    households are represented. Other meetings have no quorum of their own."""
    if matter_type == MatterType.CONVENTION:
        return present * 2 > total_households
    return total_households > 0


def meeting_threshold_reachable(matter_type: int, present: int, total_households: int) -> bool:
    """Whether the households present could adopt the matter at all. When they cannot (or a
    convention meeting is not quorate), the household ballot is the fallback —
    Law 10/2022 Art. 19(1)(b); Decree 61/2023 Art. 10."""
    return meeting_is_quorate(matter_type, present, total_households) and passes(
        matter_type, present, total_households
    )


def procedural_vote_passes(in_favour: int, present: int) -> bool:
    """Decree 59/2023 Art. 3(5): secretary, counting committee and the options are adopted by
    more than half of the household representatives present."""
    return present > 0 and in_favour * 2 > present


def online_opt_in_passes(agreeing: int, total_households: int) -> bool:
    """Decree 59/2023 Art. 5(2)(c): online voting only after more than half of all households
    agreed to use it."""
    return total_households > 0 and agreeing * 2 > total_households


def consent_valid_until(given_on: date) -> date:
    """The last day a consent counts — Law 10/2022 Art. 16(3): valid for 3 months.

    Civil Code 2015 Art. 147–148: the period starts the day after the consent and, counted in
    months, ends at the end of the corresponding day of the last month, or of that month's last
    day when it has no such day (given on 30 November → valid until 28 or 29 February).
    """
    month_index = given_on.month - 1 + CONSENT_VALID_MONTHS
    year, month = given_on.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(given_on.day, last_day))


def consent_reaches_community(valid_consents: int, total_households: int) -> bool:
    """Law 10/2022 Art. 16(3): an initiative goes to the community with the consent of at least
    10% of all households (consents × 10 ≥ total)."""
    return total_households > 0 and valid_consents * 10 >= total_households


def allowed_forms(
    matter_type: int, *, meeting_unreachable: bool = False, online_opted_in: bool = False
) -> list[Form]:
    """The forms the law allows for a matter now — Law 10/2022 Art. 17(2), 19(1)(b).

    * Conventions and elections (clauses 3–5): a meeting; the household ballot only after a
      meeting whose attendance made the threshold unreachable.
    * Online voting: only clause 6, and only after more than half of all households opted in
      (Decree 59/2023 Art. 5(1)–(2)).
    """
    if matter_type in _MEETING_ONLY:
        return [Form.MEETING, Form.BALLOT] if meeting_unreachable else [Form.MEETING]
    forms = [Form.MEETING, Form.BALLOT]
    if matter_type == MatterType.OTHER and online_opted_in:
        forms.append(Form.ONLINE)
    return forms


def form_refusal(
    matter_type: int, form: str, *, meeting_unreachable: bool = False, online_opted_in: bool = False
) -> Refusal | None:
    if form in allowed_forms(
        matter_type, meeting_unreachable=meeting_unreachable, online_opted_in=online_opted_in
    ):
        return None
    if form == Form.ONLINE and matter_type != MatterType.OTHER:
        return Refusal(
            str(_("Online voting is allowed only for other self-managed matters.")),
            "Luật 10/2022 Điều 17(2)",
        )
    if form == Form.ONLINE:
        return Refusal(
            str(_("More than half of all households must first agree to vote online.")),
            "Nghị định 59/2023 Điều 5(2)(c)",
        )
    return Refusal(
        str(
            _(
                "This matter is decided at a meeting; a household ballot only when the meeting's "
                "attendance could not reach the threshold."
            )
        ),
        "Luật 10/2022 Điều 17(2), 19(1)(b)",
    )


def notice_refusal(kind: str, notice_on: date, held_on: date) -> Refusal | None:
    """A meeting notice (Decree 59 Art. 3(3)–(4)) or a ballot's public notice (Art. 4(4)) given
    at least 2 days before: ``held_on - notice_on >= 2``."""
    days = MEETING_NOTICE_DAYS if kind == "meeting" else BALLOT_NOTICE_DAYS
    if (held_on - notice_on).days >= days:
        return None
    article = "Nghị định 59/2023 Điều 3(3)" if kind == "meeting" else "Nghị định 59/2023 Điều 4(4)"
    return Refusal(
        str(_("The notice must be given at least %(days)s days before.") % {"days": days}),
        article,
    )


def team_refusal(members: int, *, witnesses: int | None = None) -> Refusal | None:
    """Teams of 3–5 (Decree 59/2023 Art. 3(5), 4(3), 5(2)(b)) and 2 witnesses at a count."""
    if not TEAM_MIN <= members <= TEAM_MAX:
        return Refusal(
            str(
                _("A team has from %(min)s to %(max)s members.")
                % {"min": TEAM_MIN, "max": TEAM_MAX}
            ),
            "Nghị định 59/2023 Điều 3(5), 4(3), 5(2)(b)",
        )
    if witnesses is not None and witnesses != WITNESSES:
        return Refusal(
            str(_("Two household representatives witness the count.")),
            "Nghị định 59/2023 Điều 3(5)(c), 4(6)",
        )
    return None


def commune_rule_text() -> str:
    return str(_("Commune-wide: adopted when two thirds or more of the villages adopt it."))


def rule_text(matter_type: int) -> tuple[str, str]:
    """The pass rule in words and its article, for the outcome page."""
    if matter_type in _TWO_THIRDS:
        return (
            str(_("Adopted with the approval of two thirds or more of all households.")),
            "Luật 10/2022 Điều 21(1)",
        )
    return (
        str(_("Adopted with the approval of more than half of all households.")),
        "Luật 10/2022 Điều 21(1)",
    )


# --- village-head elections and dismissal (Decree 59/2023 Art. 6–9) ---------------------------

_ELECTION_ARTICLE = "Nghị định 59/2023 Điều 6"


def _milestone_messages() -> dict[str, str]:
    return {
        "plan": str(
            _(
                "The commune chair's election decision and plan are issued at least "
                "%(days)s days before the election day."
            )
        ),
        "candidates": str(
            _(
                "The village Front working committee fixes the official candidate list at "
                "least %(days)s days before the election day."
            )
        ),
        "election_team": str(
            _("The election team is set up at least %(days)s days before the election day.")
        ),
        "public_notice": str(
            _("The election is announced at least %(days)s days before the election day.")
        ),
    }


def milestone_refusal(step: str, done_on: date, election_day: date) -> Refusal | None:
    """Decree 59/2023 Art. 6: each step of a village-head election is taken at least N days
    before the election day — plan 20, candidate list 15, election team 10, public notice 7.

    Counted in calendar days (the decree says "ngày"): ``election_day - done_on >= N``, so a
    plan 20 days before passes and 19 days before is refused.
    """
    days = ELECTION_MILESTONES[step]
    if (election_day - done_on).days >= days:
        return None
    return Refusal(_milestone_messages()[step] % {"days": days}, _ELECTION_ARTICLE)


def reelection_due(dismissed_on: date) -> date:
    """Decree 59/2023 Art. 9(3): the last day of the new election after a dismissal took effect
    (the day after it is day 1, Civil Code Art. 147(2))."""
    return dismissed_on + timedelta(days=REELECTION_AFTER_DISMISSAL_DAYS)


def reelection_refusal(dismissed_on: date, election_day: date) -> Refusal | None:
    """Decree 59/2023 Art. 9(3): after a dismissal the new election is held within 60 days.

    The period starts the day after the dismissal took effect (Civil Code Art. 147(2)), so its
    last day is ``dismissed_on + 60``; an election on that day passes, the day after is late.
    An election cannot be held before the dismissal either.
    """
    days = (election_day - dismissed_on).days
    if 0 < days <= REELECTION_AFTER_DISMISSAL_DAYS:
        return None
    return Refusal(
        str(
            _("After a dismissal the new village head is elected within %(days)s days.")
            % {"days": REELECTION_AFTER_DISMISSAL_DAYS}
        ),
        "Nghị định 59/2023 Điều 9(3)",
    )


def dismissal_petition_suffices(signing_households: int, total_households: int) -> bool:
    """Decree 59/2023 Art. 9(1): households may bring the dismissal of the village head to the
    community when **at least 50%** of all households petition (signatures × 2 ≥ total: 50 of
    100 suffice, 49 do not)."""
    return total_households > 0 and signing_households * 2 >= total_households


def elected_candidates(
    matter_type: int, counts: Mapping[int, int], candidates: Sequence[int], seats: int,
    total_households: int,
) -> list[int]:  # fmt: skip
    """The candidates elected, best first: those approved by more than half of all households
    (Law 10/2022 Art. 21(1); Decree 59/2023 Art. 3(5)(d)), at most ``seats`` of them (a board
    elects several members, a village one head).

    The law is silent on a tie for the last seat: none of the tied candidates is elected and the
    seat stays to be filled by another vote — a tie is never broken by the order of the list.
    """
    passing = [c for c in candidates if passes(matter_type, counts.get(c, 0), total_households)]
    passing.sort(key=lambda c: -counts.get(c, 0))
    if len(passing) <= seats:
        return passing
    cutoff = counts.get(passing[seats], 0)
    return [c for c in passing[:seats] if counts.get(c, 0) > cutoff]
