"""The permission matrix: every Role × every Action × (own scope, another commune).

One table (``permissions.POLICY``) is the expectation; ``TARGETS`` below says which kind of
object each action applies to. For every cell we check ``can()`` on every object of that kind,
that ``restrict()`` returns exactly the permitted rows, and that ``get_for_actor`` answers 404
for commune B and 403 for commune A objects the role may not touch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db.models import Model

from danchu.accounts.models import Role, RoleAssignment
from danchu.accounts.permissions import POLICY, Action, Scope, can, get_for_actor, restrict
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.consultation.models import Consultation
from danchu.contributions.models import Campaign
from danchu.core import audit
from danchu.core.errors import NotFound, PermissionDenied
from danchu.core.models import AuditEntry
from danchu.decisions.models import Matter, MatterVillage
from danchu.disclosure.models import Disclosure, InformationRequest, PublishingRecord
from danchu.oversight.models import Recommendation, SupervisedWork
from danchu.petitions.models import CitizenRequest, MediationCase, MediationTeam
from danchu.territory.models import AdministrativeUnit, CommuneProfile, Household, Resident, Village
from danchu.territory.tests.factories import (
    CommuneFactory,
    HouseholdFactory,
    ResidentFactory,
    VillageFactory,
)

# Which kind of object each action is asked about. A new Action without a row here fails
# test_every_action_has_a_target, so no cell of the policy goes untested.
TARGETS: dict[Action, str] = {
    Action.VILLAGE_LIST: "village",
    Action.VILLAGE_VIEW: "village",
    Action.VILLAGE_CREATE: "commune",  # a village is created in a commune
    Action.VILLAGE_UPDATE: "village",
    Action.VILLAGE_DELETE: "village",
    Action.HOUSEHOLD_LIST: "household",
    Action.HOUSEHOLD_VIEW: "household",
    Action.HOUSEHOLD_CREATE: "village",  # a household is created in a village
    Action.HOUSEHOLD_UPDATE: "household",
    Action.HOUSEHOLD_DELETE: "household",
    Action.HOUSEHOLD_IMPORT: "commune",
    Action.HOUSEHOLD_EXPORT: "commune",
    Action.RESIDENT_LIST: "resident",
    Action.RESIDENT_VIEW: "resident",
    Action.RESIDENT_VIEW_PERSONAL: "resident",
    Action.RESIDENT_UPDATE: "resident",
    Action.SLIP_ISSUE: "resident",
    Action.ROLE_MANAGE: "commune",
    Action.AUDIT_VIEW: "audit",
    Action.COMMUNE_SETTINGS: "profile",
    Action.CALENDAR_MANAGE: "commune",
    Action.BACKOFFICE_ENTER: "commune",
    Action.DISCLOSURE_LIST: "disclosure",
    Action.DISCLOSURE_VIEW: "disclosure",
    Action.DISCLOSURE_CREATE: "commune",
    Action.DISCLOSURE_UPDATE: "disclosure",
    Action.DISCLOSURE_PUBLISH: "disclosure",
    Action.DISCLOSURE_EXPORT: "commune",
    Action.PUBLISHING_RECORD_CREATE: "record",  # asked about the record being made
    Action.PUBLISHING_RECORD_UPDATE: "record",
    Action.INFO_REQUEST_CREATE: "commune",
    Action.INFO_REQUEST_LIST: "inforequest",
    Action.INFO_REQUEST_VIEW: "inforequest",
    Action.INFO_REQUEST_ANSWER: "inforequest",
    Action.MATTER_LIST: "matter",
    Action.MATTER_VIEW: "matter",
    Action.MATTER_CREATE: "village",  # a village's matter is asked of that village
    Action.MATTER_COMMUNE_WIDE: "commune",
    Action.MATTER_MANAGE: "mattervillage",
    Action.BALLOT_ENTER: "mattervillage",
    Action.VOTE_CAST: "household",  # the representative votes for their household
    Action.INITIATIVE_CREATE: "commune",
    Action.CONSENT_GIVE: "household",
    # Reception, dialogues, mediation
    Action.RECEPTION_MANAGE: "commune",
    Action.DIALOGUE_MANAGE: "commune",
    Action.DIALOGUE_ASK: "commune",
    Action.MEDIATION_TEAM_MANAGE: "commune",
    Action.MEDIATION_CASE_VIEW: "mediationcase",
    Action.MEDIATION_CASE_MANAGE: "mediationcase",
    Action.PETITION_REQUEST_LIST: "petitionrequest",
    Action.PETITION_REQUEST_VIEW: "petitionrequest",
    Action.PETITION_REQUEST_KEY_IN: "commune",  # a request is keyed in for a commune
    Action.PETITION_REQUEST_HANDLE: "petitionrequest",
    Action.PETITION_REQUEST_VIEW_CONTACT: "petitionrequest",
    Action.PETITION_REQUEST_VIEW_DENOUNCER: "petitionrequest",
    # Dân làm — contribution campaigns: a campaign is commune-level (a village head collects
    # within it; the services narrow receipts to the head's village).
    Action.CAMPAIGN_LIST: "campaign",
    Action.CAMPAIGN_MANAGE: "campaign",
    Action.RECEIPT_ISSUE: "campaign",
    Action.RECEIPT_VIEW: "campaign",
    Action.SPENDING_RECORD: "campaign",
    Action.INDICATOR_VIEW_RESTRICTED: "commune",
    Action.REVIEW_VIEW: "commune",
    Action.REVIEW_WRITE: "commune",
    Action.REVIEW_ISSUE: "commune",
    Action.STEERING_VIEW: "commune",
    Action.STEERING_MANAGE: "commune",
    Action.TASK_REPORT: "village",  # a key task is reported on by the unit it is assigned to
    Action.EMULATION_VIEW: "commune",
    Action.EMULATION_MANAGE: "commune",
    Action.BOARD_VIEW: "commune",
    Action.BOARD_MANAGE: "commune",
    Action.BOARD_WORK: "commune",
    Action.SUPERVISED_WORK_VIEW: "supervisedwork",
    Action.SUPERVISED_WORK_MANAGE: "supervisedwork",
    Action.RECOMMENDATION_CREATE: "commune",
    Action.RECOMMENDATION_ANSWER: "recommendation",
    Action.RECOMMENDATION_CLOSE: "recommendation",
    Action.CONSULTATION_LIST: "consultation",
    Action.CONSULTATION_VIEW: "consultation",
    Action.CONSULTATION_CREATE: "commune",
    Action.CONSULTATION_MANAGE: "consultation",
    Action.OPINION_ENTER: "consultation",  # entered into the commune's consultation
    Action.OPINION_SUBMIT: "consultation",
    # Opinion map: asked of the consultation's commune.
    Action.STATEMENT_PROPOSE: "commune",
    Action.STATEMENT_VOTE: "commune",
    Action.STATEMENT_MODERATE: "commune",
}

MODELS: dict[str, type[Model]] = {
    "commune": AdministrativeUnit,
    "profile": CommuneProfile,
    "village": Village,
    "household": Household,
    "resident": Resident,
    "audit": AuditEntry,
    "disclosure": Disclosure,
    "record": PublishingRecord,
    "inforequest": InformationRequest,
    "matter": Matter,
    "mattervillage": MatterVillage,
    "mediationcase": MediationCase,
    "petitionrequest": CitizenRequest,
    "campaign": Campaign,
    "supervisedwork": SupervisedWork,
    "recommendation": Recommendation,
    "consultation": Consultation,
}


@dataclass
class Obj:
    """One object of the world and where it sits."""

    instance: Any
    commune: str  # "A" or "B"
    village: int | None = None  # 1 or 2 within A, None when the object is commune-wide
    own_household: bool = False
    requester: str | None = None  # the role whose person made the row (information requests)


@dataclass
class World:
    objects: dict[str, list[Obj]] = field(default_factory=dict)
    users: dict[Role, Any] = field(default_factory=dict)


def _build_world() -> World:
    world = World()
    a, b = CommuneFactory(), CommuneFactory()  # each in its own province
    a1, a2 = VillageFactory(commune=a), VillageFactory(commune=a)
    b1 = VillageFactory(commune=b)
    h_a1, h_a2, h_b1 = (HouseholdFactory(village=v) for v in (a1, a2, b1))
    rep = ResidentFactory(household=h_a1, is_representative=True)
    member = ResidentFactory(household=h_a1)
    h_a1b = HouseholdFactory(village=a1)  # a neighbour in the same village
    world.objects = {
        "commune": [Obj(a, "A"), Obj(b, "B")],
        "profile": [
            Obj(CommuneProfile.objects.create(commune=a), "A"),
            Obj(CommuneProfile.objects.create(commune=b), "B"),
        ],
        "village": [Obj(a1, "A", 1), Obj(a2, "A", 2), Obj(b1, "B")],
        "household": [
            Obj(h_a1, "A", 1, own_household=True), Obj(h_a1b, "A", 1), Obj(h_a2, "A", 2),
            Obj(h_b1, "B"),
        ],
        "resident": [
            Obj(rep, "A", 1, own_household=True), Obj(member, "A", 1, own_household=True),
            Obj(ResidentFactory(household=h_a1b), "A", 1),
            Obj(ResidentFactory(household=h_a2), "A", 2), Obj(ResidentFactory(household=h_b1), "B"),
        ],
        "audit": [
            Obj(audit.record(actor=None, action="t", object_type="x", commune_id=a.pk), "A"),
            Obj(audit.record(actor=None, action="t", object_type="x", commune_id=b.pk), "B"),
        ],
    }  # fmt: skip
    for role in Role:
        user = UserFactory()
        world.users[role] = user
        if role == Role.PROVINCE_READER:
            RoleAssignmentFactory(user=user, role=role, unit=a.parent, commune=None)
        else:
            village = a1 if role in {Role.VILLAGE_HEAD, Role.MEDIATOR} else None
            if role in {Role.HOUSEHOLD_REPRESENTATIVE, Role.RESIDENT}:
                village = a1
                user.resident = rep if role == Role.HOUSEHOLD_REPRESENTATIVE else member
                user.save()
            RoleAssignmentFactory(user=user, role=role, commune=a, village=village)
    _add_disclosures(world, a, b, a1, a2, b1)
    _add_matters(world, a, b, a1, a2, b1)
    _add_mediation_cases(world, a1, a2, b1)
    _add_petition_requests(world, a, b, a1, b1)
    _add_campaigns(world, a, b)
    _add_oversight(world, a, b)
    world.objects["consultation"] = [
        Obj(Consultation.objects.create(commune=c, category=1, title="t", period_days=20), side)
        for c, side in ((a, "A"), (b, "B"))
    ]
    # Commune B has people in every role too: they must never reach A's rows (checked by the
    # B-side of the same assertions, from A's point of view).
    RoleAssignmentFactory(role=Role.COMMUNE_CHAIR, commune=b)
    return world


def _add_disclosures(world: World, a, b, a1, a2, b1) -> None:
    """A disclosure in each commune, postings at each village point and at the commune office,
    information requests by the household representative, the resident and someone else."""
    import datetime

    def published(commune):
        disclosure = Disclosure.objects.create(commune=commune, category=7)
        version = disclosure.versions.create(
            commune=commune, number=1, category=7, title="t", source_document="QĐ",
            source_issued_on=datetime.date(2026, 1, 5), duty_starts_on=datetime.date(2026, 1, 5),
            deadline=datetime.date(2026, 1, 12),
        )  # fmt: skip
        return disclosure, version

    def record(version, commune, village):
        channel = "village_point" if village is not None else "commune_office"
        return PublishingRecord.objects.create(
            commune=commune, version=version, channel=channel, village=village,
            started_on=datetime.date(2026, 1, 6),
        )  # fmt: skip

    d_a, v_a = published(a)
    d_b, v_b = published(b)
    world.objects["disclosure"] = [Obj(d_a, "A"), Obj(d_b, "B")]
    world.objects["record"] = [
        Obj(record(v_a, a, a1), "A", 1), Obj(record(v_a, a, a2), "A", 2),
        Obj(record(v_a, a, None), "A"), Obj(record(v_b, b, b1), "B"),
    ]  # fmt: skip
    # The commune-office record is commune-wide but village-scoped by its model: no village.
    world.objects["record"][2].village = 0

    def ask(commune, role):
        person = world.users[role] if role is not None else UserFactory()
        return InformationRequest.objects.create(
            commune=commune, requester=person, subject="s", message="m", reason="not_yet",
            due_on=datetime.date(2026, 1, 20),
        )  # fmt: skip

    world.objects["inforequest"] = [
        Obj(ask(a, Role.HOUSEHOLD_REPRESENTATIVE), "A", requester=Role.HOUSEHOLD_REPRESENTATIVE),
        Obj(ask(a, Role.RESIDENT), "A", requester=Role.RESIDENT),
        Obj(ask(a, None), "A"),
        Obj(ask(b, None), "B"),
    ]


def _add_matters(world: World, a, b, a1, a2, b1) -> None:
    """A matter in each commune, put to each of its villages."""

    def matter(commune):
        return Matter.objects.create(commune=commune, matter_type=6, title="t", question="q")

    m_a, m_b = matter(a), matter(b)
    world.objects["matter"] = [Obj(m_a, "A"), Obj(m_b, "B")]

    def put(m, village):
        return MatterVillage.objects.create(
            commune=village.commune, matter=m, village=village, form="meeting", total_households=1
        )

    world.objects["mattervillage"] = [
        Obj(put(m_a, a1), "A", 1), Obj(put(m_a, a2), "A", 2), Obj(put(m_b, b1), "B"),
    ]  # fmt: skip


def _add_mediation_cases(world: World, a1, a2, b1) -> None:
    """A case in the logbook of each village's team: its parties are confidential."""
    import datetime

    def case(village):
        team = MediationTeam.objects.create(commune=village.commune, village=village, name="t")
        return MediationCase.objects.create(
            commune=village.commune, team=team, village=village, number=1, year=2026,
            received_on=datetime.date(2026, 3, 2), subject="land", parties="p", details="d",
        )  # fmt: skip

    world.objects["mediationcase"] = [
        Obj(case(a1), "A", 1), Obj(case(a2), "A", 2), Obj(case(b1), "B"),
    ]  # fmt: skip


