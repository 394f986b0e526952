"""The decisions pillar's indicators for the steering reports (see danchu.core.indicators).

The unit is the **village decision**: one matter decided in one village (Law 10/2022 Art. 15,
17, 20–21). A matter for one village is one decision; a commune-wide matter is one decision in
each of its villages, each adopted or not by its households, so the counts add up from the
villages to the commune exactly as ``decision_figures`` counts its ``total``, ``by_form`` and
``by_type_form``. Facts are dated on the local day the matter closed (its ``closed_at``) and
belong to the village that decided.

Turnout counts households: present at the meeting, or a vote (ballot counted, online) for the
other forms, against all the village's households frozen when the matter opened (Art. 21(1)).
The online share is online votes among all individual votes (ballots counted and online).

Matters themselves (``decisions.matters``, ``decisions.matters_passed``) count once each, with
the outcome ``decision_figures`` gives them: a commune-wide matter passes when two thirds or
more of its villages adopt it (Art. 21(1)); another matter where a village adopted it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from danchu.core.indicators import Fact, Indicator
from danchu.decisions.models import Matter, MatterVillage, Vote
from danchu.decisions.rules import Form, MatterType

PILLAR = "decisions"

# Audit actions that never change this pillar's facts: a vote counts only once its matter has
# closed (``daily_facts`` reads closed matters only), no vote is taken after the closing
# (``voting_closed``), and the closing is itself audited and marks its commune. So an online
# vote does not mark its commune for the roll-ups (one write fewer per vote, quality bar P7).
UNCOUNTED_ACTIONS = frozenset({"decisions.vote.cast", "decisions.vote.change"})

# The Art. 15 types by code (``decisions.decided_<type>``, ``decisions.passed_<type>``).
TYPE_CODES: dict[int, str] = {
    MatterType.CONTRIBUTIONS: "contributions",
    MatterType.COMMUNITY_FINANCES: "finances",
    MatterType.CONVENTION: "convention",
    MatterType.VILLAGE_HEAD: "village_head",
    MatterType.BOARD_MEMBERS: "board_members",
    MatterType.OTHER: "other",
}
FORM_CODES: dict[str, str] = {
    Form.MEETING: "decisions.by_meeting",
    Form.BALLOT: "decisions.by_ballot",
    Form.ONLINE: "decisions.by_online",
}

_TYPE_NAMES: dict[int, tuple[StrOrPromise, StrOrPromise]] = {
    MatterType.CONTRIBUTIONS: (
        _("Village decisions on contributions for public works"),
        _("Village decisions on contributions for public works adopted"),
    ),
    MatterType.COMMUNITY_FINANCES: (
        _("Village decisions on community funds"),
        _("Village decisions on community funds adopted"),
    ),
    MatterType.CONVENTION: (
        _("Village decisions on community conventions"),
        _("Village decisions on community conventions adopted"),
    ),
    MatterType.VILLAGE_HEAD: (
        _("Village decisions electing or dismissing the village head"),
        _("Village decisions electing or dismissing the village head adopted"),
    ),
    MatterType.BOARD_MEMBERS: (
        _("Village decisions on inspection and supervision board members"),
        _("Village decisions on inspection and supervision board members adopted"),
    ),
    MatterType.OTHER: (
        _("Village decisions on other self-managed matters"),
        _("Village decisions on other self-managed matters adopted"),
    ),
}


def _by_type() -> tuple[Indicator, ...]:
    found = []
    for matter_type, slug in TYPE_CODES.items():
        decided, passed = _TYPE_NAMES[matter_type]
        basis = f"Luật 10/2022 Điều 15 khoản {int(matter_type)}, Điều 21"
        found += [
            Indicator(
                code=f"decisions.decided_{slug}",
                pillar=PILLAR,
                name=decided,
                definition=_(
                    "Village decisions of this type (Art. 15) whose matter closed in the period."
                ),
                measure="count",
                legal_basis=basis,
            ),
            Indicator(
                code=f"decisions.passed_{slug}",
                pillar=PILLAR,
                name=passed,
                definition=_("Of the village decisions of this type, those adopted."),
                measure="count",
                legal_basis=basis,
            ),
        ]
    return tuple(found)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="decisions.decided",
        pillar=PILLAR,
        name=_("Village decisions taken by the people"),
        definition=_(
            "Village decisions (one matter in one village; a commune-wide matter counts in each "
            "of its villages) whose matter closed in the period."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 15, 17, 20, 21",
    ),
    Indicator(
        code="decisions.passed",
        pillar=PILLAR,
        name=_("Village decisions adopted"),
        definition=_("Of the village decisions, those adopted by the village's households."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 21",
    ),
    Indicator(
        code="decisions.not_passed",
        pillar=PILLAR,
        name=_("Village decisions not adopted"),
        definition=_("Of the village decisions, those not adopted."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 21",
    ),
    Indicator(
        code="decisions.passed_rate",
        pillar=PILLAR,
        name=_("Share of village decisions adopted"),
        definition=_("Village decisions adopted among the village decisions."),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 21",
        numerator="decisions.passed",
        denominator="decisions.decided",
    ),
    Indicator(
        code="decisions.matters",
        pillar=PILLAR,
        name=_("Matters put to the people"),
        definition=_(
            "Matters closed in the period, each counted once however many villages decided it "
            "(a matter of one village belongs to that village)."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 15, 20, 21",
    ),
    Indicator(
        code="decisions.matters_passed",
        pillar=PILLAR,
        name=_("Matters put to the people and adopted"),
        definition=_(
            "Of the matters closed in the period, those adopted: a commune-wide matter when two "
            "thirds or more of its villages adopted it, another matter when a village did."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 20, 21 khoản 1",
    ),
    Indicator(
        code="decisions.by_meeting",
        pillar=PILLAR,
        name=_("Village decisions at a community meeting"),
        definition=_("Village decisions taken at a meeting of the village's households."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 17 khoản 1, Điều 18; NĐ 59/2023 Điều 3",
    ),
    Indicator(
        code="decisions.by_ballot",
        pillar=PILLAR,
        name=_("Village decisions by household ballot"),
        definition=_("Village decisions taken by ballots sent to each household."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 17 khoản 1, Điều 19; NĐ 59/2023 Điều 4",
    ),
    Indicator(
        code="decisions.by_online",
        pillar=PILLAR,
        name=_("Village decisions by online vote"),
        definition=_("Village decisions taken by an online vote of the households."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 17 khoản 1; NĐ 59/2023 Điều 5",
    ),
    Indicator(
        code="decisions.eligible_households",
        pillar=PILLAR,
        name=_("Households called to decide"),
        definition=_(
            "All the households of the villages that decided, frozen when each matter opened, "
            "summed over the village decisions."
        ),
        measure="households",
        legal_basis="Luật 10/2022 Điều 20 khoản 2, Điều 21 khoản 1",
    ),
    Indicator(
        code="decisions.participating_households",
        pillar=PILLAR,
        name=_("Households taking part"),
        definition=_(
            "Households present at the meeting, or that voted (ballot counted, online vote) for "
            "the other forms, summed over the village decisions."
        ),
        measure="households",
        legal_basis="Luật 10/2022 Điều 18, 19, 20 khoản 2; NĐ 59/2023 Điều 3–5",
    ),
    Indicator(
        code="decisions.turnout",
        pillar=PILLAR,
        name=_("Household turnout"),
        definition=_("Households taking part among the households called to decide."),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 20 khoản 2, Điều 21 khoản 1",
        numerator="decisions.participating_households",
        denominator="decisions.eligible_households",
    ),
    Indicator(
        code="decisions.votes",
        pillar=PILLAR,
        name=_("Household votes cast"),
        definition=_(
            "Individual household votes (ballots counted and online votes) in the village "
            "decisions; meeting hand counts are not individual votes."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 19 khoản 3; NĐ 59/2023 Điều 4, 5",
    ),
    Indicator(
        code="decisions.online_votes",
        pillar=PILLAR,
        name=_("Online votes cast"),
        definition=_("Of the household votes, those cast online."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 17 khoản 1; NĐ 59/2023 Điều 5",
    ),
    Indicator(
        code="decisions.online_share",
        pillar=PILLAR,
        name=_("Share of votes cast online"),
        definition=_("Online votes among the household votes."),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 17 khoản 1; NĐ 59/2023 Điều 5",
        numerator="decisions.online_votes",
        denominator="decisions.votes",
    ),
    *_by_type(),
)


def _local_day(field: str) -> TruncDate:
    """The local day (settings.TIME_ZONE) of a moment, whatever timezone a request activated,
    so that a fact's day never changes."""
    return TruncDate(field, tzinfo=timezone.get_default_timezone())


