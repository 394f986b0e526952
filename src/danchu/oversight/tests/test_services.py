"""The oversight services: board composition, works, board work, the 15-day answer clock."""

from __future__ import annotations

import datetime

import pytest

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.notifications.models import Notification
from danchu.oversight import services
from danchu.oversight.models import Recommendation, SupervisedWork
from danchu.oversight.tests import factories as f

D = datetime.date


@pytest.fixture
def who(commune):
    return f.people(commune)


def _codes(excinfo) -> set[str]:
    return set(excinfo.value.fields)


# --- People's Inspection Board ---------------------------------------------------------------


def test_a_board_of_five_villages_is_recognised(commune, who):
    built = f.elected_board(commune, who.front, f.villages(commune, 5))
    built.board.refresh_from_db()
    assert built.board.recognised_on == f.TERM_START
    assert all(m.front_recognised_on == f.TERM_START for m in built.board.members.all())
    assert AuditEntry.objects.filter(action="oversight.inspection_board.recognise").exists()


def test_four_members_are_not_recognised(commune, who):
    seats = f.villages(commune, 4)
    built = f.elected_board(commune, who.front, seats, recognise=False)
    with pytest.raises(ValidationFailed) as excinfo:
        services.inspection_board_recognise(
            actor=who.front, board=built.board, recognised_on=f.TERM_START, reference="QĐ"
        )
    assert excinfo.value.code == "composition"


def test_every_village_must_have_a_seat(commune, who):
    seats = f.villages(commune, 6)
    built = f.elected_board(commune, who.front, seats[:5], recognise=False)
    with pytest.raises(ValidationFailed):
        services.inspection_board_recognise(
            actor=who.front, board=built.board, recognised_on=f.TERM_START, reference="QĐ"
        )
    services.inspection_member_elect(
        actor=who.front, board=built.board, resident=f.resident_of(seats[5]), village=seats[5],
        elected_on=f.TERM_START,
    )  # fmt: skip
    services.inspection_board_recognise(
        actor=who.front, board=built.board, recognised_on=f.TERM_START, reference="QĐ"
    )


def test_fewer_than_five_villages_elect_at_most_five(commune, who):
    seats = f.villages(commune, 3)
    built = f.elected_board(commune, who.front, [*seats, seats[0], seats[1]])
    with pytest.raises(ValidationFailed):
        services.inspection_member_elect(
            actor=who.front, board=built.board, resident=f.resident_of(seats[2]),
            village=seats[2], elected_on=f.TERM_START,
        )  # fmt: skip


def test_at_most_two_deputies_and_one_head(commune, who):
    built = f.elected_board(commune, who.front, f.villages(commune, 5))
    third = built.members[2]
    services.inspection_member_position_set(actor=who.front, member=third, position="deputy")
    with pytest.raises(ValidationFailed):
        services.inspection_member_position_set(
            actor=who.front, member=built.members[3], position="deputy"
        )
    with pytest.raises(ValidationFailed):
        services.inspection_member_position_set(
            actor=who.front, member=built.members[3], position="head"
        )


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICIAL, Role.COMMUNE_CHAIR, Role.VILLAGE_HEAD])
def test_a_commune_official_cannot_be_a_member(commune, who, role):
    village = f.villages(commune, 1)[0]
    board = services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=f.TERM_START, term_ends_on=f.TERM_END
    )
    resident = f.resident_of(village)
    user = UserFactory(resident=resident)
    RoleAssignmentFactory(
        user=user, commune=commune, role=role,
        village=village if role == Role.VILLAGE_HEAD else None,
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as excinfo:
        services.inspection_member_elect(
            actor=who.front, board=board, resident=resident, village=village,
            elected_on=f.TERM_START,
        )  # fmt: skip
    assert excinfo.value.code == "ineligible"


def test_a_former_official_is_eligible(commune, who):
    village = f.villages(commune, 1)[0]
    board = services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=f.TERM_START, term_ends_on=f.TERM_END
    )
    resident = f.resident_of(village)
    user = UserFactory(resident=resident)
    RoleAssignmentFactory(
        user=user, commune=commune, role=Role.COMMUNE_OFFICIAL,
        valid_from=D(2020, 1, 1), valid_to=D(2025, 6, 30),
    )  # fmt: skip
    services.inspection_member_elect(
        actor=who.front, board=board, resident=resident, village=village, elected_on=f.TERM_START
    )


