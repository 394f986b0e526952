"""Board members seated from their village's recognised election (issue 4).

Law 10/2022 Art. 15(5) (the village elects its board members at a community meeting), 21(1)
(more than half of all households), 21(2) (in force from the commune Fatherland Front's
recognition), 36(1)–(2) (one seat per village, the term is the village heads'; a by-election
fills a vacancy), 37 (eligibility).
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.api.tests.helpers import auth, token_for
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import elections, recognition
from danchu.decisions import selectors as decisions_selectors
from danchu.decisions import services as decisions
from danchu.decisions.models import MatterVillage, Option
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
from danchu.oversight import selectors, services
from danchu.oversight.models import InspectionBoardMember
from danchu.oversight.tests import factories as f
from danchu.territory.tests.factories import ResidentFactory
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db
D = datetime.date
# Friday 24 April 2026 (the meeting); sent Tuesday 28, recognised Wednesday 29 April.
HELD = D(2026, 4, 24)
SENT = D(2026, 4, 28)
RECOGNISED = D(2026, 4, 29)
AN, BINH, CUONG = "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"


@pytest.fixture
def who(commune):
    return f.people(commune)


def _election(official, front, village, *, counts=(4, 3, 1), recognise=True, send=True):
    """A two-seat board election at ``village``'s meeting (5 households, all present), closed,
    sent to the commune and recognised by the Front: An and Bình pass with the default counts."""
    matter = make_matter(
        official, [village], MatterType.BOARD_MEMBERS, candidates=[AN, BINH, CUONG]
    )
    elections.board_seats_set(actor=official, matter_village=matter_village(matter), seats=2)
    open_meeting(official, matter, notice_on=HELD - datetime.timedelta(days=10), held_on=HELD)
    mv = matter_village(matter)
    decisions.meeting_attendance_record(
        actor=official, matter_village=mv, household_ids=[h.pk for h in households_of(village)]
    )
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    decisions.meeting_result_record(
        actor=official, matter_village=mv,
        counts={o.pk: n for o, n in zip(options, counts, strict=True)},
    )  # fmt: skip
    decisions.matter_close(actor=official, matter=matter)
    mv = matter_village(matter)
    if send:
        mv = recognition.decision_send(actor=official, matter_village=mv, sent_on=SENT)
    if recognise:
        mv = recognition.decision_recognise(actor=front, matter_village=mv, on=RECOGNISED)
    return mv, options


@pytest.fixture
def village(commune):
    return make_village(commune, households=5)


@pytest.fixture
def people_of(village):
    """The residents An and Bình of the village, and a namesake of An in another household."""
    homes = households_of(village)
    return {
        "an": ResidentFactory(household=homes[0], full_name=AN),
        "binh": ResidentFactory(household=homes[1], full_name=BINH),
        "other": ResidentFactory(household=homes[2], full_name="Phạm Văn Khác"),
    }


@pytest.fixture
def board(commune, who):
    return services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=f.TERM_START, term_ends_on=f.TERM_END
    )


@pytest.fixture
def election(official, who, village):
    return _election(official, who.front, village)


def _seat(actor, commune, board, mv, options, residents):
    return services.inspection_members_seat_from_election(
        actor=actor, commune=commune, board=board, matter_village=mv,
        residents={o.pk: r.pk for o, r in zip(options, residents, strict=False)},
    )  # fmt: skip


def _refused(excinfo):
    return excinfo.value.code, set(excinfo.value.fields)


def test_the_decisions_read_names_the_elected_only_once_recognised(official, who, village):
    mv, (an, binh, _cuong) = _election(official, who.front, village, recognise=False)
    pending = decisions_selectors.board_election(mv)
    assert (pending.decided_on, pending.recognised_on, pending.elected) == (HELD, None, [])
    mv = recognition.decision_recognise(actor=who.front, matter_village=mv, on=RECOGNISED)
    recognised = decisions_selectors.board_election(mv)
    assert recognised.elected == [an, binh]  # best first; Cường's 1 of 5 does not pass
    assert recognised.recognised_on == RECOGNISED


# --- the service --------------------------------------------------------------------------------


def test_the_front_seats_each_elected_candidate_until_the_board_term_ends(
    commune, who, board, election, people_of
):
    mv, (an, binh, _cuong) = election
    members = _seat(who.front, commune, board, mv, [an, binh], [people_of["an"], people_of["binh"]])
    assert [m.resident for m in members] == [people_of["an"], people_of["binh"]]
    for member in members:
        member.refresh_from_db()
        assert member.board == board
        assert member.village_id == mv.village_id
        assert member.elected_on == HELD  # the decision day (the meeting)
        assert member.election_matter_id == mv.matter_id
        assert member.front_recognised_on == RECOGNISED
        assert member.term_ends_on == f.TERM_END  # Art. 36(2): the board's term
        assert member.by_election is False  # no vacancy of the village awaited a by-election
    entries = list(
        AuditEntry.objects.filter(action="oversight.inspection_member.seat_from_election").order_by(
            "id"
        )
    )
    assert len(entries) == 2
    assert entries[0].actor_id == who.front.pk
    assert entries[0].commune_id == commune.pk
    assert entries[0].after["matter_village"] == mv.pk
    assert entries[0].after["candidate"] == an.pk
    assert entries[0].after["resident"] == people_of["an"].pk
    assert entries[0].after["term_ends_on"] == f.TERM_END.isoformat()
    assert entries[0].after["front_recognised_on"] == RECOGNISED.isoformat()


def test_the_chair_entering_the_fronts_decision_may_seat_them(
    commune, who, board, election, people_of
):
    mv, (an, binh, _cuong) = election
    members = _seat(who.chair, commune, board, mv, [an, binh], [people_of["an"], people_of["binh"]])
    assert len(members) == 2


@pytest.mark.parametrize("role", ["village_head", "official", "inspector"])
def test_who_may_not_seat_them_is_refused(commune, who, board, election, people_of, role):
    mv, (an, binh, _cuong) = election
    actor = {
        "village_head": village_head(mv.village),
        "official": who.official,
        "inspector": who.inspector,
    }[role]
    with pytest.raises(PermissionDenied):
        _seat(actor, commune, board, mv, [an, binh], [people_of["an"], people_of["binh"]])
    assert not InspectionBoardMember.objects.exists()


@pytest.mark.parametrize("role", [Role.FRONT_OFFICER, Role.COMMUNE_CHAIR])
def test_another_communes_front_or_chair_gets_not_found(
    commune, other_commune, board, election, people_of, role
):
    mv, (an, binh, _cuong) = election
    with pytest.raises(NotFound):
        _seat(
            official_of(other_commune, role), commune, board, mv, [an, binh],
            [people_of["an"], people_of["binh"]],
        )  # fmt: skip
    with pytest.raises(NotFound):  # nor through its own commune, naming this board
        _seat(
            official_of(other_commune, role), other_commune, board, mv, [an, binh],
            [people_of["an"], people_of["binh"]],
        )  # fmt: skip


def test_an_election_not_yet_recognised_is_refused(commune, official, who, board, village):
    mv, (an, binh, _cuong) = _election(official, who.front, village, recognise=False)
    residents = [ResidentFactory(household=households_of(village)[0], full_name=AN)]
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, board, mv, [an], residents)
    assert _refused(excinfo) == ("not_recognised", {"matter_village"})
    recognition.decision_refuse(actor=who.front, matter_village=mv, on=RECOGNISED, reasons="Sai")
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, board, mv, [an], residents)
    assert _refused(excinfo) == ("not_recognised", {"matter_village"})
    # Recognised the day after: the same call seats An and Bình.
    MatterVillage.objects.filter(pk=mv.pk).update(recognition="recognised")
    binh_resident = ResidentFactory(household=households_of(village)[1], full_name=BINH)
    assert len(_seat(who.front, commune, board, mv, [an, binh], [residents[0], binh_resident])) == 2


def test_a_vote_that_elected_nobody_is_refused(commune, official, who, board, village):
    # 3 of 5 households elect (Art. 21(1)); 2 (not more than half) elect nobody.
    mv, (an, _binh, _cuong) = _election(
        official, who.front, village, counts=(2, 2, 1), recognise=False
    )
    assert mv.adopted is False
    # A recognised record of a vote that elected nobody (the recognition refuses it today).
    MatterVillage.objects.filter(pk=mv.pk).update(recognition="recognised", recognition_on=SENT)
    resident = ResidentFactory(household=households_of(village)[0], full_name=AN)
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, board, mv, [an], [resident])
    assert _refused(excinfo) == ("not_adopted", {"matter_village"})


def test_an_election_is_seated_once(commune, who, board, election, people_of):
    mv, (an, binh, _cuong) = election
    pair = [people_of["an"], people_of["binh"]]
    assert [e.matter_village for e in selectors.board_elections_to_seat(commune, board)] == [mv]
    _seat(who.front, commune, board, mv, [an, binh], pair)
    assert selectors.board_elections_to_seat(commune, board) == []
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, board, mv, [an, binh], pair)
    assert _refused(excinfo) == ("already_seated", {"matter_village"})
    assert InspectionBoardMember.objects.count() == 2


def test_another_communes_or_another_kind_of_decision_is_refused(
    commune, other_commune, official, who, board, people_of
):
    theirs = make_village(other_commune, households=5)
    their_official = official_of(other_commune)
    mv, (an, _binh, _cuong) = _election(
        their_official, official_of(other_commune, Role.FRONT_OFFICER), theirs
    )
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, board, mv, [an], [people_of["an"]])
    assert _refused(excinfo) == ("not_board_election", {"matter_village"})
    with pytest.raises(ValidationFailed) as excinfo:  # a matter village that does not exist
        services.inspection_members_seat_from_election(
            actor=who.front, commune=commune, board=board, matter_village=2**31 - 1, residents={}
        )
    assert _refused(excinfo) == ("not_board_election", {"matter_village"})


def test_without_a_current_board_or_on_an_ended_one_nobody_is_seated(
    commune, who, election, people_of
):
    mv, (an, binh, _cuong) = election
    pair = [people_of["an"], people_of["binh"]]
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, None, mv, [an, binh], pair)
    assert _refused(excinfo) == ("no_board", {"board"})
    ended = services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=D(2021, 1, 1), term_ends_on=D(2026, 1, 1)
    )
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, ended, mv, [an, binh], pair)
    assert _refused(excinfo) == ("board_ended", {"board"})


def test_an_election_before_the_boards_term_is_refused(commune, who, election, people_of):
    mv, (an, binh, _cuong) = election
    later = services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=HELD + datetime.timedelta(days=1),
        term_ends_on=f.TERM_END,
    )  # fmt: skip
    assert selectors.board_elections_to_seat(commune, later) == []
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, later, mv, [an, binh], [people_of["an"], people_of["binh"]])
    assert set(excinfo.value.fields) == {"matter_village"}


def test_each_elected_candidate_needs_a_different_resident_of_the_village(
    commune, who, board, election, people_of
):
    mv, (an, binh, cuong) = election
    elsewhere = f.resident_of(make_village(commune))
    cases = [
        ({an.pk: people_of["an"].pk}, {f"resident_{binh.pk}"}),  # Bình not identified
        ({an.pk: people_of["an"].pk, binh.pk: elsewhere.pk}, {f"resident_{binh.pk}"}),
        ({an.pk: people_of["an"].pk, binh.pk: people_of["an"].pk}, {f"resident_{binh.pk}"}),
        (
            {an.pk: people_of["an"].pk, binh.pk: people_of["binh"].pk, cuong.pk: 1},
            {"residents"},  # Cường was not elected
        ),
    ]
    for residents, fields in cases:
        with pytest.raises(ValidationFailed) as excinfo:
            services.inspection_members_seat_from_election(
                actor=who.front, commune=commune, board=board, matter_village=mv,
                residents=residents,
            )  # fmt: skip
        assert set(excinfo.value.fields) == fields
    assert not InspectionBoardMember.objects.exists()


def test_an_ineligible_candidate_seats_nobody_of_the_election(
    commune, who, board, election, people_of
):
    mv, (an, binh, _cuong) = election
    # Law 10/2022 Art. 37: Bình is a commune official on the election day.
    user = UserFactory(resident=people_of["binh"])
    RoleAssignmentFactory(user=user, commune=commune, role=Role.COMMUNE_OFFICIAL)
    with pytest.raises(ValidationFailed) as excinfo:
        _seat(who.front, commune, board, mv, [an, binh], [people_of["an"], people_of["binh"]])
    assert _refused(excinfo) == ("ineligible", {f"resident_{binh.pk}"})
    assert not InspectionBoardMember.objects.exists()  # An was not seated alone either


def _vacancy(commune, who, starts_on, village):
    """A board whose term starts on ``starts_on``; the village's member left that day."""
    board = services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=starts_on, term_ends_on=f.TERM_END
    )
    member = services.inspection_member_elect(
        actor=who.front, board=board, resident=f.resident_of(village), village=village,
        elected_on=starts_on,
    )  # fmt: skip
    services.inspection_member_leave(
        actor=who.front, member=member, left_on=starts_on, reason="Chuyển đi nơi khác"
    )
    return board


