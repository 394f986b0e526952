"""Citizen initiatives: Law 10/2022 Art. 16(3) — 10% of all households, consents valid 3 months."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.management.commands.compile_translations import compile_all
from danchu.core.models import AuditEntry
from danchu.decisions import initiatives, rules
from danchu.decisions.models import Consent, Initiative, Matter
from danchu.decisions.rules import MatterType
from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory, VillageFactory

pytestmark = pytest.mark.django_db

D = datetime.date
# A fixed "today" in the middle of a month, so that "3 months ago" has no month-end clamping.
TODAY = D(2026, 5, 20)
THREE_MONTHS_AGO = D(2026, 2, 20)  # valid until 20 May: counts today, not tomorrow
THREE_MONTHS_AND_A_DAY_AGO = D(2026, 2, 19)  # valid until 19 May: lapsed yesterday


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(initiatives, "_today", lambda: TODAY)


# --- people ----------------------------------------------------------------------------------


def representative(household):
    """The household's representative with an account and the representative role."""
    resident = ResidentFactory(household=household, is_representative=True)
    user = UserFactory(resident=resident)
    RoleAssignmentFactory(
        user=user, role=Role.HOUSEHOLD_REPRESENTATIVE, commune=household.commune,
        village=household.village,
    )  # fmt: skip
    return user


def resident_user(household):
    """A resident (not the representative) with an account."""
    resident = ResidentFactory(household=household)
    user = UserFactory(resident=resident)
    RoleAssignmentFactory(
        user=user, role=Role.RESIDENT, commune=household.commune, village=household.village
    )
    return user


def village_head(village):
    return RoleAssignmentFactory(
        role=Role.VILLAGE_HEAD, commune=village.commune, village=village
    ).user


def front_officer(commune):
    return RoleAssignmentFactory(role=Role.FRONT_OFFICER, commune=commune).user


def households(village, n):
    return HouseholdFactory.create_batch(n, village=village, commune=village.commune)


def propose(actor, village, **kw):
    values = {
        "matter_type": MatterType.OTHER,
        "title": "Làm đèn đường xóm Đông",
        "proposal": "Lắp 20 bóng đèn năng lượng mặt trời dọc đường xóm Đông.",
    }
    values.update(kw)
    return initiatives.initiative_create(actor=actor, village=village, **values)


@pytest.fixture
def homes(village):
    """100 households in the village."""
    return households(village, 100)


@pytest.fixture
def initiative(village, homes):
    return propose(resident_user(homes[0]), village)


def consent_on_paper(recorder, initiative, homes, given_on=TODAY):
    for household in homes:
        initiatives.consent_give(
            actor=recorder, initiative=initiative, household=household, given_on=given_on
        )


# --- proposing -------------------------------------------------------------------------------


def test_a_resident_proposes_for_their_own_village(village, homes):
    proposer = resident_user(homes[0])
    initiative = propose(proposer, village, title="  Làm   đèn đường  ")
    assert initiative.status == Initiative.Status.COLLECTING
    assert initiative.commune_id == village.commune_id
    assert initiative.proposer_id == proposer.pk
    assert initiative.title == "Làm đèn đường"
    entry = AuditEntry.objects.get(action="decisions.initiative_create")
    assert entry.actor_id == proposer.pk
    assert entry.commune_id == village.commune_id


def test_a_resident_cannot_propose_for_another_village(commune, village, homes):
    elsewhere = VillageFactory(commune=commune)
    with pytest.raises(ValidationFailed) as exc:
        propose(resident_user(homes[0]), elsewhere)
    assert set(exc.value.fields) == {"village"}
    assert not Initiative.objects.exists()


def test_a_resident_of_another_commune_gets_not_found(village, other_commune):
    stranger = resident_user(HouseholdFactory(village=VillageFactory(commune=other_commune)))
    with pytest.raises(NotFound):
        propose(stranger, village)


def test_an_official_does_not_propose_a_citizen_initiative(village, official):
    with pytest.raises(PermissionDenied):
        propose(official, village)


def test_bad_input_gives_vietnamese_field_errors_and_writes_nothing(village, homes):
    if compile_all():
        translation.trans_real._translations = {}
    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        propose(resident_user(homes[0]), village, matter_type=9, title=" ", proposal="a\x00b")
    assert set(exc.value.fields) == {"matter_type", "title", "proposal"}
    assert exc.value.fields["title"] == ["Nhập tên sáng kiến."]
    assert exc.value.message == "Vui lòng sửa các lỗi bên dưới."
    assert not Initiative.objects.exists()
    assert not AuditEntry.objects.filter(action="decisions.initiative_create").exists()