def test_a_member_is_elected_by_their_own_village(commune, who):
    a, b = f.villages(commune, 2)
    board = services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=f.TERM_START, term_ends_on=f.TERM_END
    )
    with pytest.raises(ValidationFailed) as excinfo:
        services.inspection_member_elect(
            actor=who.front, board=board, resident=f.resident_of(a), village=b,
            elected_on=f.TERM_START,
        )  # fmt: skip
    assert "resident" in _codes(excinfo)


@pytest.mark.parametrize(
    ("left_on", "required"),
    [(D(2030, 4, 1), True), (D(2030, 4, 2), False)],  # the term ends on 1 Oct 2030
)
def test_vacancy_by_election_boundary(commune, who, left_on, required):
    seats = f.villages(commune, 5)
    built = f.elected_board(commune, who.front, seats)
    member = services.inspection_member_leave(
        actor=who.front, member=built.members[4], left_on=left_on, reason="chuyển nơi ở"
    )
    assert member.by_election_required is required
    elect = {
        "actor": who.front, "board": built.board, "resident": f.resident_of(seats[4]),
        "village": seats[4], "elected_on": left_on, "by_election": True,
    }  # fmt: skip
    if required:
        new = services.inspection_member_elect(**elect)
        assert new.by_election
        member.refresh_from_db()
        assert not member.by_election_required  # the vacancy is filled once
    else:
        with pytest.raises(ValidationFailed) as excinfo:
            services.inspection_member_elect(**elect)
        assert excinfo.value.code == "no_vacancy"


def test_only_the_front_composes_the_board(commune, who):
    with pytest.raises(PermissionDenied):
        services.inspection_board_create(
            actor=who.official, commune=commune, term_starts_on=f.TERM_START,
            term_ends_on=f.TERM_END,
        )  # fmt: skip


def test_another_communes_front_sees_nothing(commune, other_commune, who):
    stranger = f.person(other_commune, Role.FRONT_OFFICER)
    with pytest.raises(NotFound):
        services.inspection_board_create(
            actor=stranger, commune=commune, term_starts_on=f.TERM_START,
            term_ends_on=f.TERM_END,
        )  # fmt: skip


# --- Supervised works and their boards -------------------------------------------------------


def test_sources_add_up_to_the_budget(commune, who):
    with pytest.raises(ValidationFailed) as excinfo:
        services.supervised_work_create(
            actor=who.official, commune=commune, name="Nhà văn hóa", investor="UBND xã",
            budget_vnd=1_000, starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 1),
            sources=[("commune_budget", 600), ("community_contributions", 399)],
        )  # fmt: skip
    assert "sources" in _codes(excinfo)
    built = services.supervised_work_create(
        actor=who.official, commune=commune, name="Nhà văn hóa", investor="UBND xã",
        budget_vnd=1_000, starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 1),
        sources=[("commune_budget", 600), ("community_contributions", 400)],
    )  # fmt: skip
    assert sorted(built.sources.values_list("amount_vnd", flat=True)) == [400, 600]


def test_a_member_without_the_no_relatives_declaration_is_refused(commune, who):
    built = f.work(commune, who.official, f.villages(commune, 1))
    with pytest.raises(ValidationFailed) as excinfo:
        services.supervision_member_add(
            actor=who.front, work=built, full_name="A", represents="front",
            no_relatives_declared_on=None,
        )  # fmt: skip
    assert "no_relatives_declared_on" in _codes(excinfo)


