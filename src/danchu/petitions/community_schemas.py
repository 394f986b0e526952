"""API schemas of reception days, dialogues and mediation figures: no personal data.

A reception day shows its host (the commune chair, a public office) and its free places, never
who booked; a dialogue question shows its asker only when they chose to be named; mediation is
counts only (Luật Hòa giải ở cơ sở Art. 4(3)).
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

__all__ = [
    "CommitmentOut",
    "DialogueFiguresOut",
    "DialogueOut",
    "DialoguePage",
    "MediationFiguresOut",
    "PeriodParams",
    "QuestionOut",
    "ReceptionDayOut",
    "ReceptionFiguresOut",
    "ScheduleParams",
    "SlotOut",
]


class PeriodParams(Schema):
    """A year, or one quarter of it (the periods of the commune's reports)."""

    year: int = Field(..., ge=2000, le=2100, examples=[2026])
    quarter: int | None = Field(None, ge=1, le=4, description="1–4; the whole year if absent.")

    def bounds(self) -> tuple[date, date]:
        if self.quarter is None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        first = date(self.year, 3 * self.quarter - 2, 1)
        last_month = 3 * self.quarter
        after = (
            date(self.year + 1, 1, 1) if last_month == 12 else date(self.year, last_month + 1, 1)
        )
        return first, date.fromordinal(after.toordinal() - 1)


class ScheduleParams(Schema):
    year: int = Field(..., ge=2000, le=2100, examples=[2026])
    month: int = Field(..., ge=1, le=12, examples=[3])


class SlotOut(Schema):
    # Local wall-clock times as "HH:MM" (JSON Schema's "time" format demands a UTC offset).
    id: int
    starts_at: str = Field(..., pattern=r"^\d{2}:\d{2}$", examples=["07:30"])
    ends_at: str = Field(..., pattern=r"^\d{2}:\d{2}$", examples=["09:00"])
    capacity: int
    free: int


class ReceptionDayOut(Schema):
    id: int
    date: date
    host: str
    place: str
    ad_hoc: bool
    status: str
    slots: list[SlotOut]


class ReceptionFiguresOut(Schema):
    start: date
    end: date
    weeks_required: int = Field(..., description="Weeks with a working day (Art. 15(2)).")
    weeks_met: int
    weeks_missing: list[date] = Field(..., description="Mondays of weeks without reception.")
    weeks_exempt: int = Field(..., description="Weeks without any working day (e.g. Tết).")
    days_held: int
    visitors: int
    bookings: int


class QuestionOut(Schema):
    id: int
    text: str
    asked_by: str = Field(..., description="Empty unless the asker chose to be named.")
    supports: int
    answer: str


class CommitmentOut(Schema):
    id: int
    text: str
    responsible: str
    due_on: date
    status: str
    fulfilled_on: date | None
    overdue: bool


class DialogueOut(Schema):
    id: int
    title: str
    held_on: date
    place: str
    status: str
    summary: str
    questions: list[QuestionOut]
    commitments: list[CommitmentOut]


class DialoguePage(Schema):
    count: int
    items: list[DialogueOut]


class DialogueFiguresOut(Schema):
    start: date
    end: date
    dialogues_held: int
    years_missing: list[int] = Field(..., description="Ended years without a dialogue.")
    commitments: int
    fulfilled: int
    fulfilled_on_time: int
    overdue: int


class MediationFiguresOut(Schema):
    start: date
    end: date
    teams: int
    teams_not_qualifying: int = Field(..., description="Fewer than 3 mediators or no woman.")
    received: int
    closed: int
    success: int
    stopped: int
    failed: int
    success_rate: float | None
    open_now: int
    start_overdue_now: int
