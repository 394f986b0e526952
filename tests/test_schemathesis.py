"""Quality bar R1: schemathesis fuzzes every operation of /api/v1/openapi.json as an
authenticated commune official against seeded data, and no input may produce a 5xx.

Checks: every built-in check of ``call_and_validate`` (no server error, status codes and
content types as declared, responses conform to their schemas, invalid input refused…).
Examples per operation: 25 by default, 150 with ``DANCHU_FUZZ_THOROUGH=1``. Runs on the
configured database (SQLite by default, PostgreSQL when ``DATABASE_URL`` is set): requests go
through the WSGI application in this thread, so they share the test's connection and
transaction and plain ``db`` suffices.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

THOROUGH = os.environ.get("DANCHU_FUZZ_THOROUGH") == "1"
MAX_EXAMPLES = 150 if THOROUGH else 25

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

# Operations whose schema-valid input can still be refused with 422 and field errors by rules no
# schema can state: dates judged against today (an issue date or a posting in the future), rows
# of the database (a village of another commune or outside the scope, a change note required
# once published). Every other check still runs on them.
STATE_DEPENDENT = {
    "POST /api/v1/communes/{code}/disclosures",
    "PUT /api/v1/disclosures/{disclosure_id}",
    "POST /api/v1/disclosures/{disclosure_id}/records",
    # Community decisions: the villages must be the commune's active ones; opening a matter
    # judges its dates against today and the law (notice, team, form allowed for the type).
    "POST /api/v1/communes/{code}/matters",
    "POST /api/v1/matters/{matter_id}/open",
    # Citizen initiatives: the village must be the proposer's own; a consent's day is judged
    # against today (not in the future, not lapsed) and its household against the village.
    "POST /api/v1/communes/{code}/initiatives",
    "POST /api/v1/initiatives/{initiative_id}/consents",
    # Citizens' requests: the village must be the commune's; a denunciation needs a name and a
    # way to answer; a request is answered once and a complaint only after acceptance; the
    # period's end must not be before its start.
    "POST /api/v1/communes/{code}/petition-requests",
    "POST /api/v1/petition-requests/{request_id}/answer",
    "GET /api/v1/communes/{code}/petition-figures",
    # Contribution campaigns: dates judged against today and the campaign's start, the
    # campaign's state (finished, a receipt already cancelled), its balance (spending above it
    # is refused), households and villages of the commune, and the Art. 15(1) decision.
    "POST /api/v1/communes/{code}/campaigns",
    "POST /api/v1/campaigns/{campaign_id}/close",
    "POST /api/v1/campaigns/{campaign_id}/receipts",
    "POST /api/v1/campaigns/{campaign_id}/pledges",
    "POST /api/v1/campaigns/{campaign_id}/spendings",
    "POST /api/v1/receipts/{receipt_id}/cancel",
    "POST /api/v1/campaigns/{campaign_id}/exemptions",
    # A period whose end is before its start: a rule across two parameters.
    "GET /api/v1/communes/{code}/contribution-figures",
    # Oversight: an answer is judged against the day the recommendation was received and
    # today; a recommendation is closed only after its answer.
    "POST /api/v1/recommendations/{recommendation_id}/answer",
    "POST /api/v1/recommendations/{recommendation_id}/close",
    # Elections: each step's day is judged against today and the election day (Decree 59/2023
    # Art. 6), the step against its prerequisites; a petition's households against the village,
    # its signatures against half of the households (Art. 9(1)).
    "POST /api/v1/matter-villages/{matter_village_id}/election/plan",
    "POST /api/v1/matter-villages/{matter_village_id}/election/candidates",
    "POST /api/v1/matter-villages/{matter_village_id}/election/team",
    "POST /api/v1/matter-villages/{matter_village_id}/election/notice",
    "POST /api/v1/matter-villages/{matter_village_id}/election/nominations",
    "POST /api/v1/dismissal-petitions/{petition_id}/signatures",
    "POST /api/v1/dismissal-petitions/{petition_id}/matter",
    # Secret paper ballots: the code must be one printed for the village, the entry an option
    # of the matter (at most the seats), a resolution needs differing entries, an issue a
    # counting committee, and no more inner ballots than envelopes returned (Art. 19(3)).
    "POST /api/v1/matter-villages/{matter_village_id}/inner-ballots/issue",
    "POST /api/v1/matter-villages/{matter_village_id}/inner-ballots",
    "POST /api/v1/matter-villages/{matter_village_id}/inner-ballots/resolve",
    # Consultations: the plan's issue date is judged against today, the villages, section and
    # opinions against the rows; a decision's date against publication and today, and one
    # departing from the majority needs its explanation (Art. 28(4)).
    "POST /api/v1/communes/{code}/consultations",
    "POST /api/v1/consultations/{consultation_id}/opinions",
    "POST /api/v1/consultations/{consultation_id}/groups",
    "POST /api/v1/opinion-groups/{group_id}/answer",
    "POST /api/v1/consultations/{consultation_id}/decision",
    "POST /api/v1/consultations/{consultation_id}/affected-citizens",
    "POST /api/v1/affected-citizens/{citizen_id}/views",
    "POST /api/v1/consultations/{consultation_id}/matter",
    # Opinion map: a statement's text is judged once its spaces are trimmed (empty, > 400).
    "POST /api/v1/consultations/{consultation_id}/statements",
    # Indicators: a period that matches the pattern can still name no date (2026-13, a range
    # ending before it starts), and a unit code matching the pattern may belong to no unit.
    "GET /api/v1/indicators/figures",
    "GET /api/v1/indicators/children",
    "GET /api/v1/indicators/series",
    # Steering: a period is text the server reads (2026-H9 is refused); a task's units must be
    # the commune's villages; a task done or cancelled takes no progress and a status is set
    # once; a day of completion or a decision cannot be in the future; a criterion must name an
    # indicator of the catalogue; an award's kind depends on the level, its unit on the round.
    "POST /api/v1/{level}/{code}/steering-plans",
    "POST /api/v1/steering-plans/{plan_id}/tasks",
    "POST /api/v1/key-tasks/{task_id}/progress",
    "POST /api/v1/key-tasks/{task_id}/status",
    "POST /api/v1/{level}/{code}/emulation-rounds",
    "POST /api/v1/emulation-rounds/{round_id}/awards",
    "GET /api/v1/{level}/{code}/awards",
    # Edit and delete: the same judgements as creating, and the state of the rows (a plan with
    # progress reported is kept, a round with awards is kept, an award listed in an issued
    # review and its round are frozen: 409).
    "PUT /api/v1/steering-plans/{plan_id}",
    "DELETE /api/v1/steering-plans/{plan_id}",
    "PUT /api/v1/emulation-rounds/{round_id}",
    "DELETE /api/v1/emulation-rounds/{round_id}",
    "PUT /api/v1/awards/{award_id}",
    "DELETE /api/v1/awards/{award_id}",
    # Review reports: the period must fit the kind and have started; issuing needs the
    # signer's name and a date not in the future, not before the period nor the last report.
    "POST /api/v1/communes/{code}/reviews",
    "POST /api/v1/reviews/{review_id}/issue",
    # A province's review likewise; a draft's title and place are judged once their spaces are
    # trimmed (empty), and every text for control characters.
    "POST /api/v1/provinces/{code}/reviews",
    "PATCH /api/v1/reviews/{review_id}",
    # An issued review's figures are frozen (409).
    "POST /api/v1/reviews/{review_id}/refresh",
}


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep the test's connection open across WSGI requests, as Django's test client does
    (request_finished would otherwise close a connection inside the test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def official_token(db, wsgi_in_test_transaction):
    """A seeded commune (the demo's code, also the schema's example) and an official's token."""
    from danchu.accounts.models import Role
    from danchu.accounts.services import api_token_create
    from danchu.accounts.tests.factories import RoleAssignmentFactory
    from danchu.api.tests.helpers import make_household
    from danchu.territory.tests.factories import CommuneFactory, VillageFactory

    commune = CommuneFactory(code="18406", name="Xã Can Lộc")
    villages = [VillageFactory(commune=commune, name=f"Thôn {n}") for n in ("Đông", "Tây", "Nam")]
    for i in range(12):
        make_household(villages[i % 3], f"Nguyễn Văn {i}", members=1 + i % 3)
    other = VillageFactory(commune=CommuneFactory())  # another commune: must stay invisible
    make_household(other, "Trần Văn Khác")
    user = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_OFFICIAL).user
    _seed_disclosures(commune, villages, user, other)
    _seed_decisions(commune, villages, user, other)
    _seed_initiatives(villages)
    _seed_community(commune, villages, user)
    _seed_petition_requests(commune, villages, user, other)
    _seed_contributions(commune, villages, user, other)
    _seed_oversight(commune, villages, user, other)
    _seed_elections(villages, user)
    _seed_consultations(commune, user)
    _seed_steering(commune, villages, user, other)
    _seed_reviews(commune, user)
    _token, raw = api_token_create(actor=user, user=user, name="fuzz")
    return raw