@pytest.mark.parametrize(
    ("starts_on", "by_election"),
    [(HELD, False), (HELD - datetime.timedelta(days=1), True)],
)
def test_a_by_election_when_the_term_had_started_before_the_election(
    commune, who, election, people_of, starts_on, by_election
):
    mv, (an, binh, _cuong) = election
    board = _vacancy(commune, who, starts_on, mv.village)
    members = _seat(who.front, commune, board, mv, [an, binh], [people_of["an"], people_of["binh"]])
    # One vacancy: the best elected fills it; the other takes a seat of its own.
    assert [m.by_election for m in members] == [by_election, False]
    vacancy = board.members.get(left_on__isnull=False)
    assert vacancy.by_election_required is not by_election
    entry = AuditEntry.objects.filter(action="oversight.inspection_member.seat_from_election")
    assert entry.order_by("id").first().after["by_election"] is by_election


def test_the_boards_recognition_keeps_the_elections_recognition_day(
    commune, who, board, election, people_of
):
    mv, (an, binh, _cuong) = election
    _seat(who.front, commune, board, mv, [an, binh], [people_of["an"], people_of["binh"]])
    for village in f.villages(commune, 3):
        services.inspection_member_elect(
            actor=who.front, board=board, resident=f.resident_of(village), village=village,
            elected_on=f.TERM_START,
        )  # fmt: skip
    head = board.members.order_by("id").first()
    services.inspection_member_position_set(actor=who.front, member=head, position="head")
    services.inspection_board_recognise(
        actor=who.front, board=board, recognised_on=D(2026, 5, 4), reference="QĐ 9/MTTQ"
    )
    days = dict(board.members.values_list("full_name", "front_recognised_on"))
    assert days[AN] == RECOGNISED
    assert days[BINH] == RECOGNISED
    assert sorted(set(days.values())) == [RECOGNISED, D(2026, 5, 4)]