def test_a_residents_member_comes_from_an_affected_village(commune, who):
    affected, elsewhere = f.villages(commune, 2)
    built = f.work(commune, who.official, [affected])
    with pytest.raises(ValidationFailed):
        services.supervision_member_add(
            actor=who.front, work=built, full_name="A", represents="resident",
            village=elsewhere, no_relatives_declared_on=D(2026, 8, 1),
        )  # fmt: skip


def test_the_plan_needs_a_lawful_board_and_45_days(commune, who):
    affected = f.villages(commune, 1)
    built = f.work(commune, who.official, affected)
    start = D(2026, 9, 1)
    with pytest.raises(ValidationFailed) as excinfo:
        services.supervision_plan_send(
            actor=who.front, work=built, sent_on=D(2026, 7, 1), supervision_starts_on=start
        )
    assert excinfo.value.code == "composition"  # no members yet
    f.staffed_board(built, who.front, affected[0])
    with pytest.raises(ValidationFailed) as excinfo:
        services.supervision_plan_send(
            actor=who.front, work=built, sent_on=D(2026, 7, 19), supervision_starts_on=start
        )  # 44 days
    assert excinfo.value.code == "too_late"
    sent = services.supervision_plan_send(
        actor=who.front, work=built, sent_on=D(2026, 7, 18), supervision_starts_on=start
    )  # 45 days
    assert sent.plan_sent_on == D(2026, 7, 18)
    assert sent.supervision_board.established_on == D(2026, 7, 18)


def test_the_board_dissolves_when_the_work_ends(commune, who):
    built = f.supervised(commune, who)
    services.supervised_work_complete(actor=who.official, work=built, completed_on=D(2027, 3, 1))
    built.refresh_from_db()
    assert built.status == SupervisedWork.Status.COMPLETED
    assert built.supervision_board.dissolved_on == D(2027, 3, 1)
    with pytest.raises(services.WrongState):
        services.supervision_member_add(
            actor=who.front, work=built, full_name="B", represents="front",
            no_relatives_declared_on=D(2027, 3, 2),
        )  # fmt: skip


def test_investor_documents_are_requested_and_received(commune, who):
    built = f.supervised(commune, who)
    document = services.investor_document_request(
        actor=who.supervisor, work=built, kind="investment_decision", requested_on=D(2026, 9, 2)
    )
    with pytest.raises(ValidationFailed):
        services.investor_document_receive(
            actor=who.supervisor, document=document, received_on=D(2026, 9, 1)
        )
    services.investor_document_receive(
        actor=who.supervisor, document=document, received_on=D(2026, 9, 5), reference="QĐ 12"
    )
    assert built.documents.get().received_on == D(2026, 9, 5)


# --- Board work ------------------------------------------------------------------------------


def test_plans_per_quarter_half_year_and_year(commune, who):
    for period, number in (("quarter", 4), ("half_year", 2), ("year", 1)):
        services.board_plan_create(
            actor=who.inspector, commune=commune, board_kind="inspection", period=period,
            year=2026, number=number, content="Kiểm tra việc thu chi quỹ",
        )  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.board_plan_create(
            actor=who.inspector, commune=commune, board_kind="inspection", period="quarter",
            year=2026, number=5, content="x",
        )  # fmt: skip


def test_inspection_notified_five_working_days_ahead(commune, who):
    kwargs = {
        "actor": who.inspector, "commune": commune, "board_kind": "inspection",
        "subject": "Thu chi quỹ", "inspected_party": "UBND xã", "notified_on": f.MONDAY,
    }  # fmt: skip
    with pytest.raises(ValidationFailed) as excinfo:
        services.inspection_plan(starts_on=D(2026, 11, 6), **kwargs)
    assert excinfo.value.code == "too_late"
    inspection = services.inspection_plan(starts_on=D(2026, 11, 9), **kwargs)
    recorded = services.inspection_record(
        actor=who.inspector, inspection=inspection, carried_out_on=D(2026, 11, 9),
        findings="Sổ sách đầy đủ",
        checklist=[
            {"item": "Sổ quỹ", "ok": True}, {"item": "Chứng từ", "ok": False, "note": "thiếu"},
        ],
    )  # fmt: skip
    assert recorded.status == "done"
    assert recorded.checklist[1] == {"item": "Chứng từ", "ok": False, "note": "thiếu"}