def test_an_inactive_village_is_refused(village, homes):
    village.is_active = False
    village.save()
    with pytest.raises(ValidationFailed) as exc:
        propose(resident_user(homes[0]), village)
    assert "village" in exc.value.fields


# --- Art. 16(3): 10% of all households -------------------------------------------------------


def test_nine_consents_of_100_households_are_not_enough_ten_are(village, homes, initiative):
    head = village_head(village)
    consent_on_paper(head, initiative, homes[:9])
    progress = initiatives.initiative_progress(initiative)
    assert (progress.total_households, progress.valid_consents, progress.needed) == (100, 9, 10)
    assert not progress.reached
    assert progress.missing == 1
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.COLLECTING

    consent_on_paper(head, initiative, homes[9:10])
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.REACHED
    assert initiative.reached_at is not None
    assert initiatives.initiative_progress(initiative).reached
    # The consent that tipped it writes one entry, which says so.
    last = AuditEntry.objects.filter(action="decisions.consent_give").order_by("-id").first()
    assert last.after["initiative_status"] == "reached"
    assert AuditEntry.objects.filter(action="decisions.consent_give").count() == 10


@pytest.mark.parametrize(
    ("total", "consents", "reached"),
    [(100, 9, False), (100, 10, True), (101, 10, False), (101, 11, True), (9, 1, True),
     (10, 1, True), (11, 1, False), (0, 0, False)],
)  # fmt: skip
def test_the_threshold_is_at_least_ten_percent(village, total, consents, reached):
    homes = households(village, total)
    initiative = propose(UserFactory(is_superuser=True), village)
    for household in homes[:consents]:
        Consent.objects.create(
            commune=village.commune, initiative=initiative, household=household,
            given_on=TODAY, valid_until=rules.consent_valid_until(TODAY),
        )  # fmt: skip
    progress = initiatives.initiative_progress(initiative)
    assert progress.reached is reached
    assert progress.needed == max(1, -(-total // 10))
    assert (progress.needed <= consents) is reached


def test_a_consent_older_than_three_months_no_longer_counts_until_renewed(
    village, homes, initiative
):
    head = village_head(village)
    consent_on_paper(head, initiative, homes[:9])
    # Entered before the 3 months ran out: given 3 months and 1 day ago, it lapsed yesterday.
    Consent.objects.create(
        commune=village.commune, initiative=initiative, household=homes[9],
        given_on=THREE_MONTHS_AND_A_DAY_AGO,
        valid_until=rules.consent_valid_until(THREE_MONTHS_AND_A_DAY_AGO),
    )  # fmt: skip
    assert initiatives.initiative_progress(initiative).valid_consents == 9
    initiatives.initiative_check(initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.COLLECTING

    # The household consents again: the same row, renewed for 3 more months.
    initiatives.consent_give(actor=representative(homes[9]), initiative=initiative,
                             household=homes[9])  # fmt: skip
    consent = Consent.objects.get(initiative=initiative, household=homes[9])
    assert (consent.given_on, consent.valid_until) == (TODAY, D(2026, 8, 20))
    assert Consent.objects.filter(initiative=initiative).count() == 10
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.REACHED


def test_a_consent_given_three_months_ago_counts_today_and_lapses_tomorrow(
    village, homes, initiative
):
    initiatives.consent_give(
        actor=village_head(village), initiative=initiative, household=homes[1],
        given_on=THREE_MONTHS_AGO,
    )  # fmt: skip
    consent = Consent.objects.get()
    assert consent.valid_until == TODAY
    assert initiatives.initiative_progress(initiative).valid_consents == 1
    assert initiatives.initiative_progress(initiative).earliest_expiry == TODAY
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert initiatives.initiative_progress(initiative, on=tomorrow).valid_consents == 0
    # Nor does a consent count before the day it was given.
    yesterday_before = THREE_MONTHS_AGO - datetime.timedelta(days=1)
    assert initiatives.initiative_progress(initiative, on=yesterday_before).valid_consents == 0


def test_check_applies_the_threshold_and_is_idempotent(village, homes, initiative):
    for household in homes[:10]:
        Consent.objects.create(
            commune=village.commune, initiative=initiative, household=household,
            given_on=TODAY, valid_until=rules.consent_valid_until(TODAY),
        )  # fmt: skip
    initiatives.initiative_check(initiative=initiative)
    initiatives.initiative_check(actor=village_head(village), initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.REACHED
    entry = AuditEntry.objects.get(action="decisions.initiative_reach")
    assert entry.actor_id is None  # the system's sweep
    assert entry.after["basis"] == "consents"


def test_a_household_that_moved_away_no_longer_counts(commune, village, homes, initiative):
    head = village_head(village)
    consent_on_paper(head, initiative, homes[1:10])
    moved = homes[1]
    moved.village = VillageFactory(commune=commune)
    moved.save()
    progress = initiatives.initiative_progress(initiative)
    assert (progress.total_households, progress.valid_consents) == (99, 8)


# --- consent dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given_on",
    [TODAY + datetime.timedelta(days=1), THREE_MONTHS_AND_A_DAY_AGO, "2026-05-20",
     datetime.datetime(2026, 5, 20, 8, 0, tzinfo=datetime.UTC)],
)  # fmt: skip
def test_dates_in_the_future_lapsed_or_not_dates_are_refused(village, homes, initiative, given_on):
    with pytest.raises(ValidationFailed) as exc:
        initiatives.consent_give(
            actor=village_head(village), initiative=initiative, household=homes[1],
            given_on=given_on,
        )  # fmt: skip
    assert set(exc.value.fields) == {"given_on"}
    assert not Consent.objects.exists()


def test_a_lapsed_date_cites_the_article(village, homes, initiative):
    with pytest.raises(ValidationFailed) as exc:
        initiatives.consent_give(
            actor=village_head(village), initiative=initiative, household=homes[1],
            given_on=THREE_MONTHS_AND_A_DAY_AGO,
        )  # fmt: skip
    assert "Điều 16(3)" in exc.value.fields["given_on"][0]


def test_a_representative_consents_today_only(village, homes, initiative):
    rep = representative(homes[1])
    with pytest.raises(ValidationFailed) as exc:
        initiatives.consent_give(
            actor=rep, initiative=initiative, household=homes[1], given_on=D(2026, 5, 1)
        )
    assert set(exc.value.fields) == {"given_on"}
    consent = initiatives.consent_give(actor=rep, initiative=initiative, household=homes[1])
    assert (consent.given_on, consent.recorded_by_id) == (TODAY, rep.pk)
    assert initiatives.consent_of_actor(actor=rep, initiative=initiative) == consent


# --- one consent per household ---------------------------------------------------------------


def test_the_same_household_twice_is_one_row_renewed(village, homes, initiative):
    head = village_head(village)
    first = initiatives.consent_give(
        actor=head, initiative=initiative, household=homes[1], given_on=D(2026, 3, 10)
    )
    again = initiatives.consent_give(
        actor=head, initiative=initiative, household=homes[1], given_on=D(2026, 4, 30)
    )
    assert again.pk == first.pk
    assert Consent.objects.filter(initiative=initiative).count() == 1
    again.refresh_from_db()
    assert (again.given_on, again.valid_until) == (D(2026, 4, 30), D(2026, 7, 30))
    entry = AuditEntry.objects.filter(action="decisions.consent_give").order_by("-id").first()
    assert entry.before == {"given_on": "2026-03-10", "valid_until": "2026-06-10"}
    # An older paper consent does not shorten the one on file, and writes nothing.
    entries = AuditEntry.objects.count()
    initiatives.consent_give(
        actor=head, initiative=initiative, household=homes[1], given_on=D(2026, 4, 1)
    )
    again.refresh_from_db()
    assert again.given_on == D(2026, 4, 30)
    assert AuditEntry.objects.count() == entries


def test_a_household_outside_the_village_is_refused(commune, village, homes, initiative, official):
    neighbour = HouseholdFactory(village=VillageFactory(commune=commune), commune=commune)
    with pytest.raises(ValidationFailed) as exc:
        initiatives.consent_give(actor=official, initiative=initiative, household=neighbour)
    assert set(exc.value.fields) == {"household"}
    # Nor can the neighbour's representative consent to it.
    with pytest.raises(ValidationFailed):
        initiatives.consent_give(
            actor=representative(neighbour), initiative=initiative, household=neighbour
        )
    assert not Consent.objects.exists()


# --- who may record a consent ----------------------------------------------------------------


def test_a_representative_of_another_commune_gets_not_found(other_commune, initiative, homes):
    foreign = HouseholdFactory(village=VillageFactory(commune=other_commune))
    rep = representative(foreign)
    with pytest.raises(NotFound):
        initiatives.consent_give(actor=rep, initiative=initiative, household=foreign)
    with pytest.raises(NotFound):
        initiatives.consent_give(actor=rep, initiative=initiative, household=homes[1])


def test_a_representative_consents_only_for_their_own_household(initiative, homes):
    with pytest.raises(PermissionDenied):
        initiatives.consent_give(
            actor=representative(homes[1]), initiative=initiative, household=homes[2]
        )


def test_a_head_of_another_village_may_not_record(commune, initiative, homes):
    other_head = village_head(VillageFactory(commune=commune))
    with pytest.raises(PermissionDenied):
        initiatives.consent_give(actor=other_head, initiative=initiative, household=homes[1])


def test_an_official_of_another_commune_gets_not_found(other_commune, initiative, homes):
    stranger = RoleAssignmentFactory(role=Role.COMMUNE_OFFICIAL, commune=other_commune).user
    with pytest.raises(NotFound):
        initiatives.consent_give(actor=stranger, initiative=initiative, household=homes[1])


# --- the Front working committee (Art. 16(3)) ------------------------------------------------


def test_the_front_lets_an_initiative_below_ten_percent_go_forward(
    commune, village, homes, initiative
):
    consent_on_paper(village_head(village), initiative, homes[:3])
    officer = front_officer(commune)
    with pytest.raises(ValidationFailed) as exc:
        initiatives.initiative_front_approve(actor=officer, initiative=initiative, note="  ")
    assert set(exc.value.fields) == {"note"}
    initiatives.initiative_front_approve(
        actor=officer, initiative=initiative, note="Việc cấp thiết về an toàn giao thông."
    )
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.FRONT_APPROVED
    assert initiative.may_go_to_community
    assert initiative.front_approved_by == officer
    entry = AuditEntry.objects.get(action="decisions.initiative_front_approve")
    assert entry.after["basis"] == "front_approval"
    assert (entry.after["valid_consents"], entry.after["needed"]) == (3, 10)
    # Once it goes forward, no more consents are collected.
    with pytest.raises(ApplicationError) as refused:
        initiatives.consent_give(
            actor=village_head(village), initiative=initiative, household=homes[50]
        )
    assert refused.value.code == "initiative_not_collecting"


def test_the_commune_chair_may_approve_for_the_front(chair, initiative):
    initiatives.initiative_front_approve(actor=chair, initiative=initiative, note="Đồng ý.")
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.FRONT_APPROVED


def test_others_may_not_approve_for_the_front(village, other_commune, official, initiative):
    for actor in (official, village_head(village)):
        with pytest.raises(PermissionDenied):
            initiatives.initiative_front_approve(actor=actor, initiative=initiative, note="x")
    with pytest.raises(NotFound):
        initiatives.initiative_front_approve(
            actor=front_officer(other_commune), initiative=initiative, note="x"
        )
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.COLLECTING


# --- withdrawal ------------------------------------------------------------------------------


def test_only_the_proposer_withdraws(village, homes, initiative, official):
    with pytest.raises(PermissionDenied):
        initiatives.initiative_withdraw(actor=official, initiative=initiative)
    proposer = initiative.proposer
    initiatives.initiative_withdraw(actor=proposer, initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="decisions.initiative_withdraw").count() == 1
    with pytest.raises(ApplicationError) as exc:
        initiatives.initiative_withdraw(actor=proposer, initiative=initiative)
    assert exc.value.code == "initiative_not_collecting"
    with pytest.raises(ApplicationError) as exc:
        initiatives.consent_give(actor=official, initiative=initiative, household=homes[1])
    assert exc.value.code == "initiative_not_collecting"


def test_an_initiative_before_the_community_cannot_be_withdrawn(commune, initiative):
    Matter.objects.create(
        commune=commune, matter_type=initiative.matter_type, title=initiative.title,
        question="?", initiative=initiative,
    )  # fmt: skip
    with pytest.raises(ApplicationError) as exc:
        initiatives.initiative_withdraw(actor=initiative.proposer, initiative=initiative)
    assert exc.value.code == "initiative_has_matter"


# --- reads -----------------------------------------------------------------------------------


def test_the_list_of_consents_is_for_those_who_answer_for_it(
    commune, village, homes, initiative, other_commune
):
    head = village_head(village)
    consent_on_paper(head, initiative, homes[1:4])
    for actor in (initiative.proposer, head, front_officer(commune)):
        assert initiatives.consent_list(actor=actor, initiative=initiative).count() == 3
    with pytest.raises(PermissionDenied):
        initiatives.consent_list(actor=representative(homes[5]), initiative=initiative)
    with pytest.raises(NotFound):
        initiatives.consent_list(
            actor=RoleAssignmentFactory(role=Role.COMMUNE_OFFICIAL, commune=other_commune).user,
            initiative=initiative,
        )


def test_public_list_and_get_stay_in_their_commune(commune, other_commune, initiative):
    assert list(initiatives.initiative_list(commune=commune)) == [initiative]
    assert not initiatives.initiative_list(commune=other_commune).exists()
    assert initiatives.initiative_get(commune=commune, pk=initiative.pk) == initiative
    with pytest.raises(NotFound):
        initiatives.initiative_get(commune=other_commune, pk=initiative.pk)