def test_a_member_of_an_ended_board_does_not_sit_on_the_next(commune, who, village, people_of):
    old = services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=D(2020, 10, 1), term_ends_on=f.TERM_START
    )
    services.inspection_member_elect(
        actor=who.front, board=old, resident=people_of["an"], village=village,
        elected_on=D(2020, 10, 1),
    )  # fmt: skip
    new = services.inspection_board_create(
        actor=who.front, commune=commune, term_starts_on=f.TERM_START, term_ends_on=f.TERM_END
    )
    # The seat ended with the old term (Art. 36(2)), though nobody recorded a departure.
    assert old.members.get().term_ends_on == f.TERM_START
    assert list(selectors.inspection_members_sitting(commune, D(2025, 9, 30))) == [
        old.members.get()
    ]
    assert not selectors.inspection_members_sitting(commune, f.TERM_START).exists()
    # Re-elected by the village for the new term: a seat of its own, not "already sitting".
    mv, (an, binh, _cuong) = _election(official_of(commune), who.front, village)
    members = _seat(who.front, commune, new, mv, [an, binh], [people_of["an"], people_of["binh"]])
    sitting = selectors.inspection_members_sitting(commune, D(2026, 5, 1))
    assert set(sitting) == set(members)
    assert selectors.inspection_board_current(commune).members.count() == 2