def test_a_malformed_checklist_is_a_field_error(commune, who):
    inspection = services.inspection_plan(
        actor=who.inspector, commune=commune, board_kind="inspection", subject="s",
        inspected_party="p", notified_on=f.MONDAY, starts_on=D(2026, 11, 9),
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as excinfo:
        services.inspection_record(
            actor=who.inspector, inspection=inspection, carried_out_on=D(2026, 11, 9),
            findings="f", checklist=[{"item": "x", "ok": "yes"}],
        )  # fmt: skip
    assert "checklist" in _codes(excinfo)


def test_officials_cannot_do_the_boards_work(commune, who):
    with pytest.raises(PermissionDenied):
        services.board_plan_create(
            actor=who.official, commune=commune, board_kind="inspection", period="year",
            year=2026, number=1, content="x",
        )  # fmt: skip


# --- Recommendations and the 15-day clock ----------------------------------------------------


def _recommend(commune, who, *, votes_for=3, received_on=f.MONDAY, suspend=False, work=None):
    return services.recommendation_make(
        actor=who.supervisor if work else who.inspector, commune=commune,
        board_kind="supervision" if work else "inspection", content="Đề nghị kiểm tra lại",
        votes_for=votes_for, received_on=received_on, work=work, suspend_works=suspend,
    )  # fmt: skip


def test_recommendation_needs_more_than_half_of_the_board(commune, who):
    f.elected_board(commune, who.front, f.villages(commune, 6))
    with pytest.raises(ValidationFailed) as excinfo:
        _recommend(commune, who, votes_for=3)  # exactly half of six
    assert excinfo.value.code == "no_majority"
    made = _recommend(commune, who, votes_for=4)
    assert (made.votes_for, made.members_total) == (4, 6)
    assert made.due_on == D(2026, 11, 17)


def test_no_recommendation_without_a_recognised_board(commune, who):
    f.elected_board(commune, who.front, f.villages(commune, 5), recognise=False)
    with pytest.raises(ValidationFailed) as excinfo:
        _recommend(commune, who)
    assert excinfo.value.code == "no_board"


def test_a_suspension_reaches_the_chair_at_once(commune, who):
    built = f.supervised(commune, who)
    made = _recommend(commune, who, work=built, suspend=True, received_on=D(2026, 9, 10))
    keys = set(Notification.objects.filter(recipient=who.chair).values_list("event_key", flat=True))
    assert f"oversight:recommendation:{made.pk}:suspend" in keys
    assert f"oversight:recommendation:{made.pk}:received" in keys
    # Officials hear of the recommendation, but the urgent notice is the chair's.
    official_keys = set(
        Notification.objects.filter(recipient=who.official).values_list("event_key", flat=True)
    )
    assert f"oversight:recommendation:{made.pk}:suspend" not in official_keys


def test_answer_on_the_due_day_is_in_time_and_after_is_late(commune, who):
    f.elected_board(commune, who.front, f.villages(commune, 5))
    first, second = _recommend(commune, who), _recommend(commune, who)
    on_time = services.recommendation_answer(
        actor=who.chair, recommendation=first, answer="Đã xử lý", answered_on=first.due_on
    )
    late = services.recommendation_answer(
        actor=who.chair, recommendation=second, answer="Đã xử lý",
        answered_on=second.due_on + datetime.timedelta(days=1),
    )  # fmt: skip
    assert on_time.answered_in_time is True
    assert late.answered_in_time is False
    with pytest.raises(services.WrongState):
        services.recommendation_answer(
            actor=who.chair, recommendation=first, answer="lần 2", answered_on=first.due_on
        )


def test_boards_do_not_answer_and_officials_do_not_close(commune, who):
    f.elected_board(commune, who.front, f.villages(commune, 5))
    made = _recommend(commune, who)
    with pytest.raises(PermissionDenied):
        services.recommendation_answer(
            actor=who.inspector, recommendation=made, answer="x", answered_on=f.MONDAY
        )
    services.recommendation_answer(
        actor=who.official, recommendation=made, answer="x", answered_on=f.MONDAY
    )
    with pytest.raises(PermissionDenied):
        services.recommendation_close(
            actor=who.official, recommendation=made, follow_up="x", closed_on=f.MONDAY
        )
    closed = services.recommendation_close(
        actor=who.inspector, recommendation=made, follow_up="Đã kiểm tra lại", closed_on=f.MONDAY
    )
    assert closed.status == Recommendation.Status.CLOSED


def test_only_an_answered_recommendation_can_be_closed(commune, who):
    f.elected_board(commune, who.front, f.villages(commune, 5))
    made = _recommend(commune, who)
    with pytest.raises(services.WrongState):
        services.recommendation_close(
            actor=who.inspector, recommendation=made, follow_up="x", closed_on=f.MONDAY
        )


def test_sweep_reminds_then_escalates_to_the_front_once(commune, who):
    f.elected_board(commune, who.front, f.villages(commune, 5))
    made = _recommend(commune, who)  # due Tuesday 17 Nov 2026
    assert services.recommendations_sweep(today=D(2026, 11, 13)).reminded == 0  # 4 days before
    assert services.recommendations_sweep(today=D(2026, 11, 14)).reminded == 1  # 3 days before
    assert services.recommendations_sweep(today=D(2026, 11, 15)).reminded == 0
    assert services.recommendations_sweep(today=D(2026, 11, 17)).escalated == 0  # the due day
    assert services.recommendations_sweep(today=D(2026, 11, 18)).escalated == 1
    assert services.recommendations_sweep(today=D(2026, 11, 19)).escalated == 0
    front_keys = set(
        Notification.objects.filter(recipient=who.front).values_list("event_key", flat=True)
    )
    assert front_keys == {f"oversight:recommendation:{made.pk}:overdue"}
    reminded = Notification.objects.filter(
        recipient=who.official, event_key=f"oversight:recommendation:{made.pk}:reminder"
    )
    assert reminded.exists()


def test_an_answered_recommendation_is_not_escalated(commune, who):
    f.elected_board(commune, who.front, f.villages(commune, 5))
    made = _recommend(commune, who)
    services.recommendation_answer(
        actor=who.chair, recommendation=made, answer="x", answered_on=f.MONDAY
    )
    assert services.recommendations_sweep(today=D(2026, 12, 1)).escalated == 0


# --- Concerns --------------------------------------------------------------------------------


def test_a_concern_keeps_the_sender_out_of_the_audit_trail(commune, who):
    concern = services.concern_submit(
        commune=commune, board_kind="inspection", message="Đường làm ẩu",
        wants_verification=True, sender_name="Nguyễn Văn B", sender_contact="0912345678",
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="oversight.concern.submit")
    assert "0912345678" not in str(entry.after)
    assert "Nguyễn Văn B" not in str(entry.after)
    services.concern_handle(actor=who.inspector, concern=concern, reply="Đã xác minh")


def test_verification_needs_a_way_to_answer(commune):
    with pytest.raises(ValidationFailed) as excinfo:
        services.concern_submit(
            commune=commune, board_kind="inspection", message="m", wants_verification=True
        )
    assert "sender_contact" in _codes(excinfo)


def test_the_sweep_command_runs(commune, who):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("oversight_sweep", stdout=out)
    assert "Reminded 0, escalated 0." in out.getvalue()