def _add_petition_requests(world: World, a, b, a1, b1) -> None:
    """A citizen request in each commune (commune-wide: its village is only the place)."""
    import datetime

    def filed(commune, village, code):
        return CitizenRequest.objects.create(
            commune=commune, village=village, tracking_code=code, channel="web", subject="s",
            content="c", received_on=datetime.date(2026, 1, 5),
        )  # fmt: skip

    world.objects["petitionrequest"] = [
        Obj(filed(a, a1, "PA-A"), "A"), Obj(filed(b, b1, "PA-B"), "B"),
    ]  # fmt: skip


def _add_campaigns(world: World, a, b) -> None:
    """A contribution campaign in each commune."""
    import datetime

    def campaign(commune):
        day = datetime.date(2026, 1, 5)
        return Campaign.objects.create(
            commune=commune, title="t", purpose="p", serves="s", starts_on=day, ends_on=day
        )

    world.objects["campaign"] = [Obj(campaign(a), "A"), Obj(campaign(b), "B")]


def _add_oversight(world: World, a, b) -> None:
    """A supervised work in each commune and a recommendation on it (commune-level rows)."""
    import datetime

    day = datetime.date(2026, 3, 2)

    def work(commune):
        return SupervisedWork.objects.create(
            commune=commune, name="w", name_folded="w", investor="i", budget_vnd=1,
            starts_on=day, ends_on=day,
        )  # fmt: skip

    w_a, w_b = work(a), work(b)
    world.objects["supervisedwork"] = [Obj(w_a, "A"), Obj(w_b, "B")]

    def recommend(w):
        return Recommendation.objects.create(
            commune=w.commune, board_kind="supervision", work=w, content="c", votes_for=3,
            members_total=5, received_on=day, due_on=day,
        )  # fmt: skip

    world.objects["recommendation"] = [Obj(recommend(w_a), "A"), Obj(recommend(w_b), "B")]


