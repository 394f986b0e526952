"""The law's publicity rules as plain functions (no database): Law 10/2022/QH15 Art. 11–13.

* :class:`Category` — the 14 contents of Art. 11, by clause number.
* :func:`requirements` — which channels Art. 13 requires for a category, and where.
* :func:`evaluate` — whether the acts of publishing recorded for one requirement satisfy it.

Counting, in short (legal-spec §3.5–3.6):

* Posting (niêm yết) "at least 30 consecutive days from posting" (Art. 13(2)). The period runs
  from the day after the posting (Civil Code 2015 Art. 147(2)), so a notice posted on 1 March
  must still be up on 31 March: ``ended_on - started_on >= 30`` days. ``ended_on`` is the last
  day the notice was up (taken down the day after).
* Loudspeaker "at least 3 consecutive days" (Art. 13(3)). Interpretation: a broadcast happens on
  each day, so the broadcast days are counted inclusively: 1, 2 and 3 March are 3 days.
* Clauses 4 and 13 are posted permanently at the commune office (Art. 13(2), "thường xuyên"):
  a posting that ended while its version is current is "taken down".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "LOUDSPEAKER_MIN_DAYS",
    "OUTCOME_LABELS",
    "POSTING_MIN_DAYS",
    "PUBLISH_WITHIN_WORKING_DAYS",
    "Category",
    "Channel",
    "Evaluation",
    "Outcome",
    "Requirement",
    "Span",
    "evaluate",
    "requirements",
]

# Law 10/2022 Art. 13(2): posted for at least 30 consecutive days.
POSTING_MIN_DAYS = 30
# Law 10/2022 Art. 13(3): on the loudspeaker system for at least 3 consecutive days.
LOUDSPEAKER_MIN_DAYS = 3
# Law 10/2022 Art. 12(3): no later than 5 working days after the document is issued, unless a
# sector law sets the timing.
PUBLISH_WITHIN_WORKING_DAYS = 5


class Category(models.IntegerChoices):
    """The contents the commune must publicise — Law 10/2022 Art. 11, by clause number."""

    PLANS = 1, _("1. Socio-economic development plans and their results")
    BUDGET = 2, _("2. Budget estimates, budget execution and final accounts")
    INVESTMENT_LAND = 3, _("3. Investment projects, land recovery and land use plans")
    DEMOCRACY_REGULATION = 4, _("4. Grassroots democracy regulation and officials' duties")
    FUNDS_CONTRIBUTIONS = 5, _("5. Funds, sponsorships and contributions from the people")
    PUBLIC_ASSETS = 6, _("6. Investment, procurement and use of public assets")
    SOCIAL_SUPPORT = 7, _("7. Social support policies, beneficiaries and review results")
    DISASTER_SUPPORT = 8, _("8. Support after disasters and epidemics; donations")
    MILITARY_SERVICE = 9, _("9. Military and police service call-up")
    INSPECTION_RESULTS = 10, _("10. Inspection results and votes of confidence")
    CONSULTATION = 11, _("11. Consultations, synthesis of opinions and explanations")
    FEES = 12, _("12. Fees, charges and other obligations collected by the commune")
    ADMIN_PROCEDURES = 13, _("13. Administrative procedures handled by the commune")
    OTHER = 14, _("14. Other contents required by law or the commune's regulation")


class Channel(models.TextChoices):
    """Forms of publicity (Law 10/2022 Art. 12(1)); the first five are those Art. 13 requires."""

    WEBSITE = "website", _("Commune website")  # Art. 12(1)(b)
    COMMUNE_OFFICE = "commune_office", _("Notice board at the commune office")  # Art. 12(1)(a)
    VILLAGE_POINT = "village_point", _("Notice board at the village cultural house")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker system")  # Art. 12(1)(c)
    VILLAGE_HEAD = "village_head", _("Relay through the village head")  # Art. 12(1)(d)
    OTHER = "other", _("Other form")  # Art. 12(1)(đ)–(k), 13(5): extra channels


VILLAGE_CHANNELS = frozenset({Channel.VILLAGE_POINT, Channel.VILLAGE_HEAD})

# Law 10/2022 Art. 13(2): posted at the commune office and every village point for ≥ 30 days.
_POSTED_30_DAYS = frozenset({1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12})
# Law 10/2022 Art. 13(2): posted permanently at the commune office, updated on change.
_POSTED_PERMANENTLY = frozenset({4, 13})
# Law 10/2022 Art. 13(3)–(4): loudspeaker ≥ 3 days and relay through the village head.
_BROADCAST_AND_RELAY = frozenset({7, 8, 9, 10, 11, 12})


@dataclass(frozen=True)
class Requirement:
    """One duty: publish on ``channel`` (at ``village_id`` for village channels)."""

    channel: Channel
    village_id: int | None = None
    min_days: int | None = None  # None: one act suffices (website, relay)
    permanent: bool = False
    inclusive: bool = False  # count broadcast days inclusively (loudspeaker)

    @property
    def key(self) -> tuple[str, int | None]:
        return (str(self.channel), self.village_id)


def requirements(
    category: int, village_ids: Iterable[int], *, has_loudspeaker: bool = True
) -> list[Requirement]:
    """The channels the law requires for ``category`` in the villages of the scope."""
    villages = sorted(set(village_ids))
    # Law 10/2022 Art. 13(1): the website for every content, where the commune has one —
    # danchu is that website.
    found = [Requirement(Channel.WEBSITE)]
    if category in _POSTED_30_DAYS:
        found.append(Requirement(Channel.COMMUNE_OFFICE, min_days=POSTING_MIN_DAYS))
        found += [
            Requirement(Channel.VILLAGE_POINT, v, min_days=POSTING_MIN_DAYS) for v in villages
        ]
    elif category in _POSTED_PERMANENTLY:
        found.append(Requirement(Channel.COMMUNE_OFFICE, permanent=True))
    if category in _BROADCAST_AND_RELAY:
        if has_loudspeaker:  # Art. 13(3): "if the commune has one"
            found.append(
                Requirement(Channel.LOUDSPEAKER, min_days=LOUDSPEAKER_MIN_DAYS, inclusive=True)
            )
        found += [Requirement(Channel.VILLAGE_HEAD, v) for v in villages]
    return found


@dataclass(frozen=True)
class Span:
    """One recorded act of publishing: from ``started_on`` to ``ended_on`` (None: still up)."""

    started_on: date
    ended_on: date | None = None


class Outcome(StrEnum):
    """Where one requirement stands."""

    DONE = "done"  # satisfied, started within the deadline
    DONE_LATE = "done_late"  # satisfied, but started after the deadline
    RUNNING = "running"  # started, still up, not yet long enough
    TOO_SHORT = "too_short"  # ended before the minimum (or a permanent posting taken down)
    PENDING = "pending"  # not started, the deadline has not passed
    MISSING = "missing"  # not started and the deadline has passed

    @property
    def label(self) -> str:
        """The verdict in words, in the active language (pages, exports, API)."""
        return str(OUTCOME_LABELS[self])

    @property
    def is_done(self) -> bool:
        return self in (Outcome.DONE, Outcome.DONE_LATE)

    @property
    def is_problem(self) -> bool:
        return self in (Outcome.DONE_LATE, Outcome.TOO_SHORT, Outcome.MISSING)


OUTCOME_LABELS = {
    Outcome.DONE: _("Done"),
    Outcome.DONE_LATE: _("Done, but late"),
    Outcome.RUNNING: _("Running, not yet long enough"),
    Outcome.TOO_SHORT: _("Ended too early"),
    Outcome.PENDING: _("Not yet due"),
    Outcome.MISSING: _("Missing, overdue"),
}


@dataclass(frozen=True)
class Evaluation:
    outcome: Outcome
    first_started_on: date | None
    longest_days: int  # the longest consecutive run counted the requirement's way
    late: bool


def _days(span: Span, requirement: Requirement, today: date) -> int:
    # Days so far: an end date still in the future has not happened yet.
    end = min(span.ended_on or today, today)
    days = (end - span.started_on).days
    return days + 1 if requirement.inclusive else days


def _merged(spans: Sequence[Span]) -> list[Span]:
    """Overlapping or back-to-back acts as one run: a torn notice re-posted the next day, or two
    people recording the same board, are still "consecutive" days (Art. 13(2)–(3))."""
    runs: list[Span] = []
    for span in sorted(spans, key=lambda s: s.started_on):
        if runs:
            last = runs[-1]
            if last.ended_on is None:
                continue  # the run is still up: it covers everything after it
            if span.started_on <= last.ended_on + timedelta(days=1):
                end = None if span.ended_on is None else max(last.ended_on, span.ended_on)
                runs[-1] = Span(last.started_on, end)
                continue
        runs.append(span)
    return runs


def _up_until(span: Span, day: date) -> bool:
    """Still up on ``day`` (or taken down the day before: replaced overnight)."""
    return span.ended_on is None or span.ended_on >= day - timedelta(days=1)


def evaluate(
    requirement: Requirement,
    spans: Sequence[Span],
    *,
    deadline: date,
    today: date,
    closed_on: date | None = None,
) -> Evaluation:
    """Judge the acts recorded for one requirement, as of ``today``.

    On time means the first act started no later than ``deadline`` (Art. 12(3)). A posting is
    long enough when one consecutive run reached the minimum; runs with a gap between them do
    not add up ("consecutive"). Acts dated after ``today`` are not counted yet.

    ``closed_on``: the day this version stopped being the one to publish — replaced by a newer
    version (Art. 14: changed information is publicised again) or withdrawn. A posting that
    stayed up until then did its duty, however long it was; a duty whose deadline had not come
    by then never fell due.
    """
    started = _merged([s for s in spans if s.started_on <= today])
    if not started:
        if closed_on is not None and closed_on <= deadline:
            return Evaluation(Outcome.PENDING, None, 0, False)
        outcome = Outcome.MISSING if today > deadline else Outcome.PENDING
        return Evaluation(outcome, None, 0, today > deadline)
    first = min(s.started_on for s in started)
    late = first > deadline
    longest = max(_days(s, requirement, today) for s in started)
    replaced_while_up = (
        closed_on is not None
        and closed_on <= today
        and any(s.started_on <= closed_on and _up_until(s, closed_on) for s in started)
    )
    if replaced_while_up:
        return Evaluation(_done(late), first, longest, late)
    if requirement.permanent:
        # Art. 13(2): permanent posting — satisfied only while a posting is still up.
        up = any(s.ended_on is None or s.ended_on >= today for s in started)
        return Evaluation(_done(late) if up else Outcome.TOO_SHORT, first, longest, late)
    if requirement.min_days is None or longest >= requirement.min_days:
        return Evaluation(_done(late), first, longest, late)
    # Not long enough yet: still running if one posting is still up, else ended too early.
    running = any(s.ended_on is None or s.ended_on >= today for s in started)
    return Evaluation(Outcome.RUNNING if running else Outcome.TOO_SHORT, first, longest, late)


def _done(late: bool) -> Outcome:
    return Outcome.DONE_LATE if late else Outcome.DONE