def _seed_disclosures(commune, villages, official, other_village):
    """Disclosures for the disclosure operations: id 1 (the schema's example) is published
    with a document and records; a draft; a published one with a pending change; a resident's
    request for information; another commune's published disclosure."""
    from django.utils import timezone

    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory
    from danchu.disclosure import services
    from danchu.disclosure.rules import Category, Channel
    from danchu.disclosure.tests.factories import data, make_disclosure, pdf_file

    today = timezone.localdate()
    first = make_disclosure(
        official, commune, category=Category.SOCIAL_SUPPORT, source_issued_on=today
    )
    services.attachment_add(actor=official, disclosure=first, uploaded_file=pdf_file())
    first = services.disclosure_publish(actor=official, disclosure=first)
    version = first.public_version
    services.publishing_record_add(
        actor=official, version=version, channel=Channel.COMMUNE_OFFICE, started_on=today
    )
    services.publishing_record_add(
        actor=official, version=version, channel=Channel.VILLAGE_POINT, village=villages[0],
        started_on=today, ended_on=today,
    )  # fmt: skip
    make_disclosure(official, commune, title="Dự thảo kế hoạch năm sau", source_issued_on=today)
    changed = make_disclosure(
        official, commune, publish=True, category=Category.FEES, source_issued_on=today
    )
    services.disclosure_update(
        actor=official, disclosure=changed,
        data=data(category=Category.FEES, source_issued_on=today, change_note="Sửa mức thu."),
    )  # fmt: skip
    resident = RoleAssignmentFactory(commune=commune, village=villages[0], role=Role.RESIDENT).user
    services.information_request_submit(
        actor=resident, commune=commune, subject="Danh sách hộ nghèo năm trước",
        message="Xin cung cấp danh sách.", reason="expired", disclosure=first,
    )  # fmt: skip
    outsider = RoleAssignmentFactory(commune=other_village.commune, role=Role.COMMUNE_OFFICIAL).user
    make_disclosure(outsider, other_village.commune, publish=True, source_issued_on=today)


