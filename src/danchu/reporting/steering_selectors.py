"""What a review report reads from the steering plans and the emulation rounds.

The contract between the review reports and the steering part of the app: the reports call
these; the steering part fills them from its models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from danchu.reporting.periods import Period
from danchu.territory.models import AdministrativeUnit


@dataclass(frozen=True)
class TaskLine:
    """A key task as a review lists it."""

    title: str
    assignees: str  # the units it is assigned to, joined for print
    deadline: date | None
    status: str  # the status label, in the active language
    overdue: bool
    progress: str  # the last progress note, or ""


@dataclass(frozen=True)
class AwardLine:
    """An award (e.g. a certificate of merit) as a review lists it."""

    kind: str  # "Giấy khen", "Bằng khen", … in the active language
    recipient: str  # the collective or person
    decision: str  # the decision's number and date, e.g. "Quyết định số 12/QĐ-UBND ngày …"
    awarded_on: date


def key_tasks_for_review(unit: AdministrativeUnit, period: Period) -> list[TaskLine]:
    """The key tasks of ``unit``'s steering plans that ran in ``period``, overdue ones first."""
    return []


def next_period_tasks(unit: AdministrativeUnit, period: Period) -> list[TaskLine]:
    """The key tasks ``unit`` has planned for the period that follows ``period``."""
    return []


def awards_for_review(unit: AdministrativeUnit, period: Period) -> list[AwardLine]:
    """The awards given to or by ``unit`` (and its villages or communes) in ``period``."""
    return []
