"""The statutory clocks of citizens' requests as data: each constant is a row with validity dates.

Legal-spec §3.1 (Luật Khiếu nại 02/2011), §3.2 (Luật Tố cáo 25/2018 as amended), §3.6 (counting).
A period in "ngày làm việc" counts working days on the project calendar; a period in plain
"ngày" counts calendar days and, when its last day is a day off, ends on the next working day
(Civil Code 2015 Art. 147–148; :func:`danchu.core.calendar.add_days_rolled`).

Law 136/2025/QH15 and Decree 155/2026/NĐ-CP change some constants from 1 July 2026. Rows whose
text is **not confirmed** against the official gazette carry ``confirmed=False`` and only apply
when ``settings.PETITIONS_APPLY_UNCONFIRMED_RULES`` is on (legal-spec §3.1: "confirm before
switching the constant, and keep it configurable").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.conf import settings

from danchu.core import calendar

__all__ = [
    "MAX_DENUNCIATION_EXTENSIONS",
    "RULES",
    "DeadlineRule",
    "Unit",
    "due_date",
    "rule_for",
    "time_barred",
]


class Unit(StrEnum):
    WORKING_DAYS = "working_days"  # "ngày làm việc"
    DAYS = "days"  # "ngày": calendar days, rolled past a final day off (Civil Code Art. 148(5))


@dataclass(frozen=True)
class DeadlineRule:
    """One constant of the law, valid from ``valid_from`` to ``valid_to`` (inclusive)."""

    key: str
    days: int
    unit: Unit
    basis: str
    # The rows without a start date hold for any earlier date the platform is given (an old
    # decision a complaint is about): no date may find no rule.
    valid_from: date = date.min
    valid_to: date | None = None
    confirmed: bool = True


WD, D = Unit.WORKING_DAYS, Unit.DAYS
SWITCH_2026 = date(2026, 7, 1)  # Law 136/2025/QH15 and its decrees take effect
# Luật Tố cáo Art. 30(1): at most two written extensions of at most 30 days each.
MAX_DENUNCIATION_EXTENSIONS = 2

RULES: tuple[DeadlineRule, ...] = (
    # Complaints — Luật Khiếu nại 2011.
    DeadlineRule("complaint.limitation", 90, D, "Luật Khiếu nại Art. 9"),
    DeadlineRule(
        "complaint.acceptance", 10, WD, "Luật Khiếu nại Art. 27; TT 07/2013/TT-TTCP Art. 5"
    ),
    DeadlineRule(
        "complaint.acceptance",
        7,
        WD,
        "NĐ 155/2026/NĐ-CP (NĐ 124/2020 Art. 16(1))",
        valid_from=SWITCH_2026,
        confirmed=False,
    ),  # fmt: skip
    DeadlineRule("complaint.settlement", 30, D, "Luật Khiếu nại Art. 28"),
    DeadlineRule("complaint.settlement_complex", 45, D, "Luật Khiếu nại Art. 28"),
    DeadlineRule("complaint.settlement_remote", 45, D, "Luật Khiếu nại Art. 28"),
    DeadlineRule("complaint.settlement_remote_complex", 60, D, "Luật Khiếu nại Art. 28"),
    DeadlineRule("complaint.send_decision", 3, WD, "Luật Khiếu nại Art. 32"),
    # Denunciations — Luật Tố cáo 2018.
    DeadlineRule("denunciation.initial", 7, WD, "Luật Tố cáo Art. 24(1)"),
    DeadlineRule("denunciation.initial_several_places", 10, WD, "Luật Tố cáo Art. 24(1)"),
    DeadlineRule("denunciation.forward", 5, WD, "Luật Tố cáo Art. 24(2)"),
    DeadlineRule("denunciation.settlement", 30, D, "Luật Tố cáo Art. 30(1)"),
    DeadlineRule("denunciation.extension", 30, D, "Luật Tố cáo Art. 30(1)"),
    # Information requests: Law 10/2022 Art. 14 → the access-to-information law (a setting).
    # Feedback and disputes: the deadline the commune sets (a setting, overridable per case).
)


def _applies(rule: DeadlineRule, on: date) -> bool:
    if rule.valid_from > on or (rule.valid_to is not None and rule.valid_to < on):
        return False
    return rule.confirmed or bool(getattr(settings, "PETITIONS_APPLY_UNCONFIRMED_RULES", False))


def rule_for(key: str, on: date) -> DeadlineRule:
    """The row for ``key`` in force on ``on`` (the latest that started, among those that apply)."""
    candidates = [r for r in RULES if r.key == key and _applies(r, on)]
    if not candidates:
        raise LookupError(f"No deadline rule {key} in force on {on}")
    return max(candidates, key=lambda r: r.valid_from)


def add(start: date, days: int, unit: Unit, *, commune: Any) -> date:
    """``days`` after ``start`` in ``unit``, counted from the day after (Civil Code Art. 147)."""
    if unit == Unit.WORKING_DAYS:
        return calendar.add_working_days(start, days, commune=commune)
    return calendar.add_days_rolled(start, days, commune=commune)


def due_date(key: str, start: date, *, commune: Any, extra_days: int = 0) -> date:
    """The last day of the period ``key`` triggered on ``start`` (the rule in force then).

    ``extra_days`` adds calendar days (recorded pauses and extensions) before the final roll, so
    a pause never compounds two roll-forwards.
    """
    rule = rule_for(key, start)
    if rule.unit == Unit.WORKING_DAYS:
        end = calendar.add_working_days(start, rule.days, commune=commune)
        return calendar.add_days_rolled(end, extra_days, commune=commune) if extra_days else end
    return calendar.add_days_rolled(start, rule.days + extra_days, commune=commune)


def time_barred(known_on: date, filed_on: date, *, commune: Any, excluded_days: int = 0) -> bool:
    """Luật Khiếu nại Art. 9: a complaint is late after 90 days from knowing the act; days lost
    to illness, disaster or other objective obstacles (``excluded_days``) do not count."""
    last_day = due_date("complaint.limitation", known_on, commune=commune, extra_days=excluded_days)
    return filed_on > last_day