def _seed_decisions(commune, villages, official, other_village):
    """Matters for the decisions operations: id 1 (the schema's example) closed with its
    sealed tally; one open for an online vote; a draft; another commune's open matter."""
    from danchu.decisions import services
    from danchu.decisions.rules import Form, MatterType
    from danchu.decisions.tests.factories import (
        TEAM,
        days_ago,
        households_of,
        in_hours,
        make_matter,
        matter_village,
        official_of,
        open_meeting,
        option,
    )

    closed = make_matter(official, [villages[0]], MatterType.CONTRIBUTIONS)
    open_meeting(official, closed)
    mv = matter_village(closed)
    ids = [h.pk for h in households_of(villages[0])]
    mv = services.meeting_attendance_record(actor=official, matter_village=mv, household_ids=ids)
    services.meeting_result_record(
        actor=official, matter_village=mv, counts={option(closed).pk: len(ids) - 1}
    )
    services.matter_close(actor=official, matter=closed)
    online = make_matter(official, [villages[1]], MatterType.OTHER)
    mv = matter_village(online)
    for household in households_of(villages[1]):
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=household, agrees=True
        )
    plan = services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)
    services.matter_open(actor=official, matter=online, plans={villages[1].pk: plan})
    make_matter(official, [villages[2]], MatterType.OTHER, title="Dự thảo sửa nhà văn hóa")
    outsider = official_of(other_village.commune)
    theirs = make_matter(outsider, [other_village], MatterType.OTHER)
    open_meeting(outsider, theirs, notice_on=days_ago(3))


def _seed_initiatives(villages):
    """Initiative id 1 (the schema's example), collecting consents, with one consent."""
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
    from danchu.decisions import initiatives
    from danchu.decisions.rules import MatterType
    from danchu.decisions.tests.factories import households_of
    from danchu.territory.models import Resident

    household = households_of(villages[0])[0]
    resident = Resident.objects.filter(household=household).first()
    user = UserFactory(resident=resident)
    RoleAssignmentFactory(
        user=user, role=Role.HOUSEHOLD_REPRESENTATIVE, commune=household.commune,
        village=household.village,
    )  # fmt: skip
    created = initiatives.initiative_create(
        actor=user, village=villages[0], matter_type=MatterType.OTHER,
        title="Lắp đèn đường xóm Đông", proposal="Lắp đèn năng lượng mặt trời.",
    )  # fmt: skip
    initiatives.consent_give(actor=user, initiative=created, household=household)


