"""The daily village-head sweep: reminders before an elected term, an interim period or the 60-day
re-election ends (Decree 59/2023 Art. 6, 9(3)), a vacant office, the overdue escalation."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.models import AuditEntry
from danchu.decisions import office_reminders
from danchu.decisions.models import MatterVillage, VillageHeadTerm
from danchu.decisions.office_reminders import ESCALATE_ACTION, village_head_sweep
from danchu.decisions.tests.factories import make_village
from danchu.decisions.tests.test_office import dismiss
from danchu.notifications.models import Notification, OutboundMessage
from danchu.notifications.services import Notice, notify_many
from danchu.territory.models import Village

pytestmark = pytest.mark.django_db
D = datetime.date
Kind = VillageHeadTerm.Kind
TODAY = timezone.localdate()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def front(commune):
    return RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user


@pytest.fixture
def stranger(other_commune):
    """Another commune's chair: never told about this commune's villages."""
    return RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR).user


def _term(village, kind=Kind.ELECTED, *, ends_in: int, name="Nguyễn Văn An"):
    end = TODAY + _days(ends_in)
    start = end - _days(1800 if kind == Kind.ELECTED else 150)
    return VillageHeadTerm.objects.create(
        commune_id=village.commune_id, village=village, kind=kind, name=name,
        started_on=min(start, TODAY), planned_end_on=end,
    )  # fmt: skip


def _keys(user):
    return set(Notification.objects.filter(recipient=user).values_list("event_key", flat=True))


def _notice(user, key_part):
    return Notification.objects.filter(recipient=user, event_key__contains=key_part).get()


# --- an elected term ending (N = 60 days) -------------------------------------------------------


def test_an_elected_term_is_reminded_exactly_n_days_before_its_end(
    commune, chair, official, front, stranger
):
    village = make_village(commune, name="Thôn Đông")
    term = _term(village, ends_in=60)
    result = village_head_sweep(today=TODAY)
    assert result.term_ending == 1
    key = f"decisions:village-head-term:{term.pk}:ending:{term.planned_end_on.isoformat()}"
    for user in (chair, official, front):
        assert _keys(user) == {key}
    assert _keys(stranger) == set()
    notice = _notice(chair, ":ending:")
    assert "Thôn Đông" in notice.title
    assert f"{term.planned_end_on:%d/%m/%Y}" in notice.title
    assert "Nghị định 59/2023/NĐ-CP Điều 6" in notice.body
    assert "trưởng thôn" in notice.body  # Vietnamese, the site's language
    assert notice.url.endswith(f"/quan-ly/thon/{village.pk}/truong-thon/")


def test_an_elected_term_n_plus_one_days_before_its_end_is_not_reminded(commune, chair):
    _term(make_village(commune), ends_in=61)
    assert village_head_sweep(today=TODAY).term_ending == 0
    assert _keys(chair) == set()


def test_the_term_reminder_period_is_a_setting(commune, chair, settings):
    settings.VILLAGE_HEAD_TERM_REMIND_DAYS = 10
    _term(make_village(commune), ends_in=11)
    assert village_head_sweep(today=TODAY).term_ending == 0
    assert village_head_sweep(today=TODAY + _days(1)).term_ending == 1


def test_running_twice_sends_one_notice(commune, chair, official):
    term = _term(make_village(commune), ends_in=30)
    assert village_head_sweep(today=TODAY).term_ending == 1
    again = village_head_sweep(today=TODAY)
    assert again.term_ending == 0
    assert village_head_sweep(today=TODAY + _days(1)).term_ending == 0
    assert Notification.objects.filter(recipient=chair).count() == 1
    assert OutboundMessage.objects.filter(event_key__contains=f"term:{term.pk}:").count() == (
        OutboundMessage.objects.filter(event_key__contains=f"term:{term.pk}:")
        .values("recipient", "channel")
        .distinct()
        .count()
    )


def test_a_chair_who_takes_office_later_is_still_reminded(commune):
    _term(make_village(commune), ends_in=30)
    assert village_head_sweep(today=TODAY).term_ending == 0  # nobody to tell yet
    chair = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
    assert village_head_sweep(today=TODAY).term_ending == 1
    assert len(_keys(chair)) == 1


def test_a_shifted_end_is_reminded_again(commune, chair):
    term = _term(make_village(commune), ends_in=30)
    village_head_sweep(today=TODAY)
    VillageHeadTerm.objects.filter(pk=term.pk).update(planned_end_on=TODAY + _days(50))
    assert village_head_sweep(today=TODAY).term_ending == 1
    assert len(_keys(chair)) == 2


def test_an_ended_term_is_not_reminded(commune, chair):
    term = _term(make_village(commune), ends_in=30)
    VillageHeadTerm.objects.filter(pk=term.pk).update(
        ended_on=TODAY, end_reason=VillageHeadTerm.EndReason.REPLACED
    )
    assert village_head_sweep(today=TODAY) == office_reminders.SweepResult()


def test_a_merged_village_and_an_expired_role_are_left_out(commune, chair):
    gone = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_OFFICIAL)
    gone.valid_to = TODAY - _days(1)
    gone.save()
    _term(make_village(commune, is_active=False), ends_in=5)
    _term(make_village(commune), ends_in=5)
    assert village_head_sweep(today=TODAY).term_ending == 1
    assert len(_keys(chair)) == 1
    assert _keys(gone.user) == set()


def test_a_residential_group_has_a_to_truong(commune, chair):
    _term(make_village(commune, kind=Village.Kind.TO_DAN_PHO), ends_in=5)
    village_head_sweep(today=TODAY)
    assert "tổ trưởng tổ dân phố" in _notice(chair, ":ending:").body


# --- an interim period ending (M = 30 days) -----------------------------------------------------


def test_an_interim_head_is_reminded_to_the_chair_exactly_m_days_before(
    commune, chair, official, front
):
    term = _term(make_village(commune), Kind.INTERIM, ends_in=30)
    assert village_head_sweep(today=TODAY).interim_ending == 1
    assert _keys(chair) == {
        f"decisions:village-head-term:{term.pk}:interim-ending:{term.planned_end_on.isoformat()}"
    }
    assert _keys(official) == _keys(front) == set()
    assert "Điều 9" in _notice(chair, "interim-ending").body


def test_an_interim_head_m_plus_one_days_before_is_not_reminded(commune, chair):
    _term(make_village(commune), Kind.INTERIM, ends_in=31)
    assert village_head_sweep(today=TODAY).interim_ending == 0
    assert _keys(chair) == set()


# --- a vacant office -----------------------------------------------------------------------------


def test_a_term_past_its_end_is_a_vacancy_told_once(commune, chair, official, front):
    term = _term(make_village(commune), ends_in=-1)
    assert village_head_sweep(today=TODAY).vacant == 1
    assert village_head_sweep(today=TODAY).vacant == 0
    assert village_head_sweep(today=TODAY + _days(3)).vacant == 0
    key = f"decisions:village-head-term:{term.pk}:vacant:{term.planned_end_on.isoformat()}"
    assert _keys(chair) == _keys(official) == {key}
    assert _keys(front) == set()


def test_the_last_day_of_a_term_is_not_a_vacancy(commune, chair):
    _term(make_village(commune), ends_in=0)
    result = village_head_sweep(today=TODAY)
    assert (result.vacant, result.term_ending) == (0, 1)


# --- the 60-day re-election after a dismissal (K = 15 days) -------------------------------------


@pytest.fixture
def dismissed(commune, official, chair):
    """A recognised dismissal in a village of 5 households; ``at(day)`` moves its recognition."""
    village = make_village(commune, households=5, name="Thôn Tây")
    mv = dismiss(official, chair, village, TODAY)

    def at(day: D) -> MatterVillage:
        MatterVillage.objects.filter(pk=mv.pk).update(recognition_on=day)
        return MatterVillage.objects.get(pk=mv.pk)

    return at


def test_the_reelection_is_reminded_exactly_k_days_before_its_last_day(
    dismissed, chair, official, front, stranger
):
    mv = dismissed(TODAY - _days(45))  # the last day is TODAY + 15
    assert village_head_sweep(today=TODAY).reelection_due == 1
    key = f"decisions:village-head-dismissal:{mv.pk}:reelection-due"
    assert _keys(chair) == _keys(official) == {key}
    assert _keys(front) == _keys(stranger) == set()
    notice = _notice(chair, "reelection-due")
    assert "Thôn Tây" in notice.title
    assert f"{TODAY + _days(15):%d/%m/%Y}" in notice.title
    assert "Nghị định 59/2023/NĐ-CP Điều 9(3)" in notice.body


def test_the_reelection_k_plus_one_days_before_is_not_reminded(dismissed, chair):
    dismissed(TODAY - _days(44))  # the last day is TODAY + 16
    assert village_head_sweep(today=TODAY).reelection_due == 0
    assert _keys(chair) == set()


def test_an_elected_term_since_the_dismissal_stops_the_reminder(dismissed, chair):
    mv = dismissed(TODAY - _days(50))
    VillageHeadTerm.objects.create(
        commune_id=mv.commune_id, village_id=mv.village_id, kind=Kind.ELECTED, name="Lê Văn Mới",
        started_on=TODAY - _days(1), planned_end_on=TODAY + _days(1800),
    )  # fmt: skip
    result = village_head_sweep(today=TODAY + _days(30))
    assert (result.reelection_due, result.escalated) == (0, 0)
    assert _keys(chair) == set()


def test_an_interim_head_does_not_stop_the_reminder(dismissed, chair):
    mv = dismissed(TODAY - _days(50))
    VillageHeadTerm.objects.create(
        commune_id=mv.commune_id, village_id=mv.village_id, kind=Kind.INTERIM, name="Quyền",
        started_on=TODAY - _days(49), planned_end_on=TODAY + _days(100),
    )  # fmt: skip
    assert village_head_sweep(today=TODAY).reelection_due == 1


def test_day_60_is_reminded_and_not_escalated(dismissed, chair, front):
    mv = dismissed(TODAY - _days(60))  # today is the last day
    result = village_head_sweep(today=TODAY)
    assert (result.reelection_due, result.escalated) == (1, 0)
    assert not AuditEntry.objects.filter(action=ESCALATE_ACTION).exists()
    assert _keys(front) == set()
    assert mv.pk


def test_the_day_after_day_60_escalates_to_the_chair_and_front_once(
    dismissed, chair, official, front, stranger
):
    mv = dismissed(TODAY - _days(61))  # the last day was yesterday
    result = village_head_sweep(today=TODAY)
    assert (result.reelection_due, result.escalated) == (0, 1)
    key = f"decisions:village-head-dismissal:{mv.pk}:reelection-overdue"
    assert _keys(chair) == _keys(front) == {key}
    assert _keys(official) == _keys(stranger) == set()
    entry = AuditEntry.objects.get(action=ESCALATE_ACTION)
    assert (entry.object_id, entry.commune_id) == (str(mv.pk), mv.commune_id)
    after = entry.after or {}
    assert after["due_on"] == (TODAY - _days(1)).isoformat()
    assert "Điều 9(3)" in after["article"]
    assert "Thôn Tây" in _notice(front, "overdue").title
    # Idempotent: the next runs neither notify nor audit again.
    assert village_head_sweep(today=TODAY).escalated == 0
    assert village_head_sweep(today=TODAY + _days(1)).escalated == 0
    assert AuditEntry.objects.filter(action=ESCALATE_ACTION).count() == 1
    assert Notification.objects.filter(recipient=front).count() == 1


# --- the command, the query count, notify_many ---------------------------------------------------


def test_the_command_runs(commune, chair):
    _term(make_village(commune), ends_in=3)
    out = StringIO()
    call_command("village_head_sweep", stdout=out)
    assert "Terms ending 1, interim periods ending 0, vacant 0" in out.getvalue()


def _queries(commune, count):
    for n in range(count):
        village = make_village(commune)
        kind = Kind.INTERIM if n % 3 == 1 else Kind.ELECTED
        _term(village, kind, ends_in=[10, 20, -5][n % 3])
    with CaptureQueriesContext(connection) as ctx:
        result = village_head_sweep(today=TODAY)
    return len(ctx.captured_queries), result


def test_queries_do_not_grow_with_the_villages(commune, other_commune, chair, official, front):
    RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR)
    few, small = _queries(commune, 2)
    Notification.objects.all().delete()
    OutboundMessage.objects.all().delete()
    VillageHeadTerm.objects.all().delete()
    many, large = _queries(other_commune, 5)
    more, larger = _queries(commune, 10)
    assert small.term_ending + small.interim_ending == 2
    assert larger.term_ending + larger.interim_ending + larger.vacant == 10
    assert large.term_ending + large.interim_ending + large.vacant == 5
    assert few == many == more, (few, many, more)


def test_notify_many_sends_each_event_once_per_person(commune, chair, official):
    notices = [
        Notice(event_key=f"test:{n}", recipients=[chair, official, chair], template="generic",
               context={"title": f"T{n}", "body": "B"})
        for n in range(3)
    ]  # fmt: skip
    first = notify_many(notices)
    assert first.notices == 6
    assert first.event_keys == {"test:0", "test:1", "test:2"}
    again = notify_many([*notices, Notice("test:3", [chair], "generic", {"title": "x"})])
    assert (again.notices, again.event_keys) == (1, {"test:3"})
    assert Notification.objects.filter(recipient=chair).count() == 4


def _dismissal_queries(commune, official, chair, count):
    for n in range(count):
        mv = dismiss(official, chair, make_village(commune, households=5), TODAY)
        # Half within the reminder period, half on the last day (day 60): reminders, no audit.
        back = 50 if n % 2 else 60
        MatterVillage.objects.filter(pk=mv.pk).update(recognition_on=TODAY - _days(back))
    with CaptureQueriesContext(connection) as ctx:
        result = village_head_sweep(today=TODAY)
    return len(ctx.captured_queries), result


def test_reelection_queries_do_not_grow_with_the_villages(dismissed, official, chair, front):
    model = dismissed(TODAY - _days(200))  # long overdue: escalated by the first run
    village_head_sweep(today=TODAY)
    few, small = _dismissal_queries(model.commune, official, chair, 2)
    more, large = _dismissal_queries(model.commune, official, chair, 10)
    assert (small.reelection_due, large.reelection_due) == (2, 10)
    assert (small.escalated, large.escalated) == (0, 0)
    assert few == more
