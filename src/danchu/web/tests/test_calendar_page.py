"""The commune's working-day calendar page: view, add, remove, errors, scope, query count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core import calendar
from danchu.core.calendar import WorkingCalendar
from danchu.core.models import AuditEntry, WorkingDayOverride
from danchu.territory.tests.factories import VillageFactory
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db

PURE = WorkingCalendar()
ONE = timedelta(days=1)
NEXT_YEAR = timezone.localdate().year + 1


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.calendar_cache_clear()
    yield
    calendar.calendar_cache_clear()


def page(commune, year=None):
    target = reverse("web:working_calendar", args=[commune.code])
    return f"{target}?year={year}" if year else target


def saturdays(count):
    """Ordinary Saturdays (days off in the package) of next year."""
    d, found = date(NEXT_YEAR, 3, 1), []
    while len(found) < count:
        if d.weekday() == 5 and not PURE.is_working_day(d):
            found.append(d)
        d += ONE
    return found


def add(client, commune, day, kind="working_day", name="Làm bù", source="QĐ 12/UBND"):
    return client.post(
        page(commune),
        {"add-date": day.isoformat(), "add-kind": kind, "add-name": name, "add-source": source},
    )


def test_page_shows_holidays_and_adjustments(client, chair, commune, other_commune):
    WorkingDayOverride.objects.create(
        date=date(NEXT_YEAR, 3, 2), kind="day_off", name="Nghỉ toàn quốc", source="NĐ 1"
    )
    WorkingDayOverride.objects.create(
        date=date(NEXT_YEAR, 3, 3), kind="day_off", name="Nghỉ xã bên", commune=other_commune
    )
    client.force_login(chair)
    response = client.get(page(commune, NEXT_YEAR))
    assert response.status_code == 200
    html = response.content.decode()
    assert_accessible(html)
    assert "Tết Nguyên Đán" in html
    assert "Giỗ Tổ Hùng Vương" in html
    assert "Nghỉ toàn quốc" in html  # national rows are shown (read-only)
    assert "Nghỉ xã bên" not in html  # another commune's rows are not
    assert 'name="remove"' not in html
    assert 'name="add-date"' in html
    assert f"?year={NEXT_YEAR + 1}" in html
    assert f"?year={NEXT_YEAR - 1}" in html


def test_add_then_remove_a_commune_adjustment(client, official, commune, other_commune):
    saturday = saturdays(1)[0]
    client.force_login(official)
    response = add(client, commune, saturday)
    assert response.status_code == 302
    assert response["Location"] == page(commune, saturday.year)
    row = WorkingDayOverride.objects.get(commune=commune)
    assert (row.date, row.kind, row.source) == (saturday, "working_day", "QĐ 12/UBND")
    friday = saturday - ONE
    assert calendar.add_working_days(friday, 1, commune=commune) == saturday
    assert calendar.add_working_days(friday, 1, commune=other_commune) != saturday
    html = client.get(response["Location"]).content.decode()
    assert "Đã lưu điều chỉnh ngày " + saturday.strftime("%d/%m/%Y") in html
    assert 'name="remove"' in html

    response = client.post(page(commune), {"remove": row.pk})
    assert response.status_code == 302
    assert not WorkingDayOverride.objects.filter(commune=commune).exists()
    assert calendar.add_working_days(friday, 1, commune=commune) != saturday
    actions = list(
        AuditEntry.objects.filter(commune_id=commune.pk).values_list("action", flat=True)
    )
    assert actions == ["working_day_override.set", "working_day_override.delete"]


def test_bad_input_is_400_with_field_errors(client, chair, commune):
    client.force_login(chair)
    response = client.post(page(commune), {"add-date": "31/02/2027", "add-kind": "holiday"})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="errorlist') >= 3  # date, kind, reason
    assert_accessible(html)
    # A weekday that is already a working day is refused by the service, on the kind field.
    weekday = saturdays(1)[0] + 2 * ONE
    while not PURE.is_working_day(weekday):
        weekday += ONE
    response = add(client, commune, weekday, kind="working_day")
    assert response.status_code == 400
    assert "đã là ngày làm việc" in response.content.decode()
    # Far in the past.
    response = add(client, commune, date(2020, 3, 3), kind="day_off")
    assert response.status_code == 400
    assert "Không thể thay đổi những ngày đã qua" in response.content.decode()
    assert client.post(page(commune), {"remove": "abc"}).status_code == 400
    assert client.get(page(commune) + "?year=abc").status_code == 400
    assert client.get(page(commune) + "?year=30000").status_code == 400
    assert not WorkingDayOverride.objects.filter(commune=commune).exists()


def test_another_communes_page_and_rows_are_404(client, chair, commune, other_commune):
    client.force_login(chair)
    assert client.get(page(other_commune)).status_code == 404
    assert add(client, other_commune, saturdays(1)[0]).status_code == 404
    theirs = WorkingDayOverride.objects.create(
        date=saturdays(1)[0], kind="working_day", name="x", commune=other_commune
    )
    national = WorkingDayOverride.objects.create(date=saturdays(2)[1], kind="working_day", name="n")
    for pk in (theirs.pk, national.pk, 999_999):
        assert client.post(page(commune), {"remove": pk}).status_code == 404
    assert WorkingDayOverride.objects.filter(pk__in=[theirs.pk, national.pk]).count() == 2


def test_roles_without_calendar_manage_may_look_but_not_change(client, commune, village_head):
    front = RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user
    row = WorkingDayOverride.objects.create(
        date=saturdays(1)[0], kind="working_day", name="Làm bù", commune=commune
    )
    for person in (front, village_head):
        client.force_login(person)
        response = client.get(page(commune, NEXT_YEAR))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Làm bù" in html
        assert 'name="add-date"' not in html
        assert 'name="remove"' not in html
        assert add(client, commune, saturdays(2)[1]).status_code == 403
        assert client.post(page(commune), {"remove": row.pk}).status_code == 403
    assert WorkingDayOverride.objects.filter(commune=commune).count() == 1


def test_nav_link_only_where_the_page_may_be_opened(client, official, commune, other_commune):
    link = page(commune)
    client.force_login(official)
    assert link in client.get(reverse("web:villages", args=[commune.code])).content.decode()
    # A resident of another commune who is an official here: that commune's villages page
    # opens (residents see villages) but its back office, and so the calendar, does not
    # (403: the person belongs to that commune, just not in a back-office role).
    there = VillageFactory(commune=other_commune)
    RoleAssignmentFactory(user=official, commune=other_commune, village=there, role=Role.RESIDENT)
    html = client.get(reverse("web:villages", args=[other_commune.code])).content.decode()
    assert page(other_commune) not in html
    assert client.get(page(other_commune)).status_code == 403


def test_query_count_does_not_grow_with_the_adjustments(client, chair, commune):
    client.force_login(chair)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(commune, NEXT_YEAR)).status_code == 200
        return len(queries)

    days = saturdays(12)
    WorkingDayOverride.objects.create(date=days[0], kind="working_day", name="x", commune=commune)
    few = count()
    for d in days[1:]:
        WorkingDayOverride.objects.create(date=d, kind="working_day", name="x", commune=commune)
        WorkingDayOverride.objects.create(date=d + ONE, kind="working_day", name="national")
    assert count() == few