def _seed_community(commune, villages, official):
    """Reception days, a dialogue (id 1) with a question and a commitment, a mediation case."""
    import datetime

    from danchu.petitions import dialogues, mediation
    from danchu.petitions.tests.community_factories import day, team

    held = day(official, commune, datetime.date(2026, 3, 4), slots=2)
    from danchu.petitions.reception import reception_day_hold

    reception_day_hold(actor=official, day=held, today=datetime.date(2026, 3, 4))
    dialogue = dialogues.dialogue_create(
        actor=official, commune=commune, title="Đối thoại năm 2026",
        held_on=datetime.date(2026, 1, 15), place="Hội trường UBND xã",
    )  # fmt: skip
    dialogues.dialogue_hold(actor=official, dialogue=dialogue, summary="Biên bản")
    dialogues.commitment_create(
        actor=official, dialogue=dialogue, text="Sửa đèn đường", responsible="UBND xã",
        due_on=datetime.date(2026, 6, 30),
    )  # fmt: skip
    mediation.case_record(
        actor=official, team=team(official, villages[0]), received_on=datetime.date(2026, 3, 2),
        subject="land", parties="A và B", details="Ranh giới",
    )  # fmt: skip


def _seed_petition_requests(commune, villages, official, other_village):
    """Requests for the petitions operations: id 1 (the schema's example) open feedback; a
    denunciation; an answered request; another commune's request."""
    from django.contrib.auth.models import AnonymousUser

    from danchu.petitions import services

    def filed(unit, **kw):
        values = {"subject": "Đường hỏng", "content": "Đường liên thôn sụt lún", "phone": "0911"}
        values.update(kw)
        return services.request_submit(
            actor=AnonymousUser(), commune=unit, data=services.RequestData(**values)
        )

    filed(commune, village_id=villages[0].pk)
    filed(commune, kind="denunciation", full_name="Lê Văn Tố", address="thôn Đông",
          subject="Tố cáo", content="Sai phạm đất đai")  # fmt: skip
    answered = filed(commune, subject="Đèn đường", content="Đèn ngã ba không sáng")
    services.request_answer(actor=official, request=answered, answer="Đã thay bóng.")
    filed(other_village.commune, subject="Khác", content="Của xã khác")


def _seed_contributions(commune, villages, official, other_village):
    """Campaigns for the contributions operations: id 1 (the schema's example) open with
    receipts (one anonymous, one cancelled) and spending; another commune's campaign."""
    from danchu.contributions import services
    from danchu.contributions.tests.factories import days_ago, give, household_of, make_campaign
    from danchu.decisions.tests.factories import official_of

    campaign = make_campaign(official, commune, villages=villages[:2], starts_on=days_ago(10))
    give(official, campaign, 1_000_000, household=household_of(villages[0]), anonymous=True)
    wrong = give(official, campaign, 50, name="Công ty Hưng Thịnh")
    services.receipt_cancel(actor=official, receipt=wrong, reason="Ghi nhầm")
    services.spending_record(
        actor=official, campaign=campaign, spent_on=days_ago(0), description="Xi măng",
        payee="Cửa hàng Tâm", document="HĐ 1", amount=400_000,
    )  # fmt: skip
    outsider = official_of(other_village.commune)
    make_campaign(outsider, other_village.commune)


def _seed_oversight(commune, villages, official, other_village):
    """A supervised work with its board and a recommendation (id 1, the schema's example)
    awaiting the commune's answer; another commune's work."""
    import datetime

    from danchu.oversight import services
    from danchu.oversight.tests import factories as oversight

    who = oversight.people(commune)
    who.official = official
    work = oversight.work(commune, official, villages[:1])
    oversight.staffed_board(work, who.front, villages[0])
    services.supervision_plan_send(
        actor=who.front, work=work, sent_on=datetime.date(2026, 7, 1),
        supervision_starts_on=datetime.date(2026, 9, 1),
    )  # fmt: skip
    services.recommendation_make(
        actor=who.supervisor, commune=commune, board_kind="supervision", work=work,
        content="Đề nghị bổ sung biển công khai", votes_for=3,
        received_on=datetime.date(2026, 9, 7),
    )  # fmt: skip
    theirs = oversight.people(other_village.commune)
    oversight.work(other_village.commune, theirs.official, [other_village])


