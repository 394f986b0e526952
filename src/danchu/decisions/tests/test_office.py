"""The office of village head: terms started and ended by recognition, the interim head, the
term's length and its shift (Decree 59/2023 Art. 8–9; term not confirmed, legal-spec §1.f)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from danchu.accounts.models import Role, RoleAssignment
from danchu.accounts.tests.factories import UserFactory
from danchu.core.calendar import add_months
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import elections, office, recognition, services
from danchu.decisions.models import DismissalPetition, Option, VillageHeadTerm
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_meeting,
    village_head,
)
from danchu.territory.models import Resident
from danchu.territory.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db
D = datetime.date
Kind, End = VillageHeadTerm.Kind, VillageHeadTerm.EndReason


def _today() -> D:
    return timezone.localdate()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def small(commune):
    return make_village(commune, households=5)


def _decide(official, chair, matter, on):
    """Hold the meeting 10 days before ``on`` (3 of 5 for the first option), close, send and
    recognise on ``on``."""
    held = on - _days(10)
    open_meeting(official, matter, notice_on=held - _days(10), held_on=held)
    mv = matter_village(matter)
    services.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=[h.pk for h in households_of(mv.village)]
    )
    first = Option.objects.filter(matter=matter).order_by("position")[0]
    services.meeting_result_record(actor=official, matter_village=mv, counts={first.pk: 3})
    services.matter_close(actor=official, matter=matter)
    mv = recognition.decision_send(
        actor=official, matter_village=matter_village(matter), sent_on=held + _days(1)
    )
    return recognition.decision_recognise(actor=chair, matter_village=mv, on=on)


def elect(official, chair, village, on, name="Nguyễn Văn An"):
    matter = make_matter(official, [village], MatterType.VILLAGE_HEAD, candidates=[name])
    _decide(official, chair, matter, on)
    return VillageHeadTerm.objects.get(village=village, ended_on__isnull=True)


def dismiss(official, chair, village, on):
    petition = elections.dismissal_petition_create(
        actor=official, village=village, route=DismissalPetition.Route.OWN_REQUEST,
        head_name="Nguyễn Văn An", reason="Xin thôi",
    )  # fmt: skip
    matter = elections.dismissal_matter_create(
        actor=official, petition=petition, title="Miễn nhiệm", question="Đồng ý miễn nhiệm?"
    )
    return _decide(official, chair, matter, on)


def _audit(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def _account(village, *, password=True):
    household = households_of(village)[0]
    resident = ResidentFactory(household=household)
    user = UserFactory(resident=resident)
    if not password:
        user.set_unusable_password()
        user.save()
    return resident, user


# --- recognition starts and ends terms (Art. 8, 9) --------------------------------------------


def test_recognising_an_election_starts_the_elected_term_that_day(small, official, chair):
    on = _today() - _days(20)
    term = elect(official, chair, small, on)
    assert (term.kind, term.name, term.started_on) == (Kind.ELECTED, "Nguyễn Văn An", on)
    assert term.planned_end_on == add_months(on, 60)
    assert term.option.label == "Nguyễn Văn An"
    assert term.matter_village.recognition_on == on
    state = office.office_state(small)
    assert state.current == term
    assert not state.vacant
    entry = _audit("decisions.office.start")[0]
    assert entry.after["kind"] == "elected"
    assert "Điều 8" in entry.after["article"]


def test_the_term_length_is_a_setting(small, official, chair, settings):
    settings.VILLAGE_HEAD_TERM_MONTHS = 30
    on = _today() - _days(20)
    assert elect(official, chair, small, on).planned_end_on == add_months(on, 30)


def test_a_refused_election_starts_no_term(small, official, chair):
    matter = make_matter(official, [small], MatterType.VILLAGE_HEAD, candidates=["An"])
    held = _today() - _days(10)
    open_meeting(official, matter, notice_on=held - _days(10), held_on=held)
    mv = matter_village(matter)
    services.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=[h.pk for h in households_of(small)]
    )
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={matter.options.get().pk: 3}
    )
    services.matter_close(actor=official, matter=matter)
    mv = recognition.decision_send(actor=official, matter_village=mv, sent_on=held)
    recognition.decision_refuse(actor=chair, matter_village=mv, on=_today(), reasons="Sai")
    assert not VillageHeadTerm.objects.exists()


def test_recognising_a_dismissal_ends_the_term_that_day(small, official, chair):
    term = elect(official, chair, small, _today() - _days(100))
    on = _today() - _days(5)
    dismiss(official, chair, small, on)
    term.refresh_from_db()
    assert (term.ended_on, term.end_reason) == (on, End.DISMISSED)
    state = office.office_state(small)
    assert state.vacant
    assert state.current is None
    # Decree 59/2023 Art. 9(3): the re-election's last day, 60 days after the recognition.
    assert state.reelection_due == on + _days(60)
    assert _audit("decisions.office.end")[0].after["end_reason"] == "dismissed"


def test_a_dismissal_does_not_end_an_interim_head(small, official, chair):
    interim = office.interim_appoint(
        actor=chair, village=small, name="Tạm", started_on=_today() - _days(30)
    )
    dismiss(official, chair, small, _today() - _days(2))
    interim.refresh_from_db()
    assert interim.ended_on is None


def test_a_new_election_replaces_the_head_and_clears_the_due_date(small, official, chair):
    first = elect(official, chair, small, _today() - _days(200))
    dismiss(official, chair, small, _today() - _days(100))
    second = elect(official, chair, small, _today() - _days(50), name="Lê Thị Bình")
    first.refresh_from_db()
    assert first.end_reason == End.DISMISSED
    state = office.office_state(small)
    assert state.current == second
    assert state.reelection_due is None
    assert [t.pk for t in state.history] == [second.pk, first.pk]


# --- the interim head (Art. 9; at most 6 months, not confirmed) -------------------------------


@pytest.mark.parametrize(("extra_days", "allowed"), [(0, True), (1, False)])
def test_an_interim_head_serves_at_most_six_months(small, chair, extra_days, allowed):
    start = _today() - _days(3)
    until = add_months(start, 6) + _days(extra_days)

    def appoint():
        return office.interim_appoint(
            actor=chair, village=small, name="Phạm Văn Tạm", started_on=start, until=until
        )

    if allowed:
        term = appoint()
        assert (term.kind, term.planned_end_on) == (Kind.INTERIM, until)
    else:
        with pytest.raises(ApplicationError) as exc:
            appoint()
        assert exc.value.code == "interim_too_long"
        assert "185/2026" in exc.value.message
        assert not VillageHeadTerm.objects.exists()


def test_the_interim_limit_is_a_setting_and_the_default_end(small, chair, settings):
    settings.VILLAGE_HEAD_INTERIM_MONTHS = 3
    start = _today() - _days(3)
    term = office.interim_appoint(actor=chair, village=small, name="Tạm", started_on=start)
    assert term.planned_end_on == add_months(start, 3)


def test_an_interim_head_after_a_dismissal_shows_the_reelection_date(small, official, chair):
    elect(official, chair, small, _today() - _days(100))
    on = _today() - _days(5)
    mv = dismiss(official, chair, small, on)
    term = office.interim_appoint(actor=chair, village=small, name="Tạm", started_on=on)
    assert term.matter_village == mv
    state = office.office_state(small)
    assert state.current == term
    assert state.reelection_due == on + _days(60)
    entry = _audit("decisions.office.start")[-1]
    assert entry.after["kind"] == "interim"


def test_no_interim_while_the_office_is_held(small, official, chair):
    elect(official, chair, small, _today() - _days(20))
    with pytest.raises(services.WrongState) as exc:
        office.interim_appoint(actor=chair, village=small, name="Tạm", started_on=_today())
    assert exc.value.code == "office_held"


def test_an_elected_term_ends_the_interim_one(small, official, chair):
    interim = office.interim_appoint(
        actor=chair, village=small, name="Tạm", started_on=_today() - _days(40)
    )
    elected = elect(official, chair, small, _today() - _days(2))
    interim.refresh_from_db()
    assert (interim.ended_on, interim.end_reason) == (elected.started_on, End.REPLACED)
    assert office.office_state(small).current == elected


def test_an_interim_past_its_end_leaves_the_office_vacant(small, chair):
    start = _today() - _days(250)
    old = office.interim_appoint(actor=chair, village=small, name="Cũ", started_on=start)
    state = office.office_state(small)
    assert state.vacant
    assert state.expired
    new = office.interim_appoint(actor=chair, village=small, name="Mới", started_on=_today())
    old.refresh_from_db()
    assert (old.ended_on, old.end_reason) == (add_months(start, 6), End.TERM_ENDED)
    assert office.office_state(small).current == new


def test_an_interim_starts_after_the_last_holder(small, official, chair):
    elect(official, chair, small, _today() - _days(100))
    on = _today() - _days(5)
    dismiss(official, chair, small, on)
    with pytest.raises(ValidationFailed) as exc:
        office.interim_appoint(actor=chair, village=small, name="Tạm", started_on=on - _days(1))
    assert set(exc.value.fields) == {"started_on"}


def test_interim_input_errors_are_field_errors(small, commune, chair):
    other = make_village(commune, households=1)
    stranger = ResidentFactory(household=households_of(other)[0])
    with pytest.raises(ValidationFailed) as exc:
        office.interim_appoint(
            actor=chair, village=small, name="", started_on=_today() + _days(1), resident=stranger
        )
    assert set(exc.value.fields) == {"started_on", "resident"}
    with pytest.raises(ValidationFailed) as exc:
        office.interim_appoint(
            actor=chair, village=small, name=" ", started_on=_today(), until="2026-13-01"
        )
    assert set(exc.value.fields) == {"name", "until"}


def test_an_interim_head_resigns_but_an_elected_one_goes_to_the_community(small, official, chair):
    interim = office.interim_appoint(
        actor=chair, village=small, name="Tạm", started_on=_today() - _days(10)
    )
    ended = office.term_resign(actor=chair, term=interim, on=_today())
    assert (ended.ended_on, ended.end_reason) == (_today(), End.RESIGNED)
    with pytest.raises(services.WrongState):
        office.term_resign(actor=chair, term=interim, on=_today())
    elected = elect(official, chair, small, _today())
    with pytest.raises(ApplicationError) as exc:
        office.term_resign(actor=chair, term=elected, on=_today())
    assert exc.value.code == "elected_resignation"
    assert "Điều 9(1)" in exc.value.message


# --- shifting the end of a term (±6 months, not confirmed) ------------------------------------


@pytest.mark.parametrize(
    ("months", "extra_days", "allowed"),
    [(6, 0, True), (6, 1, False), (-6, 0, True), (-6, -1, False)],
)
def test_the_chair_shifts_a_term_by_at_most_six_months(
    small, official, chair, months, extra_days, allowed
):
    term = elect(official, chair, small, _today() - _days(20))
    normal = term.planned_end_on
    target = add_months(normal, months) + _days(extra_days)
    if allowed:
        shifted = office.term_end_shift(actor=chair, term=term, planned_end_on=target)
        assert shifted.planned_end_on == target
        assert _audit("decisions.office.shift")[0].before["planned_end_on"] == normal.isoformat()
    else:
        with pytest.raises(ApplicationError) as exc:
            office.term_end_shift(actor=chair, term=term, planned_end_on=target)
        assert exc.value.code == "shift_too_far"


def test_the_shift_counts_from_the_normal_end_not_the_last_shift(small, official, chair):
    term = elect(official, chair, small, _today() - _days(20))
    normal = term.planned_end_on
    office.term_end_shift(actor=chair, term=term, planned_end_on=add_months(normal, 6))
    with pytest.raises(ApplicationError):
        office.term_end_shift(
            actor=chair, term=term, planned_end_on=add_months(normal, 6) + _days(1)
        )


def test_an_interim_term_is_not_shifted(small, chair):
    term = office.interim_appoint(actor=chair, village=small, name="Tạm", started_on=_today())
    with pytest.raises(services.WrongState) as exc:
        office.term_end_shift(actor=chair, term=term, planned_end_on=_today() + _days(30))
    assert exc.value.code == "not_elected"


# --- one current holder -----------------------------------------------------------------------


def test_the_database_keeps_one_open_term_per_village(small, chair):
    office.interim_appoint(actor=chair, village=small, name="Tạm", started_on=_today())
    with pytest.raises(IntegrityError), transaction.atomic():
        VillageHeadTerm.objects.create(
            commune=small.commune, village=small, kind=Kind.INTERIM, name="Hai",
            started_on=_today(), planned_end_on=_today() + _days(10),
        )  # fmt: skip


# --- the village-head role goes with the office -----------------------------------------------


def _head_roles(user):
    return RoleAssignment.objects.filter(user=user, role=Role.VILLAGE_HEAD)


def test_an_interim_resident_gets_the_role_until_the_end_and_loses_it_on_leaving(small, chair):
    resident, user = _account(small)
    term = office.interim_appoint(
        actor=chair, village=small, name="", started_on=_today() - _days(2), resident=resident.pk
    )
    assert term.name == resident.full_name
    role = _head_roles(user).get()
    assert (role.valid_from, role.valid_to, role.village) == (
        term.started_on, term.planned_end_on, small,
    )  # fmt: skip
    assert term.role_assignment == role
    office.term_resign(actor=chair, term=term, on=_today())
    role.refresh_from_db()
    assert role.valid_to == _today()


def test_a_linked_elected_head_gets_the_role_moved_and_ended_with_the_office(
    small, official, chair
):
    resident, user = _account(small)
    term = elect(official, chair, small, _today() - _days(100))
    term = office.term_holder_link(actor=chair, term=term, resident=resident)
    role = _head_roles(user).get()
    assert role.valid_to == term.planned_end_on
    later = add_months(term.planned_end_on, 3)
    office.term_end_shift(actor=chair, term=term, planned_end_on=later)
    role.refresh_from_db()
    assert role.valid_to == later
    on = _today() - _days(3)
    dismiss(official, chair, small, on)
    role.refresh_from_db()
    assert role.valid_to == on
    assert _audit("accounts.role.revoke")


def test_a_head_already_holding_the_role_keeps_one_assignment(small, official, chair):
    head = village_head(small)
    resident = ResidentFactory(household=households_of(small)[0])
    head.resident = resident
    head.save()
    term = elect(official, chair, small, _today() - _days(10))
    office.term_holder_link(actor=chair, term=term, resident=resident)
    role = _head_roles(head).get()
    assert role.valid_to == term.planned_end_on


def test_an_account_without_password_only_records_the_office(small, chair):
    resident, user = _account(small, password=False)
    term = office.interim_appoint(
        actor=chair, village=small, name="", started_on=_today(), resident=resident
    )
    assert term.resident == resident
    assert term.role_assignment is None
    assert not _head_roles(user).exists()


def test_a_resident_without_account_only_records_the_office(small, chair):
    resident = ResidentFactory(household=households_of(small)[0])
    term = office.interim_appoint(
        actor=chair, village=small, name="Ông Tạm", started_on=_today(), resident=resident
    )
    assert term.name == "Ông Tạm"
    assert term.role_assignment is None
    assert Resident.objects.get(pk=resident.pk)


# --- permissions ------------------------------------------------------------------------------


def test_only_the_chair_of_this_commune_appoints_and_shifts(small, official, chair, other_commune):
    for actor in (official, village_head(small), official_of(small.commune, Role.FRONT_OFFICER)):
        with pytest.raises(PermissionDenied):
            office.interim_appoint(actor=actor, village=small, name="Tạm", started_on=_today())
    stranger = official_of(other_commune, Role.COMMUNE_CHAIR)
    with pytest.raises(NotFound):
        office.interim_appoint(actor=stranger, village=small, name="Tạm", started_on=_today())
    term = elect(official, chair, small, _today() - _days(20))
    with pytest.raises(NotFound):
        office.term_end_shift(actor=stranger, term=term, planned_end_on=term.planned_end_on)
    with pytest.raises(PermissionDenied):
        office.term_end_shift(actor=official, term=term, planned_end_on=term.planned_end_on)
    assert not VillageHeadTerm.objects.filter(kind=Kind.INTERIM).exists()


def test_the_public_list_has_every_village_in_two_queries(
    small, commune, official, chair, django_assert_num_queries
):
    elect(official, chair, small, _today() - _days(20))
    make_village(commune)
    with django_assert_num_queries(2):
        rows = office.heads_public(commune)
    assert [r["term"] is not None for r in rows].count(True) == 1
    assert len(rows) == 2