def _closed_between(field: str, first: date, last: date) -> dict[str, datetime]:
    """Moments from the start of ``first`` to the end of ``last`` (local days), as a filter the
    database answers from its index (``decision_figures`` bounds its period the same way)."""
    zone = timezone.get_default_timezone()
    bounds = {f"{field}__gte": datetime.combine(first, time.min, tzinfo=zone)}
    if last < date.max:
        bounds[f"{field}__lt"] = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return bounds


def _matters(commune_ids: Sequence[int] | None, first: date, last: date) -> Any:
    """Matters closed between first and last, grouped by commune, day and village (the matter's
    village when it has only one and is not commune-wide): how many, how many adopted — one
    query, the villages counted by correlated sub-queries as ``decision_figures`` counts them."""
    villages = MatterVillage.objects.filter(matter_id=OuterRef("pk")).order_by()
    counted = villages.values("matter_id").annotate(n=Count("id")).values("n")
    adopting = villages.filter(adopted=True).values("matter_id").annotate(n=Count("id")).values("n")
    only = villages.values("matter_id").annotate(v=Min("village_id")).values("v")
    matters = Matter.objects.filter(
        status=Matter.Status.CLOSED, **_closed_between("closed_at", first, last)
    ).annotate(day=_local_day("closed_at"))
    if commune_ids is not None:
        matters = matters.filter(commune_id__in=commune_ids)
    zero = Value(0)
    matters = matters.annotate(
        n_villages=Coalesce(Subquery(counted[:1]), zero),
        n_adopting=Coalesce(Subquery(adopting[:1]), zero),
    ).annotate(
        village=Case(
            When(Q(commune_wide=False, n_villages=1), then=Subquery(only[:1])),
            default=None,
            output_field=IntegerField(),
        )
    )
    passed = Q(commune_wide=False, n_adopting__gt=0) | Q(
        # Law 10/2022 Art. 21(1): two thirds or more of the villages (rules.villages_pass).
        Q(commune_wide=True, n_villages__gt=0)
        & Q(GreaterThanOrEqual(F("n_adopting") * 3, F("n_villages") * 2))
    )
    return (
        matters.order_by()
        .values("commune_id", "day", "village")
        .annotate(n=Count("id"), passed=Count("id", filter=passed))
    )