def _seed_elections(villages, official):
    """Dismissal petition id 1 (the schema's example): households of the first village signing;
    a draft village-head election in the third village."""
    from django.utils import timezone

    from danchu.decisions import elections
    from danchu.decisions.models import DismissalPetition
    from danchu.decisions.rules import MatterType
    from danchu.decisions.tests.factories import households_of, make_matter

    petition = elections.dismissal_petition_create(
        actor=official, village=villages[0], route=DismissalPetition.Route.HOUSEHOLDS,
        head_name="Nguyễn Văn Trưởng", reason="Không hoàn thành nhiệm vụ.",
    )  # fmt: skip
    elections.dismissal_signatures_record(
        actor=official, petition=petition, household_ids=[households_of(villages[0])[0].pk],
        signed_on=timezone.localdate(),
    )  # fmt: skip
    make_matter(official, [villages[2]], MatterType.VILLAGE_HEAD, candidates=["Lê Văn Cử"],
                title="Bầu trưởng thôn Nam")  # fmt: skip


def _seed_consultations(commune, official):
    """Consultations: id 1 (the schema's example) open with an opinion; one answered with its
    published synthesis."""
    from danchu.consultation import services
    from danchu.consultation.tests.factories import closed_consultation, open_consultation

    first = open_consultation(official, commune)
    services.opinion_enter(
        actor=official, consultation=first, body="Đồng ý", form="meeting", source="Họp thôn"
    )
    answered = closed_consultation(official, commune)
    opinion = services.opinion_enter(
        actor=official, consultation=answered, body="Giờ sớm quá", form="box", source="Hòm thư"
    )
    group = services.group_create(
        actor=official, consultation=answered, topic="Giờ", opinion_ids=[opinion.pk]
    )
    services.group_answer(actor=official, group=group, outcome="accepted", answer="Đổi giờ")
    services.synthesis_publish(actor=official, consultation=answered)
    burdening = open_consultation(official, commune, category=8, forms=["dialogue"])
    services.affected_citizen_add(actor=official, consultation=burdening, name="Lê Văn Cường")


def _seed_steering(commune, villages, official, other_village):
    """Steering: plan 1 with task 1 (in progress) and a done task; round 1 with a criterion
    and an award; another commune's plan that must stay invisible."""
    import datetime

    from danchu.reporting import steering
    from danchu.reporting.models import Award, EmulationCriterion, EmulationRound

    plan = steering.plan_create(
        actor=official, unit=commune, title="Kế hoạch 6 tháng cuối năm",
        period_first=datetime.date(2026, 7, 1), period_last=datetime.date(2026, 12, 31),
    )  # fmt: skip
    task = steering.task_add(
        actor=official, plan=plan, title="Tuyên truyền", deadline=datetime.date(2026, 9, 30),
        assignees=villages[:2],
    )  # fmt: skip
    steering.task_progress_report(actor=official, task=task, note="Đã họp thôn", percent=40)
    done = steering.task_add(actor=official, plan=plan, title="Sơ kết", assignees=villages[2:])
    steering.task_set_status(actor=official, task=done, status="done")
    # Directly: the catalogue may have no indicator yet on this branch (it is shown unavailable).
    round_ = EmulationRound.objects.create(
        unit=commune, province_id=commune.parent_id, commune=commune, title="Thi đua",
        period_first=datetime.date(2026, 1, 1), period_last=datetime.date(2026, 6, 30),
    )  # fmt: skip
    EmulationCriterion.objects.create(
        round=round_, province_id=commune.parent_id, commune=commune, position=1,
        indicator_code="decisions.turnout", weight=10,
    )  # fmt: skip
    Award.objects.create(
        unit=commune, province_id=commune.parent_id, commune=commune, round=round_,
        kind="giay_khen", recipient_village=villages[0], recipient_name=villages[0].name,
        decision_number="12/QĐ-UBND", decision_date=datetime.date(2026, 7, 15), signer="X",
    )  # fmt: skip
    other = other_village.commune
    steering.plan_create(
        actor=_superuser(), unit=other, title="Khác",
        period_first=datetime.date(2026, 1, 1), period_last=datetime.date(2026, 6, 30),
    )  # fmt: skip


def _superuser():
    from danchu.accounts.tests.factories import UserFactory

    return UserFactory(is_superuser=True)


def _seed_reviews(commune, official):
    """Review reports: id 1 (the schema's example) a draft half-year review of the commune."""
    from danchu.reporting import reviews
    from danchu.reporting.periods import Period

    reviews.review_create(actor=official, unit=commune, kind="half_year",
                          period=Period.half(2026, 1))  # fmt: skip


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_fuzz(case, official_token):
    excluded = (
        [schemathesis.checks.positive_data_acceptance]
        if case.operation.label in STATE_DEPENDENT
        else []
    )
    case.call_and_validate(
        headers={"Authorization": f"Bearer {official_token}"}, excluded_checks=excluded
    )
