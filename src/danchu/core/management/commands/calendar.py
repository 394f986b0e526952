"""``danchu calendar``: the working-day calendar as officials need it.

danchu calendar                      holidays and adjustments of this year
danchu calendar --year 2027          … of 2027
danchu calendar --next 10            the next 10 working days from today
danchu calendar --from 2027-02-03 --working-days 5   the date 5 working days later
danchu calendar --from 2027-02-03 --days 30          30 days later, rolled (Art. 148(5))
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from danchu.core import calendar
from danchu.core.models import WorkingDayOverride

WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")  # Vietnamese weekday abbreviations


def _day(d: date) -> str:
    return f"{d.isoformat()} {WEEKDAYS[d.weekday()]}"


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Show public holidays and adjustments of a year, or count working days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="Year to list (default: this year).")
        parser.add_argument("--next", type=int, metavar="N", help="List the next N working days.")
        parser.add_argument("--from", dest="start", help="Start date YYYY-MM-DD (default today).")
        parser.add_argument("--working-days", type=int, metavar="N", help="N working days after.")
        parser.add_argument("--days", type=int, metavar="N", help="N calendar days after, rolled.")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _parse_date(options["start"]) if options["start"] else timezone.localdate()
        for key in ("next", "working_days", "days"):
            if options[key] is not None and not 0 <= options[key] <= 3660:
                raise CommandError(f"--{key.replace('_', '-')} must be between 0 and 3660")
        if options["working_days"] is not None:
            self._deadline(start, calendar.add_working_days(start, options["working_days"]))
        elif options["days"] is not None:
            self._deadline(start, calendar.add_days_rolled(start, options["days"]))
        elif options["next"] is not None:
            day = start
            for _ in range(options["next"]):
                day = calendar.next_working_day(day)
                self.stdout.write(_day(day))
        else:
            self._year(options["year"] or start.year)

    def _deadline(self, start: date, last: date) -> None:
        end = calendar.deadline_end(last)
        self.stdout.write(
            f"{_day(start)} → {_day(last)} (ends {end:%Y-%m-%d %H:%M %Z}, "
            f"{calendar.working_days_between(start, last)} working days)"
        )

    def _year(self, year: int) -> None:
        if not 1995 <= year <= 2100:
            raise CommandError("--year must be between 1995 and 2100")
        # The national calendar: communes' own adjustments are on their back-office page.
        national = WorkingDayOverride.objects.filter(date__year=year, commune__isnull=True)
        overrides = {o.date: o for o in national}
        day, end = date(year, 1, 1), date(year, 12, 31)
        while day <= end:
            name = calendar.holiday_name(day)
            override = overrides.get(day)
            working = calendar.is_working_day(day)
            if override is not None:
                label = "working day" if working else "day off"
                self.stdout.write(f"{_day(day)}  {label}: {override.name}  [{override.source}]")
            elif name:
                self.stdout.write(f"{_day(day)}  {name}")
            elif working and day.weekday() >= 5:
                self.stdout.write(f"{_day(day)}  working day (government swap)")
            day += timedelta(days=1)
        self.stdout.write(
            f"{calendar.working_days_between(date(year - 1, 12, 31), end)} working days in {year}."
        )