def daily_facts(commune_ids: Sequence[int] | None, first: date, last: date) -> Iterator[Fact]:
    """The pillar's facts per commune, village and closing day between first and last: two
    grouped queries (village decisions, votes) whatever the number of matters and votes."""
    decided = MatterVillage.objects.filter(
        matter__status=Matter.Status.CLOSED, **_closed_between("matter__closed_at", first, last)
    ).annotate(day=_local_day("matter__closed_at"))
    if commune_ids is not None:
        decided = decided.filter(commune_id__in=commune_ids)
    meeting = Q(form=Form.MEETING)
    rows = (
        decided.order_by()
        .values("commune_id", "village_id", "day", "matter__matter_type", "form")
        .annotate(
            decisions=Count("id"),
            adopted=Count("id", filter=Q(adopted=True)),
            households=Sum("total_households"),
            present=Sum("present", filter=meeting),
        )
    )
    # Ballots counted and online votes are Vote rows of the village decisions not taken at a
    # meeting (as ``decision_figures``).
    votes = (
        Vote.objects.filter(matter_village__in=decided.exclude(meeting).values("pk"))
        .annotate(day=_local_day("matter__closed_at"))
        .order_by()
        .values("matter_village__commune_id", "matter_village__village_id", "day")
        .annotate(n=Count("id"), online=Count("id", filter=Q(channel=Vote.Channel.ONLINE)))
    )
    totals: dict[tuple[str, int, int | None, date], int] = {}

    def add(code: str, commune_id: int, village_id: int | None, day: date, value: int) -> None:
        if value:
            key = (code, commune_id, village_id, day)
            totals[key] = totals.get(key, 0) + value

    for row in rows:
        place = (row["commune_id"], row["village_id"], row["day"])
        slug = TYPE_CODES.get(row["matter__matter_type"])
        add("decisions.decided", *place, row["decisions"])
        add("decisions.passed", *place, row["adopted"])
        add("decisions.not_passed", *place, row["decisions"] - row["adopted"])
        if slug is not None:
            add(f"decisions.decided_{slug}", *place, row["decisions"])
            add(f"decisions.passed_{slug}", *place, row["adopted"])
        add(FORM_CODES[row["form"]], *place, row["decisions"])
        add("decisions.eligible_households", *place, row["households"] or 0)
        add("decisions.participating_households", *place, row["present"] or 0)
    for vote_row in votes:
        place = (
            vote_row["matter_village__commune_id"], vote_row["matter_village__village_id"],
            vote_row["day"],
        )  # fmt: skip
        add("decisions.participating_households", *place, vote_row["n"])
        add("decisions.votes", *place, vote_row["n"])
        add("decisions.online_votes", *place, vote_row["online"])
    for matter_row in _matters(commune_ids, first, last):
        place = (matter_row["commune_id"], matter_row["village"], matter_row["day"])
        add("decisions.matters", *place, matter_row["n"])
        add("decisions.matters_passed", *place, matter_row["passed"])
    for (code, commune_id, village_id, day), value in totals.items():
        yield Fact(code, commune_id, village_id, day, value)