# --- the Front's page ----------------------------------------------------------------------------


def _page(commune):
    return reverse("oversight:bo_board", args=[commune.code])


def test_the_front_seats_the_elected_from_the_board_page(
    client, commune, who, board, election, people_of
):
    mv, (an, binh, _cuong) = election
    client.force_login(who.front)
    listing = client.get(_page(commune)).content.decode()
    assert f"?election={mv.pk}" in listing
    assert_accessible(listing)
    url = f"{_page(commune)}?election={mv.pk}"
    form = client.get(url).content.decode()
    assert_accessible(form)
    assert f'name="resident_{an.pk}"' in form
    assert f'name="resident_{binh.pk}"' in form
    # The only resident named like the candidate is preselected.
    assert f'<option value="{people_of["an"].pk}" selected>' in form
    wrong = {"form": "seat", f"resident_{an.pk}": people_of["an"].pk,
             f"resident_{binh.pk}": people_of["an"].pk}  # fmt: skip
    refused = client.post(url, wrong)
    assert refused.status_code == 400
    assert not InspectionBoardMember.objects.exists()
    right = {**wrong, f"resident_{binh.pk}": people_of["binh"].pk}
    assert client.post(url, right).status_code == 302
    assert InspectionBoardMember.objects.filter(election_matter=mv.matter).count() == 2
    page = client.get(_page(commune)).content.decode()
    assert f"?election={mv.pk}" not in page  # seated: no longer awaiting
    assert page.count(f"{f.TERM_END:%d/%m/%Y}") >= 3  # the term, and each seat's end
    assert f"{RECOGNISED:%d/%m/%Y}" in page


