"""Reads of community decisions: the tally and the outcome, shared by pages, API and reports.

The tally is counted by the database (``GROUP BY``), never by a Python loop over votes; the
outcome applies Law 10/2022 Art. 21(1) with the village's frozen total households.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, get_for_actor, restrict
from danchu.core.errors import PermissionDenied
from danchu.core.rows import Columns, prepared_cursor
from danchu.decisions import rules
from danchu.decisions.models import (
    Ballot,
    BallotApproval,
    ElectionPlan,
    InnerBallot,
    Matter,
    MatterVillage,
    Option,
    SecretApproval,
    SecretChoice,
    Vote,
)
from danchu.decisions.rules import Form, MatterType
from danchu.territory.models import AdministrativeUnit, Household, Resident

__all__ = [
    "BoardElection",
    "BulletinLine",
    "MatterOutcome",
    "VillageOutcome",
    "bulletin",
    "bulletin_digest",
    "bulletin_lookup",
    "bulletin_totals",
    "board_election",
    "board_elections_recognised",
    "decision_day",
    "election_seats",
    "matter_get",
    "matter_list",
    "matter_outcome",
    "own_household",
    "result_digest",
    "tally",
    "vote_target",
]


def _through_villages(found: QuerySet[Matter], actor: Any, action: Action) -> QuerySet[Matter]:
    """A matter is seen through its villages: a village head sees the matters put to their own
    village, not the drafts of other villages of the commune (commune roles see them all)."""
    villages = restrict(MatterVillage.objects.all(), actor, action)
    return found.filter(pk__in=villages.values("matter_id"))


def matter_list(*, actor: Any, commune: AdministrativeUnit) -> QuerySet[Matter]:
    found = restrict(Matter.objects.filter(commune=commune), actor, Action.MATTER_LIST)
    return _through_villages(found, actor, Action.MATTER_LIST).order_by("-created_at", "-id")


def matter_get(*, actor: Any, pk: int, action: Action = Action.MATTER_VIEW) -> Matter:
    matter = get_for_actor(Matter.objects.select_related("commune"), actor, action, pk=pk)
    if not _through_villages(Matter.objects.filter(pk=matter.pk), actor, action).exists():
        raise PermissionDenied(_("You are not allowed to do this."), code="forbidden")
    return matter


def own_household(actor: Any) -> Household | None:
    """The household the signed-in person belongs to, with its commune, in one query, kept on
    ``actor`` for the request: the permission layer (:func:`grants_for`, ``scope_of``) and the
    vote service then read it without querying again (quality bar P7: the online vote)."""
    resident_id = getattr(actor, "resident_id", None)
    if not resident_id:
        return None
    field = actor._meta.get_field("resident")
    if not field.is_cached(actor):  # type: ignore[union-attr]
        resident = (
            Resident.objects.select_related("household__commune")
            # The encrypted personal fields are not needed to vote: not read, not decrypted.
            .defer("citizen_id", "phone")
            .filter(pk=resident_id)
            .order_by("pk")  # not Resident's default ordering: it joins two more tables
            .first()
        )
        field.set_cached_value(actor, resident)  # type: ignore[union-attr]
    resident = field.get_cached_value(actor)  # type: ignore[union-attr]
    return resident.household if resident is not None else None


# --- the online vote's reads (quality bar P7) -------------------------------------------------
# Hand-written statements (danchu.core.rows): the ORM's compilation of these joins cost more
# CPU than the whole statement. Only the columns a vote reads; the others are deferred (read
# on access, as with ``only()``).
VOTE_MV = Columns(
    MatterVillage, "mv",
    only={"id", "commune_id", "matter_id", "village_id", "form", "eligibility_frozen", "status",
          "closes_at"},
)  # fmt: skip
VOTE_MATTER = Columns(
    Matter, "m",
    only={"id", "commune_id", "matter_type", "commune_wide", "status", "opened_at", "closed_at",
          "secret"},
)  # fmt: skip
VOTE_OPTION = Columns(Option, "o")


def table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def vote_matter_village(row: Any) -> MatterVillage:
    """The matter village of a row that starts with :data:`VOTE_MV` then :data:`VOTE_MATTER`,
    its matter cached on it."""
    mv = VOTE_MV.build(row)
    matter = VOTE_MATTER.build(row, VOTE_MV.width)
    MatterVillage._meta.get_field("matter").set_cached_value(mv, matter)  # type: ignore[union-attr]
    return mv


def vote_target(
    matter_village_id: int, option_id: int
) -> tuple[MatterVillage, Option | None] | None:
    """The matter village with its matter, and the option ``option_id`` if it is one of that
    matter's (else None), in one statement; None when there is no such matter village. What an
    online vote reads before the service locks the village (quality bar P7)."""
    with prepared_cursor() as cursor:
        cursor.execute(_vote_target_sql(connection.vendor), [option_id, matter_village_id])
        row = cursor.fetchone()
    if row is None:
        return None
    mv = vote_matter_village(row)
    at = VOTE_MV.width + VOTE_MATTER.width
    option = VOTE_OPTION.build(row, at) if row[at] is not None else None
    return mv, option


@cache
def _vote_target_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT {VOTE_MV.sql()}, {VOTE_MATTER.sql()}, {VOTE_OPTION.sql()} "  # noqa: S608 - names only
        f"FROM {table(MatterVillage)} mv "
        f"INNER JOIN {table(Matter)} m ON m.{q('id')} = mv.{q('matter_id')} "
        f"LEFT JOIN {table(Option)} o "
        f"ON o.{q('id')} = %s AND o.{q('matter_id')} = mv.{q('matter_id')} "
        f"WHERE mv.{q('id')} = %s"
    )


def tally(matter: Matter) -> dict[int, dict[int, int]]:
    """Counts per village and option: ``{matter_village id: {option id: count}}``.

    Ballots and online votes are rows of :class:`Vote`, counted in one ``GROUP BY``; a meeting's
    counts (show of hands, or the counting committee's record of a secret ballot) are entered
    as numbers on the village row. A secret ballot's choices are :class:`SecretChoice` rows
    (its votes record participation only).
    """
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    source = SecretChoice.objects if matter.secret else Vote.objects
    rows = list(
        source.filter(matter=matter)
        .values_list("matter_village_id", "option_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for village_id, option_id, n in rows:
        if option_id is not None:  # a multi-seat board ballot's vote: its approvals count
            counts[village_id][option_id] = n
    if any(option_id is None for _v, option_id, _n in rows):
        # Law 10/2022 Art. 15(5): a household's ballot approves up to ``seats`` candidates (a
        # secret paper ballot's approvals are unlinked rows of its counted choice).
        model = SecretApproval if matter.secret else BallotApproval
        approvals = (
            model.objects.filter(matter=matter)
            .values_list("matter_village_id", "option_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for village_id, option_id, n in approvals:
            counts[village_id][option_id] = n
    for village in MatterVillage.objects.filter(matter=matter, form=Form.MEETING):
        for option_id, n in (village.hand_counts or {}).items():
            counts[village.pk][int(option_id)] = int(n)
    return dict(counts)


@dataclass
class VillageOutcome:
    """One village's result against its own denominator (Art. 21(1))."""

    matter_village: MatterVillage
    counts: dict[int, int]
    approvals: int
    winner: Option | None  # an election's candidate who passed
    adopted: bool
    turnout: int
    # Household ballots (Decree 59/2023 Art. 4(6), form 04): issued, returned, blank, spoiled.
    issued: int = 0
    returned: int = 0
    blank: int = 0
    spoiled: int = 0
    # The candidates elected, best first (a board may elect several: ``ElectionPlan.seats``).
    elected: list[Option] = field(default_factory=list)

    @property
    def total_households(self) -> int:
        return self.matter_village.total_households


@dataclass
class MatterOutcome:
    matter: Matter
    villages: list[VillageOutcome] = field(default_factory=list)
    adopted: bool = False
    rule: str = ""
    article: str = ""

    @property
    def per_village(self) -> bool:
        """Several villages, not commune-wide: each village's outcome stands on its own."""
        return not self.matter.commune_wide and len(self.villages) > 1

    @property
    def adopted_villages(self) -> int:
        return sum(o.adopted for o in self.villages)


def _village_outcome(
    matter: Matter,
    village: MatterVillage,
    counts: dict[int, int],
    options: list[Option],
    ballots: dict[str, int],
    seats: int = 1,
    inner: dict[str, int] | None = None,
) -> VillageOutcome:
    total = village.total_households
    candidates = [o for o in options if o.kind == Option.Kind.CANDIDATE]
    winner = None
    elected: list[Option] = []
    if candidates:
        # An election: a candidate is elected with more than half of all households, the best
        # ``seats`` of them (Law 10/2022 Art. 21(1); Decree 59/2023 Art. 3(5)(d)).
        by_pk = {o.pk: o for o in candidates}
        chosen = rules.elected_candidates(
            matter.matter_type, counts, [o.pk for o in candidates], seats, total
        )
        elected = [by_pk[pk] for pk in chosen]
        approvals = max(counts.get(o.pk, 0) for o in candidates)
        adopted = bool(elected)
        winner = elected[0] if elected else None
    else:
        approve = [o.pk for o in options if o.kind == Option.Kind.APPROVE]
        approvals = sum(counts.get(pk, 0) for pk in approve)
        adopted = rules.passes(matter.matter_type, approvals, total)
    if village.form == Form.MEETING:
        return VillageOutcome(
            village, counts, approvals, winner, adopted, village.present, elected=elected
        )
    # Blank and spoiled ballots are households that took part: they count in the turnout (and
    # the record's form 04), never as approvals. In a secret paper ballot they are inner
    # ballots (the outer envelopes only record the return).
    marks = ballots if inner is None else inner
    blank, spoiled = marks.get(Ballot.Status.BLANK, 0), marks.get(Ballot.Status.SPOILED, 0)
    not_back = ballots.get(Ballot.Status.ISSUED, 0) + ballots.get(Ballot.Status.DELIVERED, 0)
    issued = sum(ballots.values())
    # A multi-seat board ballot counts several approvals per household: its turnout is the
    # ballots counted (a secret one's inner ballots), not the approvals.
    voted = marks.get(Ballot.Status.COUNTED, 0) if seats > 1 else sum(counts.values())
    turnout = voted + blank + spoiled
    return VillageOutcome(
        village, counts, approvals, winner, adopted, turnout,
        issued=issued, returned=issued - not_back, blank=blank, spoiled=spoiled, elected=elected,
    )  # fmt: skip


def _ballot_statuses(
    villages: list[MatterVillage], model: type[Ballot] | type[InnerBallot] = Ballot
) -> dict[int, dict[str, int]]:
    """Ballots (or a secret ballot's inner ballots) per village and status, in one
    ``GROUP BY`` (none asked without paper)."""
    paper = [v.pk for v in villages if v.form == Form.BALLOT]
    found: dict[int, dict[str, int]] = defaultdict(dict)
    if paper:
        rows = (
            model.objects.filter(matter_village_id__in=paper)
            .values_list("matter_village_id", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for village_id, status, n in rows:
            found[village_id][status] = n
    return found


def election_seats(matter: Matter) -> dict[int, int]:
    """``{matter_village id: seats}`` where a board election fills more than one seat."""
    return dict(
        ElectionPlan.objects.filter(matter_village__matter=matter, seats__gt=1).values_list(
            "matter_village_id", "seats"
        )
    )


def matter_outcome(matter: Matter) -> MatterOutcome:
    """The outcome of each village and of the matter (four queries; five with paper ballots, six
    with a secret ballot's inner ballots, one more for an election's seats)."""
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    seats = election_seats(matter) if any(o.kind == Option.Kind.CANDIDATE for o in options) else {}
    counts = tally(matter)
    villages = list(
        MatterVillage.objects.filter(matter=matter).select_related("village").order_by("village")
    )
    ballots = _ballot_statuses(villages)
    inner = _ballot_statuses(villages, InnerBallot) if matter.secret else None
    outcomes = [
        _village_outcome(
            matter,
            v,
            counts.get(v.pk, {}),
            options,
            ballots.get(v.pk, {}),
            seats.get(v.pk, 1),
            None if inner is None else inner.get(v.pk, {}),
        )  # fmt: skip
        for v in villages
    ]
    rule, article = rules.rule_text(matter.matter_type)
    if matter.commune_wide:
        # Law 10/2022 Art. 21(1): a commune-wide contributions or finances matter passes when
        # two thirds or more of the villages adopt it.
        adopted = rules.villages_pass(sum(o.adopted for o in outcomes), len(outcomes))
        rule = f"{rule} {rules.commune_rule_text()}"
    else:
        # Law 10/2022 Art. 20, 21(1): the community of each village decides — a matter put to
        # several villages (not commune-wide) is adopted where a village adopts it; one
        # village's refusal does not undo another's decision. The matter is "adopted" when at
        # least one village adopted it; the pages show each village's outcome.
        adopted = any(o.adopted for o in outcomes)
        if len(outcomes) > 1:
            rule = f"{rule} {_('Each village decides for itself: its outcome stands on its own.')}"
    return MatterOutcome(matter, outcomes, adopted, rule, article)


# --- board-member elections (Law 10/2022 Art. 15(5), 21(2)) -----------------------------------


def board_elections_recognised(commune: AdministrativeUnit) -> QuerySet[MatterVillage]:
    """The villages' board-member elections of ``commune`` that the community adopted and the
    commune Fatherland Front recognised (Law 10/2022 Art. 15(5), 21(2)), newest recognition
    first, with their matter and village (one query; the caller checks the reader's right)."""
    return (
        MatterVillage.objects.filter(
            commune=commune,
            matter__matter_type=MatterType.BOARD_MEMBERS,
            matter__status=Matter.Status.CLOSED,
            adopted=True,
            recognition=MatterVillage.Recognition.RECOGNISED,
        )
        .select_related("matter", "village")
        .order_by("-recognition_on", "-pk")
    )


def decision_day(matter_village: MatterVillage) -> date | None:
    """The day the village decided: its meeting, or its ballot or online vote's deadline
    (:func:`danchu.decisions.recognition.decided_on`; no query with the matter loaded)."""
    # Imported here: the recognition clock builds on the services, which read these selectors.
    from danchu.decisions.recognition import decided_on

    return decided_on(matter_village)


@dataclass
class BoardElection:
    """A village's board-member election: the day it was decided (the meeting, or the ballot's
    deadline), the Front's recognition day and the candidates elected, best first."""

    matter_village: MatterVillage
    decided_on: date | None
    recognised_on: date | None
    elected: list[Option] = field(default_factory=list)


def board_election(matter_village: MatterVillage) -> BoardElection:
    """The elected candidates of a village's board-member election (empty unless the matter is
    closed, adopted there and recognised). Candidates are names (the matter's options): who
    they are among the residents is for the reader to say. The outcome's queries, once."""
    mv = matter_village
    result = BoardElection(mv, decision_day(mv), mv.recognition_on)
    if (
        mv.matter.matter_type != MatterType.BOARD_MEMBERS
        or mv.matter.status != Matter.Status.CLOSED
        or mv.adopted is not True
        or mv.recognition != MatterVillage.Recognition.RECOGNISED
    ):
        return result
    for outcome in matter_outcome(mv.matter).villages:
        if outcome.matter_village.pk == mv.pk:
            result.elected = list(outcome.elected)
    return result


def result_digest(outcome: MatterOutcome) -> str:
    """SHA-256 of the closed result in a canonical form: sealed in the audit trail; anyone with
    the published counts can recompute it."""
    payload = {
        "matter": outcome.matter.pk,
        "type": outcome.matter.matter_type,
        "villages": [
            {
                "village": o.matter_village.village_id,
                "total_households": o.total_households,
                "counts": {str(k): v for k, v in sorted(o.counts.items())},
                # Only when there are any: results sealed before blank and spoiled ballots were
                # reported keep their digest.
                **({"blank": o.blank, "spoiled": o.spoiled} if o.blank or o.spoiled else {}),
            }
            for o in outcome.villages
        ],
        "adopted": outcome.adopted,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def matter_types_needing_meeting() -> frozenset[int]:
    return frozenset({MatterType.CONVENTION, MatterType.VILLAGE_HEAD, MatterType.BOARD_MEMBERS})


# --- the secret ballot's public bulletin ------------------------------------------------------


@dataclass(frozen=True)
class BulletinLine:
    """One counted secret ballot: the village, the tracking code's digest and the option — or,
    for a blank or spoiled inner paper ballot, no option and its ``mark``."""

    village_code: str
    village_name: str
    matter_village_id: int
    tracking_digest: str
    option_id: int | None
    option_label: str
    mark: str = ""  # "blank" or "spoiled" (inner paper ballots only)
    # A board election with several seats: the approved candidates' ids, ascending (the
    # option is empty and ``option_label`` names them all).
    option_ids: tuple[int, ...] = ()

    @property
    def canonical_choice(self) -> int | str | list[int]:
        if self.option_ids:
            return list(self.option_ids)
        return self.option_id if self.option_id is not None else self.mark


_CHOICE_FIELDS = (
    "matter_village__village__code",
    "matter_village__village__name",
    "matter_village_id",
    "tracking_digest",
    "option_id",
    "option__label",
)
_MARKED = (Ballot.Status.BLANK, Ballot.Status.SPOILED)


def _marked_lines(rows: Any) -> list[BulletinLine]:
    labels = dict(Ballot.Status.choices)
    return [
        BulletinLine(code, name, mv_id, digest, None, str(labels[status]), str(status))
        for code, name, mv_id, digest, status in rows
    ]


def _marked_inner(matter: Matter) -> QuerySet[InnerBallot]:
    return InnerBallot.objects.filter(matter=matter, status__in=_MARKED)


_MARK_FIELDS = (*_CHOICE_FIELDS[:4], "status")


def bulletin(matter: Matter) -> list[BulletinLine]:
    """Every counted ballot of a secret ballot, by village then digest (one query; two with
    paper ballots: their blank and spoiled inner ballots). No household, user or time is in
    it: only what a household needs to find its own ballot and anyone needs to recount."""
    rows = SecretChoice.objects.filter(matter=matter).values_list(*_CHOICE_FIELDS)
    lines = [BulletinLine(*row) for row in rows]
    if MatterVillage.objects.filter(matter=matter, form=Form.BALLOT).exists():
        lines = _with_approvals(matter, lines)
        lines += _marked_lines(_marked_inner(matter).values_list(*_MARK_FIELDS))
    lines.sort(key=lambda ln: (ln.village_code, ln.matter_village_id, ln.tracking_digest))
    return lines


def _with_approvals(
    matter: Matter, lines: list[BulletinLine], digest: str | None = None
) -> list[BulletinLine]:
    """The approved candidates of a board election's secret paper ballots (several seats), on
    their lines (one query, only when some line has no option)."""
    if all(ln.option_id is not None for ln in lines):
        return lines
    rows = SecretApproval.objects.filter(matter=matter)
    if digest is not None:
        rows = rows.filter(choice__tracking_digest=digest)
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for key, option_id, label in rows.values_list(
        "choice__tracking_digest", "option_id", "option__label"
    ).order_by("option_id"):
        found[key].append((option_id, label))
    return [
        replace(
            ln,
            option_ids=tuple(pk for pk, _label in found[ln.tracking_digest]),
            option_label="; ".join(label for _pk, label in found[ln.tracking_digest]),
        )
        if ln.option_id is None
        else ln
        for ln in lines
    ]


def bulletin_lookup(matter: Matter, digest: str) -> BulletinLine | None:
    """The bulletin line of one tracking-code digest, or None."""
    row = (
        SecretChoice.objects.filter(matter=matter, tracking_digest=digest)
        .values_list(*_CHOICE_FIELDS)
        .first()
    )
    if row is not None:
        return _with_approvals(matter, [BulletinLine(*row)], digest)[0]
    marked = _marked_lines(
        _marked_inner(matter).filter(tracking_digest=digest).values_list(*_MARK_FIELDS)[:1]
    )
    return marked[0] if marked else None


def bulletin_totals(lines: list[BulletinLine]) -> dict[int, dict[int, int]]:
    """The tally recounted from the bulletin alone: ``{matter_village id: {option id: n}}``."""
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    for line in lines:
        # A board ballot with several seats counts each approved candidate; a blank or
        # spoiled paper ballot counts in the turnout only.
        chosen = line.option_ids or ((line.option_id,) if line.option_id is not None else ())
        per_village = totals[line.matter_village_id]
        for option_id in chosen:
            per_village[option_id] = per_village.get(option_id, 0) + 1
    return dict(totals)


def bulletin_canonical(matter_id: int, lines: list[BulletinLine]) -> str:
    """The text whose SHA-256 seals the bulletin: compact JSON, keys sorted, of
    ``{"matter": id, "ballots": [[village code, digest, option id], ...]}`` in bulletin order
    (a blank or spoiled paper ballot has ``"blank"`` or ``"spoiled"`` for the option id; a
    board ballot with several seats the list of its approved candidates' ids, ascending).
    The JSON download carries the same list, so anyone can recompute the seal."""
    payload = {
        "matter": matter_id,
        "ballots": [[ln.village_code, ln.tracking_digest, ln.canonical_choice] for ln in lines],
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def bulletin_digest(matter_id: int, lines: list[BulletinLine]) -> str:
    return hashlib.sha256(bulletin_canonical(matter_id, lines).encode()).hexdigest()
