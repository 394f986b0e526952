"""The oversight boards' legal rules, as pure functions of dates and counts.

Law 10/2022/QH15 Art. 36–45 and Decree 59/2023/NĐ-CP Art. 12–19 (``shared/domain/legal-spec.md``
§1.e). Each function answers the rule's question and is tested at its boundary; the services
apply them to rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from danchu.core import calendar
from danchu.core.calendar import add_months

__all__ = [
    "ANSWER_DAYS",
    "BY_ELECTION_MONTHS",
    "INSPECTION_BOARD_MIN",
    "INSPECTION_NOTICE_WORKING_DAYS",
    "MAX_DEPUTIES",
    "PLAN_NOTICE_DAYS",
    "RESIDENT_MEMBERS_MAX",
    "SUPERVISION_BOARD_MIN",
    "add_months",
    "answer_due_on",
    "by_election_required",
    "inspection_board_problems",
    "inspection_notice_in_time",
    "is_majority",
    "leadership_problems",
    "plan_sent_in_time",
    "supervision_board_problems",
]

# Law 10/2022 Art. 36(1): as many members as villages, at least five; Decree 59 Art. 13(2):
# a commune with fewer than five villages elects at most five.
INSPECTION_BOARD_MIN = 5
# Decree 59 Art. 13(3), 17: at most two deputy heads.
MAX_DEPUTIES = 2
# Law 10/2022 Art. 36(2): a vacancy with six months or more of the term left is filled.
BY_ELECTION_MONTHS = 6
# Law 10/2022 Art. 41(1): a supervision board has at least five members; Decree 59 Art. 17:
# the residents' members are at most five.
SUPERVISION_BOARD_MIN = 5
RESIDENT_MEMBERS_MAX = 5
# Law 10/2022 Art. 45(1)(b): the plan reaches the investor at least 45 days before.
PLAN_NOTICE_DAYS = 45
# Decree 59 Art. 14: each inspection plan is sent at least five working days before.
INSPECTION_NOTICE_WORKING_DAYS = 5
# Law 10/2022 Art. 40(1)(c), 45(2)(c): the commune answers within 15 days of receipt.
ANSWER_DAYS = 15


def by_election_required(left_on: date, term_ends_on: date) -> bool:
    """Art. 36(2): six months or more of the term left when the seat falls vacant."""
    return add_months(left_on, BY_ELECTION_MONTHS) <= term_ends_on


def is_majority(votes_for: int, members_total: int) -> bool:
    """Decree 59 Art. 12(3): more than half of the board's members (exactly half fails)."""
    return members_total > 0 and votes_for * 2 > members_total


def plan_sent_in_time(sent_on: date, supervision_starts_on: date) -> bool:
    """Art. 45(1)(b): at least 45 days between the plan's sending and the supervision."""
    return (supervision_starts_on - sent_on).days >= PLAN_NOTICE_DAYS


def inspection_notice_in_time(notified_on: date, starts_on: date, *, commune: Any) -> bool:
    """Decree 59 Art. 14: five working days or more from the notice to the inspection,
    counted from the day after the notice (Civil Code Art. 147(1)), as the meeting notices
    of the decisions module are (``held_on - notice_on >= N``)."""
    earliest = calendar.add_working_days(
        notified_on, INSPECTION_NOTICE_WORKING_DAYS, commune=commune
    )
    return starts_on >= earliest


def answer_due_on(received_on: date, *, commune: Any) -> date:
    """The last day of the commune's 15 days, rolled to a working day (Civil Code Art. 148)."""
    return calendar.add_days_rolled(received_on, ANSWER_DAYS, commune=commune)


def leadership_problems(positions: Iterable[str]) -> list[str]:
    """One head and at most two deputies (Decree 59 Art. 13(3), 17)."""
    counts = Counter(positions)
    problems = []
    if counts["head"] != 1:
        problems.append(_("The board must have exactly one head."))
    if counts["deputy"] > MAX_DEPUTIES:
        problems.append(
            _("The board may have at most %(count)d deputy heads.") % {"count": MAX_DEPUTIES}
        )
    return problems


def inspection_board_problems(
    seat_villages: list[int], positions: list[str], village_ids: set[int]
) -> list[str]:
    """What keeps an Inspection Board from being recognised (Art. 36(1); Decree 59 Art. 13).

    ``seat_villages``: the village of each sitting member; ``village_ids``: the commune's
    active villages, each of which must be represented.
    """
    problems = []
    size = len(seat_villages)
    if size < INSPECTION_BOARD_MIN:
        problems.append(
            _("The board needs at least %(min)d members; it has %(size)d.")
            % {"min": INSPECTION_BOARD_MIN, "size": size}
        )
    if len(village_ids) < INSPECTION_BOARD_MIN and size > INSPECTION_BOARD_MIN:
        problems.append(_("A commune with fewer than five villages elects at most five members."))
    missing = village_ids - set(seat_villages)
    if missing:
        problems.append(
            _("Every village must have a member; %(count)d village(s) have none.")
            % {"count": len(missing)}
        )
    return problems + leadership_problems(positions)


def supervision_board_problems(represents: list[str], positions: list[str]) -> list[str]:
    """What keeps a supervision board from starting (Art. 41(1); Decree 59 Art. 17)."""
    problems = []
    if len(represents) < SUPERVISION_BOARD_MIN:
        problems.append(
            _("The board needs at least %(min)d members; it has %(size)d.")
            % {"min": SUPERVISION_BOARD_MIN, "size": len(represents)}
        )
    counts = Counter(represents)
    if not counts["front"] or not counts["inspection"] or not counts["resident"]:
        problems.append(
            _(
                "The board needs members from the Fatherland Front, the People's Inspection "
                "Board and the residents of the affected villages."
            )
        )
    if counts["resident"] > RESIDENT_MEMBERS_MAX:
        problems.append(
            _("At most %(count)d members represent the residents.")
            % {"count": RESIDENT_MEMBERS_MAX}
        )
    return problems + leadership_problems(positions)
