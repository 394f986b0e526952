"""Working-day adjustments per commune: precedence, isolation, permissions, validation, cache."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.core import calendar
from danchu.core.calendar import WorkingCalendar
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry, WorkingDayOverride
from danchu.core.services import working_day_override_delete, working_day_override_set

pytestmark = pytest.mark.django_db

PURE = WorkingCalendar()
ONE = timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.calendar_cache_clear()
    yield
    calendar.calendar_cache_clear()


def plain_friday() -> date:
    """A Friday next year whose weekend is off and whose Monday and Tuesday are working days
    in the package (so the tests do not depend on where the holidays fall)."""
    d = date(timezone.localdate().year + 1, 3, 6)
    while True:
        working = all(PURE.is_working_day(d + k * ONE) for k in (0, 3, 4, 5))
        if d.weekday() == 4 and working and not PURE.is_working_day(d + ONE):
            return d
        d += ONE


def test_commune_row_changes_only_that_communes_deadlines(chair, commune, other_commune):
    friday = plain_friday()
    saturday, monday = friday + ONE, friday + 3 * ONE
    working_day_override_set(
        actor=chair, date=saturday, kind="working_day", name="Làm bù", commune=commune
    )
    assert calendar.add_working_days(friday, 1, commune=commune) == saturday
    assert calendar.add_working_days(friday, 1, commune=commune.pk) == saturday
    assert calendar.is_working_day(saturday, commune=commune)
    # Another commune and the national calendar are untouched.
    assert calendar.add_working_days(friday, 1, commune=other_commune) == monday
    assert calendar.add_working_days(friday, 1) == monday
    assert calendar.add_days_rolled(friday, 1, commune=commune) == saturday
    assert calendar.add_days_rolled(friday, 1, commune=other_commune) == monday
    assert calendar.working_days_between(friday, monday, commune=commune) == 2
    assert calendar.working_days_between(friday, monday) == 1
    assert calendar.next_working_day(friday, commune=commune) == saturday


def test_national_row_applies_to_every_commune_and_a_commune_row_wins(
    chair, commune, other_commune
):
    friday = plain_friday()
    monday, tuesday = friday + 3 * ONE, friday + 4 * ONE
    working_day_override_set(actor=None, date=monday, kind="day_off", name="Nghỉ bù")
    assert calendar.add_working_days(friday, 1) == tuesday
    assert calendar.add_working_days(friday, 1, commune=commune) == tuesday
    assert calendar.add_working_days(friday, 1, commune=other_commune) == tuesday
    # The commune keeps Monday as a working day: its row wins over the national one.
    working_day_override_set(
        actor=chair, date=monday, kind="working_day", name="Vẫn làm việc", commune=commune
    )
    assert calendar.add_working_days(friday, 1, commune=commune) == monday
    assert calendar.add_working_days(friday, 1, commune=other_commune) == tuesday
    assert calendar.add_working_days(friday, 1) == tuesday
    rows = list(calendar.override_rows(monday.year, commune=commune))
    assert [r.commune_id for r in rows] == [None, commune.pk]  # national first
    assert list(calendar.override_rows(monday.year, commune=other_commune)) == rows[:1]


def test_national_and_commune_rows_share_a_date_but_not_twice(commune):
    day = plain_friday() + 3 * ONE
    WorkingDayOverride.objects.create(date=day, kind="day_off", name="n")
    WorkingDayOverride.objects.create(date=day, kind="day_off", name="c", commune=commune)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingDayOverride.objects.create(date=day, kind="working_day", name="n2")
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingDayOverride.objects.create(date=day, kind="day_off", name="c2", commune=commune)


def test_set_twice_replaces_and_delete_restores_with_audit(official, commune):
    monday = plain_friday() + 3 * ONE
    row = working_day_override_set(
        actor=official, date=monday, kind="day_off", name="Nghỉ", source="QĐ 1", commune=commune
    )
    again = working_day_override_set(
        actor=official, date=monday, kind="day_off", name="Nghỉ (sửa)", commune=commune
    )
    assert again.pk == row.pk
    assert not calendar.is_working_day(monday, commune=commune)
    working_day_override_delete(actor=official, override=again)
    assert calendar.is_working_day(monday, commune=commune)
    entries = AuditEntry.objects.filter(action__startswith="working_day_override.")
    assert [e.action for e in entries] == [
        "working_day_override.set",
        "working_day_override.set",
        "working_day_override.delete",
    ]
    assert {e.commune_id for e in entries} == {commune.pk}
    assert entries[1].before["name"] == "Nghỉ"
    assert entries[2].before["commune"] == commune.pk


def test_permissions(official, commune, other_commune):
    monday = plain_friday() + 3 * ONE
    args = {"date": monday, "kind": "day_off", "name": "Nghỉ"}
    with pytest.raises(NotFound):
        working_day_override_set(actor=official, commune=other_commune, **args)
    front = RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user
    with pytest.raises(PermissionDenied):
        working_day_override_set(actor=front, commune=commune, **args)
    # National rows: the operators only.
    with pytest.raises(PermissionDenied):
        working_day_override_set(actor=official, **args)
    admin = UserFactory(is_superuser=True)
    national = working_day_override_set(actor=admin, **args)
    with pytest.raises(PermissionDenied):
        working_day_override_delete(actor=official, override=national)
    # (Monday is a national day off now: the other commune keeps it as a working day.)
    row = working_day_override_set(
        actor=admin, commune=other_commune, date=monday, kind="working_day", name="Làm việc"
    )
    with pytest.raises(NotFound):
        working_day_override_delete(actor=official, override=row)
    assert not WorkingDayOverride.objects.filter(commune=commune).exists()


def test_declaring_what_the_day_already_is_is_refused(chair, commune):
    friday = plain_friday()
    with pytest.raises(ValidationFailed) as caught:
        working_day_override_set(
            actor=chair, date=friday, kind="working_day", name="x", commune=commune
        )
    shown = friday.strftime("%d/%m/%Y")
    assert caught.value.fields["kind"] == [f"{shown} đã là ngày làm việc."]
    with pytest.raises(ValidationFailed) as caught:
        working_day_override_set(
            actor=chair, date=friday + ONE, kind="day_off", name="x", commune=commune
        )
    assert "đã là ngày nghỉ" in caught.value.fields["kind"][0]
    # Against the national calendar: a national day off makes "day off" redundant here.
    monday = friday + 3 * ONE
    working_day_override_set(actor=None, date=monday, kind="day_off", name="Nghỉ bù")
    with pytest.raises(ValidationFailed):
        working_day_override_set(
            actor=chair, date=monday, kind="day_off", name="x", commune=commune
        )
    assert not WorkingDayOverride.objects.filter(commune=commune).exists()


def test_date_window_for_people_but_not_for_the_system(chair, commune):
    today = timezone.localdate()
    too_old = today - timedelta(days=31)
    while PURE.is_working_day(too_old) is False:
        too_old -= ONE
    with pytest.raises(ValidationFailed) as caught:
        working_day_override_set(
            actor=chair, date=too_old, kind="day_off", name="x", commune=commune
        )
    assert "30 ngày" in caught.value.fields["date"][0]
    far = date(today.year + 2, 3, 3)
    with pytest.raises(ValidationFailed) as caught:
        working_day_override_set(actor=chair, date=far, kind="day_off", name="x", commune=commune)
    assert set(caught.value.fields) == {"date"}
    # The boundary: 30 days back is still allowed.
    edge = today - timedelta(days=30)
    kind = "day_off" if PURE.is_working_day(edge) else "working_day"
    working_day_override_set(actor=chair, date=edge, kind=kind, name="x", commune=commune)
    # The system (CLI) may backfill an old year.
    working_day_override_set(
        actor=None, date=too_old, kind="day_off", name="Bổ sung", commune=commune
    )
    with pytest.raises(ValidationFailed):
        working_day_override_set(actor=None, date=date(1990, 1, 2), kind="day_off", name="x")


def test_bad_kind_and_long_fields_are_field_errors(chair, commune):
    monday = plain_friday() + 3 * ONE
    with pytest.raises(ValidationFailed) as caught:
        working_day_override_set(
            actor=chair, date=monday, kind="holiday", name="", source="s" * 201, commune=commune
        )
    assert set(caught.value.fields) == {"kind", "name", "source"}
    assert caught.value.fields["kind"] == ["Hãy chọn “ngày làm việc” hoặc “ngày nghỉ”."]
    with pytest.raises(ValidationFailed) as caught:
        working_day_override_set(actor=None, date="2027-01-01", kind="day_off", name="x")
    assert set(caught.value.fields) == {"date"}


def test_cache_is_per_year_and_commune(commune, other_commune, django_assert_num_queries):
    friday = plain_friday()
    with django_assert_num_queries(1):
        calendar.add_working_days(friday, 20, commune=commune)
    with django_assert_num_queries(0):
        calendar.add_working_days(friday, 20, commune=commune.pk)
    with django_assert_num_queries(1):
        calendar.add_working_days(friday, 20, commune=other_commune)
    with django_assert_num_queries(1):
        calendar.add_working_days(friday, 20)