def test_the_chair_may_seat_and_the_village_head_may_not_open_the_page(
    client, commune, other_commune, who, board, election, people_of
):
    mv, (an, binh, _cuong) = election
    url = f"{_page(commune)}?election={mv.pk}"
    client.force_login(village_head(mv.village))
    assert client.get(url).status_code == 403
    client.force_login(who.official)  # reads the board, does not seat
    assert f"?election={mv.pk}" not in client.get(_page(commune)).content.decode()
    body = {"form": "seat", f"resident_{an.pk}": people_of["an"].pk,
            f"resident_{binh.pk}": people_of["binh"].pk}  # fmt: skip
    assert client.post(url, body).status_code == 403
    client.force_login(official_of(other_commune, Role.FRONT_OFFICER))
    assert client.get(url).status_code == 404
    assert client.post(url, body).status_code == 404
    client.force_login(who.chair)
    assert client.post(url, body).status_code == 302
    assert InspectionBoardMember.objects.count() == 2


def test_the_page_queries_do_not_grow_with_the_elections(client, commune, official, who, board):
    client.force_login(who.front)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_page(commune)).status_code == 200
        return len(queries)

    _election(official, who.front, make_village(commune, households=5))
    one = count()
    for _ in range(2):
        _election(official, who.front, make_village(commune, households=5))
    assert len(selectors.board_elections_to_seat(commune, board)) == 3
    assert count() == one


# --- the API ------------------------------------------------------------------------------------


def _post(client, user, board_id, body):
    headers = auth(token_for(user)) if user is not None else {}
    return client.post(
        f"/api/v1/inspection-boards/{board_id}/members/from-election", json.dumps(body),
        content_type="application/json", **headers,
    )  # fmt: skip


def _body(mv, options, residents):
    return {
        "matter_village_id": mv.pk,
        "seats": [
            {"candidate_id": o.pk, "resident_id": r.pk}
            for o, r in zip(options, residents, strict=True)
        ],
    }


def test_the_api_seats_the_elected(client, commune, who, board, election, people_of):
    mv, (an, binh, _cuong) = election
    body = _body(mv, [an, binh], [people_of["an"], people_of["binh"]])
    response = _post(client, who.front, board.pk, body)
    assert response.status_code == 201, response.content
    seats = response.json()
    assert [s["resident_id"] for s in seats] == [people_of["an"].pk, people_of["binh"].pk]
    assert seats[0]["term_ends_on"] == f.TERM_END.isoformat()
    assert seats[0]["elected_on"] == HELD.isoformat()
    assert seats[0]["front_recognised_on"] == RECOGNISED.isoformat()
    assert seats[0]["election_matter_id"] == mv.matter_id
    assert seats[0]["by_election"] is False
    again = _post(client, who.front, board.pk, body)
    assert again.status_code == 422
    assert "matter_village" in json.dumps(again.json())