def _expected(role: Role, action: Action, obj: Obj, kind: str) -> bool:
    """What POLICY says for this object, computed independently of permissions.py's code."""
    scope = POLICY[role].get(action)
    if scope is None or obj.commune != "A":
        return False
    if scope in (Scope.PROVINCE, Scope.COMMUNE):
        return True
    if scope == Scope.VILLAGE:
        # Commune-wide objects (the commune, its profile, its trail) are containers a village
        # role acts within; village-bound rows must be in the role's own village (village 1).
        if kind in {
            "commune", "profile", "audit", "disclosure", "inforequest", "matter",
            "petitionrequest", "campaign", "supervisedwork", "recommendation", "consultation",
        }:  # fmt: skip
            return True
        return obj.village == 1
    if scope == Scope.PERSON:
        return obj.requester == role
    assert scope == Scope.HOUSEHOLD
    return obj.own_household


@pytest.fixture
def world(db) -> World:
    return _build_world()


def test_every_action_has_a_target():
    missing = set(Action) - set(TARGETS)
    assert not missing, f"Add these actions to TARGETS in the matrix test: {sorted(missing)}"


def test_every_role_has_a_policy_row():
    assert set(POLICY) == set(Role)
    for role, cells in POLICY.items():
        assert set(cells) <= set(Action), role


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_matrix_for_role(world, role):
    user = world.users[role]
    wrong: list[str] = []
    for action, kind in TARGETS.items():
        objs = world.objects[kind]
        expected_rows = set()
        for obj in objs:
            want = _expected(role, action, obj, kind)
            if want:
                expected_rows.add(obj.instance.pk)
            if can(user, action, obj.instance) != want:
                wrong.append(f"can({action}, {kind} {obj.commune}{obj.village or ''}) != {want}")
            wrong.extend(_check_get(user, action, obj, want))
        model = MODELS[kind]
        all_ids = [o.instance.pk for o in objs]
        got = set(
            restrict(model.objects.filter(pk__in=all_ids), user, action).values_list(
                "pk", flat=True
            )
        )
        if got != expected_rows:
            wrong.append(
                f"restrict({action}, {kind}) gave {len(got)} rows, want {len(expected_rows)}"
            )
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def _check_get(user, action, obj: Obj, allowed: bool) -> list[str]:
    model = type(obj.instance)
    try:
        get_for_actor(model.objects.all(), user, action, pk=obj.instance.pk)
    except NotFound:
        return [] if obj.commune == "B" else [f"get({action}) on A gave 404, want 403/200"]
    except PermissionDenied:
        ok = obj.commune == "A" and not allowed
        return [] if ok else [f"get({action}) on {obj.commune} gave 403"]
    return [] if allowed else [f"get({action}) on {obj.commune} allowed"]