def test_the_api_refuses_with_the_right_status(
    client, commune, other_commune, official, who, board, village, people_of
):
    mv, (an, binh, _cuong) = _election(official, who.front, village, recognise=False)
    body = _body(mv, [an, binh], [people_of["an"], people_of["binh"]])
    assert _post(client, None, board.pk, body).status_code == 401
    assert _post(client, village_head(village), board.pk, body).status_code == 403
    assert (
        _post(client, official_of(other_commune, Role.FRONT_OFFICER), board.pk, body).status_code
        == 404
    )
    assert _post(client, who.front, 2**31 - 1, body).status_code == 404
    refused = _post(client, who.front, board.pk, body)
    assert refused.status_code == 422
    assert "matter_village" in json.dumps(refused.json())
    twice = {**body, "seats": body["seats"][:1] * 2}
    assert _post(client, who.front, board.pk, twice).status_code == 422
    assert _post(client, who.front, board.pk, {"seats": "x"}).status_code == 422
    assert _post(client, who.chair, board.pk, body).status_code == 422  # allowed, not recognised
    assert not InspectionBoardMember.objects.exists()


def test_the_public_page_shows_each_seats_end_in_constant_queries(
    client, commune, who, board, election, people_of
):
    mv, (an, binh, _cuong) = election
    url = reverse("oversight:public_list", args=[commune.code])

    def count():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        return len(queries), page.count(f"{f.TERM_END:%d/%m/%Y}")

    services.inspection_member_elect(
        actor=who.front, board=board, resident=f.resident_of(mv.village), village=mv.village,
        elected_on=f.TERM_START,
    )  # fmt: skip
    queries, shown = count()
    assert shown == 1
    _seat(who.front, commune, board, mv, [an, binh], [people_of["an"], people_of["binh"]])
    assert count() == (queries, 3)


def _get(client, user, path):
    return client.get(f"/api/v1/inspection-boards/{path}", **auth(token_for(user)))


def test_the_api_lists_the_elections_awaiting_their_seats(
    client, commune, other_commune, official, who, board, election, people_of
):
    mv, (an, binh, _cuong) = election
    listed = _get(client, who.front, f"{board.pk}/elections-to-seat")
    assert listed.status_code == 200
    assert [e["matter_village_id"] for e in listed.json()] == [mv.pk]
    assert listed.json()[0]["decided_on"] == HELD.isoformat()
    detail = _get(client, who.chair, f"{board.pk}/elections-to-seat/{mv.pk}").json()
    assert detail["term_ends_on"] == f.TERM_END.isoformat()
    assert [(e["candidate_id"], e["name"]) for e in detail["elected"]] == [
        (an.pk, AN),
        (binh.pk, BINH),
    ]
    # The namesakes are the village's residents bearing the name (diacritics ignored).
    assert [r["resident_id"] for r in detail["elected"][0]["namesakes"]] == [people_of["an"].pk]
    assert (
        _get(client, village_head(mv.village), f"{board.pk}/elections-to-seat").status_code == 403
    )
    stranger = official_of(other_commune, Role.FRONT_OFFICER)
    assert _get(client, stranger, f"{board.pk}/elections-to-seat").status_code == 404
    assert _get(client, stranger, f"{board.pk}/elections-to-seat/{mv.pk}").status_code == 404
    _seat(who.front, commune, board, mv, [an, binh], [people_of["an"], people_of["binh"]])
    assert _get(client, who.front, f"{board.pk}/elections-to-seat").json() == []
    assert _get(client, who.front, f"{board.pk}/elections-to-seat/{mv.pk}").status_code == 404


def test_the_api_list_queries_do_not_grow(client, commune, official, who, board):
    token = auth(token_for(who.front))

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                f"/api/v1/inspection-boards/{board.pk}/elections-to-seat", **token
            )
        return len(queries), len(response.json())

    _election(official, who.front, make_village(commune, households=5))
    count()  # the token's first use is recorded once
    one, _n = count()
    for _ in range(2):
        _election(official, who.front, make_village(commune, households=5))
    assert count() == (one, 3)