def test_other_commune_is_always_not_found_even_for_its_chair_counterpart(world):
    chair_a = world.users[Role.COMMUNE_CHAIR]
    for _kind, objs in world.objects.items():
        for obj in objs:
            if obj.commune != "B":
                continue
            for action in Action:
                assert not can(chair_a, action, obj.instance)
            with pytest.raises(NotFound):
                get_for_actor(
                    type(obj.instance).objects.all(),
                    chair_a,
                    Action.VILLAGE_VIEW,
                    pk=obj.instance.pk,
                )


@pytest.mark.django_db
def test_village_head_cannot_touch_another_village_of_the_same_commune():
    commune = CommuneFactory()
    v1, v2 = VillageFactory(commune=commune), VillageFactory(commune=commune)
    head = RoleAssignmentFactory(role=Role.VILLAGE_HEAD, commune=commune, village=v1).user
    mine, theirs = HouseholdFactory(village=v1), HouseholdFactory(village=v2)
    their_resident = ResidentFactory(household=theirs)

    assert get_for_actor(Household.objects.all(), head, Action.HOUSEHOLD_UPDATE, pk=mine.pk) == mine
    with pytest.raises(PermissionDenied) as exc:
        get_for_actor(Household.objects.all(), head, Action.HOUSEHOLD_UPDATE, pk=theirs.pk)
    assert exc.value.status == 403
    with pytest.raises(PermissionDenied):
        get_for_actor(Resident.objects.all(), head, Action.SLIP_ISSUE, pk=their_resident.pk)
    with pytest.raises(PermissionDenied):
        get_for_actor(Village.objects.all(), head, Action.VILLAGE_UPDATE, pk=v2.pk)
    assert list(restrict(Household.objects.all(), head, Action.HOUSEHOLD_LIST)) == [mine]


@pytest.mark.django_db
def test_expired_and_future_roles_grant_nothing():
    import datetime

    commune = CommuneFactory()
    village = VillageFactory(commune=commune)
    ended = RoleAssignmentFactory(
        role=Role.COMMUNE_OFFICIAL, commune=commune, valid_to=datetime.date(2025, 12, 31)
    ).user
    future = RoleAssignmentFactory(
        role=Role.COMMUNE_OFFICIAL, commune=commune, valid_from=datetime.date(2999, 1, 1)
    ).user
    for user in (ended, future):
        assert not can(user, Action.VILLAGE_VIEW, village)
        with pytest.raises(NotFound):
            get_for_actor(Village.objects.all(), user, Action.VILLAGE_VIEW, pk=village.pk)


@pytest.mark.django_db
def test_deactivated_account_holds_no_power():
    assignment = RoleAssignmentFactory(role=Role.COMMUNE_CHAIR)
    village = VillageFactory(commune=assignment.commune)
    user = assignment.user
    user.is_active = False
    user.save()
    assert not can(user, Action.VILLAGE_VIEW, village)
    assert not restrict(Village.objects.all(), user, Action.VILLAGE_LIST).exists()


@pytest.mark.django_db
def test_anonymous_is_denied():
    from django.contrib.auth.models import AnonymousUser

    village = VillageFactory()
    assert not can(AnonymousUser(), Action.VILLAGE_VIEW, village)
    assert not can(None, Action.VILLAGE_VIEW, village)
    assert RoleAssignment.objects.count() == 0
