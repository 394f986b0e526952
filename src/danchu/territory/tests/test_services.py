"""Villages, households and representatives: the services and the database rules under them."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.territory import services
from danchu.territory.models import (
    CommuneProfile,
    Household,
    HouseholdVillagePeriod,
    Resident,
    Village,
)
from danchu.territory.tests.factories import (
    HouseholdFactory,
    ProvinceFactory,
    ResidentFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db
THON = Village.Kind.THON


def _errors(exc_info: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return exc_info.value.fields


def _member(
    name: str, *, rep: bool = False, cid: str = "", phone: str = "", sex: str = "M", born=None
) -> dict:
    return {
        "full_name": name,
        "date_of_birth": born or date(1980, 5, 1),
        "sex": sex,
        "citizen_id": cid,
        "phone": phone,
        "is_representative": rep,
    }


def _household(official, commune, village, code="HGD001", **kw):
    members = kw.pop("members", None)
    if members is None:
        members = [
            _member("Nguyễn Văn An", rep=True, cid="042080000001", phone="0912345678"),
            _member("Trần Thị Bình", cid="042180000002", sex="F"),
        ]
    return services.household_create(
        actor=official,
        commune=commune,
        village=village,
        code=code,
        address="Xóm 1, thôn Phú Thượng",
        members=members,
        **kw,
    )


# --- villages -------------------------------------------------------------------------------


def test_village_create_stores_folded_name_generates_code_and_audits(official, commune):
    village = services.village_create(
        actor=official, commune=commune, name="  Thôn   Đông  Hà ", kind=THON
    )
    assert (village.name, village.name_folded, village.code) == (
        "Thôn Đông Hà",
        "thon dong ha",
        "01",
    )
    entry = AuditEntry.objects.get(action="village.create")
    assert (entry.actor_id, entry.commune_id, entry.object_id) == (
        official.pk,
        commune.pk,
        str(village.pk),
    )
    second = services.village_create(actor=official, commune=commune, name="Tổ dân phố 1",
                                     kind=Village.Kind.TO_DAN_PHO)  # fmt: skip
    assert second.code == "02"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   ", "kind": THON}, "name"),
        ({"name": "x" * 201, "kind": THON}, "name"),
        ({"name": "Thôn Mới", "kind": "city"}, "kind"),
        ({"name": "Thôn Mới", "kind": THON, "code": "a b"}, "code"),
    ],
)
def test_village_create_rejects_bad_input_field_by_field(official, commune, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        services.village_create(actor=official, commune=commune, **kwargs)
    assert field in _errors(exc)
    assert not Village.objects.exists()


def test_village_create_refuses_a_name_taken_by_an_active_village_ignoring_diacritics(
    official, commune, other_commune
):
    services.village_create(actor=official, commune=commune, name="Thôn Đông Hà", kind=THON)
    with pytest.raises(ValidationFailed) as exc:
        services.village_create(actor=official, commune=commune, name="thon dong ha", kind=THON)
    assert "name" in _errors(exc)
    # Another commune may use the same name.
    services.village_create(actor=None, commune=other_commune, name="Thôn Đông Hà", kind=THON)


def test_village_create_refuses_a_duplicate_code_and_a_province(official, commune):
    services.village_create(actor=official, commune=commune, name="A", kind=THON, code="T1")
    with pytest.raises(ValidationFailed) as exc:
        services.village_create(actor=official, commune=commune, name="B", kind=THON, code="T1")
    assert "code" in _errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        services.village_create(actor=official, commune=ProvinceFactory(), name="C", kind=THON)
    assert "commune" in _errors(exc)


def test_village_rename_keeps_the_old_name_in_the_audit_trail(official, commune):
    village = services.village_create(actor=official, commune=commune, name="Thôn Cũ", kind=THON)
    services.village_update(actor=official, village=village, name="Thôn Mới")
    village.refresh_from_db()
    assert (village.name, village.name_folded) == ("Thôn Mới", "thon moi")
    entry = AuditEntry.objects.get(action="village.update")
    assert (entry.before["name"], entry.after["name"]) == ("Thôn Cũ", "Thôn Mới")
    # No change → no audit entry.
    services.village_update(actor=official, village=village, name="Thôn Mới")
    assert AuditEntry.objects.filter(action="village.update").count() == 1


def test_village_rename_to_a_sibling_name_is_refused(official, commune):
    services.village_create(actor=official, commune=commune, name="Thôn Một", kind=THON)
    two = services.village_create(actor=official, commune=commune, name="Thôn Hai", kind=THON)
    with pytest.raises(ValidationFailed) as exc:
        services.village_update(actor=official, village=two, name="THÔN MỘT")
    assert "name" in _errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        services.village_update(actor=official, village=two, name="")
    assert "name" in _errors(exc)


def test_village_merge_moves_households_keeps_history_and_frees_the_name(official, commune):
    old = services.village_create(actor=official, commune=commune, name="Thôn Bắc", kind=THON)
    into = services.village_create(actor=official, commune=commune, name="Thôn Nam", kind=THON)
    household = _household(official, commune, old, on=date(2025, 8, 1))

    result = services.village_merge(actor=official, village=old, into=into)

    assert result == into
    old.refresh_from_db()
    household.refresh_from_db()
    assert (old.is_active, old.merged_into_id, household.village_id) == (False, into.pk, into.pk)
    periods = list(HouseholdVillagePeriod.objects.filter(household=household).order_by("start"))
    assert [p.village_id for p in periods] == [old.pk, into.pk]
    assert periods[0].end is not None
    assert periods[1].end is None
    assert AuditEntry.objects.get(action="village.merge").after["households_moved"] == 1
    # The merged village's name can be used again by a new active village.
    services.village_create(actor=official, commune=commune, name="Thôn Bắc", kind=THON)


def test_village_merge_refuses_itself_inactive_and_other_commune(official, commune, other_commune):
    a = services.village_create(actor=official, commune=commune, name="A", kind=THON)
    b = services.village_create(actor=official, commune=commune, name="B", kind=THON)
    c = services.village_create(actor=official, commune=commune, name="C", kind=THON)
    foreign = VillageFactory(commune=other_commune)
    for into in (a, foreign):
        with pytest.raises(ValidationFailed) as exc:
            services.village_merge(actor=official, village=a, into=into)
        assert "into" in _errors(exc)
    services.village_merge(actor=official, village=b, into=c)
    with pytest.raises(ValidationFailed) as exc:
        services.village_merge(actor=official, village=a, into=b)
    assert "into" in _errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        services.village_update(actor=official, village=b, name="B2")
    assert exc.value.code == "inactive"


def test_services_check_the_actor_scope(official, commune, other_commune, village):
    """Another commune's unit does not exist for the actor (404); a role without the right
    gets 403; the system (actor=None) may act anywhere."""
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    with pytest.raises(NotFound):
        services.village_create(actor=official, commune=other_commune, name="X", kind=THON)
    head = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=village).user
    with pytest.raises(PermissionDenied):
        services.village_create(actor=head, commune=commune, name="X", kind=THON)
    foreign = HouseholdFactory(village=VillageFactory(commune=other_commune))
    with pytest.raises(NotFound):
        services.representative_set(
            actor=official, household=foreign, resident=ResidentFactory(household=foreign)
        )
    services.village_create(actor=None, commune=other_commune, name="X", kind=THON)
    # A village head keeps the members of their own village's households.
    own = HouseholdFactory(village=village)
    services.resident_add(actor=head, household=own, full_name="Hồ Văn Giáp")


# --- households -----------------------------------------------------------------------------


def test_household_create_encrypts_personal_data_and_keeps_it_out_of_the_audit(
    official, commune, village
):
    household = _household(official, commune, village)
    members = list(household.members.order_by("-is_representative", "id"))
    assert [m.full_name for m in members] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert [m.is_representative for m in members] == [True, False]
    assert household.representative_name_folded == "nguyen van an"
    assert members[0].citizen_id == "042080000001"
    assert members[0].citizen_id_index
    raw = Resident.objects.filter(pk=members[0].pk).values_list("citizen_id", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citizen_id, phone FROM territory_resident WHERE id = %s", [members[0].pk]
        )
        stored = cursor.fetchone()
    assert "042080000001" not in stored[0]
    assert "0912345678" not in stored[1]
    assert list(raw) == ["042080000001"]
    entry = AuditEntry.objects.get(action="household.create")
    assert "042080000001" not in str(entry.after)
    assert "0912345678" not in str(entry.after)
    period = HouseholdVillagePeriod.objects.get(household=household)
    assert (period.village_id, period.end) == (village.pk, None)


@pytest.mark.parametrize(
    ("members", "field"),
    [
        ([], "members"),
        ([_member("A"), _member("B")], "members"),  # no representative
        ([_member("A", rep=True), _member("B", rep=True)], "members"),  # two
        ([_member("A", rep=True, cid="12345")], "members.0.citizen_id"),
        ([_member("A", rep=True), _member("", cid="")], "members.1.full_name"),
        ([_member("A", rep=True, phone="12")], "members.0.phone"),
        # Circular 59/2021/TT-BCA Art. 7: the CCCD agrees with the date of birth and the sex.
        (
            [_member("A", rep=True, cid="042080000123", born=date(1981, 5, 1))],
            "members.0.citizen_id",
        ),
        ([_member("A", rep=True, cid="042080000123", sex="F")], "members.0.citizen_id"),
        ([_member("A", rep=True, cid="０４２٠８０００００１２３")], "members.0.citizen_id"),
        ([_member("A", rep=True, cid="042080000009"), _member("B", cid="042080000009")], "members"),
    ],
)
def test_household_create_validates_members_and_writes_nothing(
    official, commune, village, members, field
):
    with pytest.raises(ValidationFailed) as exc:
        _household(official, commune, village, members=members)
    assert field in _errors(exc)
    assert not Household.objects.exists()
    assert not Resident.objects.exists()


def test_household_create_refuses_duplicates_and_foreign_villages(
    official, commune, village, other_commune
):
    _household(official, commune, village)
    with pytest.raises(ValidationFailed) as exc:
        _household(official, commune, village, members=[_member("X", rep=True)])
    assert "code" in _errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        _household(official, commune, village, code="HGD002",
                   members=[_member("X", rep=True, cid="042080000001")])  # fmt: skip
    assert "citizen_id" in _errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        _household(official, commune, VillageFactory(commune=other_commune), code="HGD003")
    assert "village" in _errors(exc)


def test_household_move_closes_the_period_and_opens_the_next(official, commune, village):
    other = VillageFactory(commune=commune)
    household = _household(official, commune, village, on=date(2025, 7, 1))
    services.household_move(actor=official, household=household, village=other, on=date(2025, 9, 1))
    services.household_move(
        actor=official, household=household, village=village, on=date(2026, 1, 1)
    )

    periods = list(
        HouseholdVillagePeriod.objects.filter(household=household)
        .order_by("start")
        .values_list("village_id", "start", "end")
    )
    assert periods == [
        (village.pk, date(2025, 7, 1), date(2025, 9, 1)),
        (other.pk, date(2025, 9, 1), date(2026, 1, 1)),
        (village.pk, date(2026, 1, 1), None),
    ]
    household.refresh_from_db()
    assert household.village_id == village.pk
    moves = AuditEntry.objects.filter(action="household.move").order_by("id")
    assert [(e.before["village"], e.after["village"]) for e in moves] == [
        (village.pk, other.pk),
        (other.pk, village.pk),
    ]


def test_household_move_refuses_same_foreign_inactive_village_and_backdating(
    official, commune, village, other_commune
):
    household = _household(official, commune, village, on=date(2025, 7, 1))
    foreign = VillageFactory(commune=other_commune)
    merged = VillageFactory(commune=commune, is_active=False)
    for target in (village, foreign, merged):
        with pytest.raises(ValidationFailed) as exc:
            services.household_move(actor=official, household=household, village=target)
        assert "village" in _errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        services.household_move(
            actor=official,
            household=household,
            village=VillageFactory(commune=commune),
            on=date(2025, 1, 1),
        )
    assert "on" in _errors(exc)
    assert HouseholdVillagePeriod.objects.filter(household=household).count() == 1


# --- representatives ------------------------------------------------------------------------


def test_database_refuses_two_representatives(village):
    household = HouseholdFactory(village=village)
    ResidentFactory(household=household, is_representative=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidentFactory(household=household, is_representative=True)


def test_representative_set_moves_the_single_flag(official, commune, village):
    household = _household(official, commune, village)
    binh = household.members.get(full_name="Trần Thị Bình")
    services.representative_set(actor=official, household=household, resident=binh)
    reps = list(
        household.members.filter(is_representative=True).values_list("full_name", flat=True)
    )
    assert reps == ["Trần Thị Bình"]
    household.refresh_from_db()
    assert household.representative_name_folded == "tran thi binh"
    entry = AuditEntry.objects.get(action="household.representative_set")
    assert entry.after == {"representative": binh.pk}


def test_representative_set_refuses_a_member_of_another_household(official, commune, village):
    household = _household(official, commune, village)
    stranger = ResidentFactory(household=HouseholdFactory(village=village))
    with pytest.raises(ValidationFailed) as exc:
        services.representative_set(actor=official, household=household, resident=stranger)
    assert "resident" in _errors(exc)


def test_resident_add_keeps_exactly_one_representative(official, commune, village):
    household = HouseholdFactory(village=village)
    first = services.resident_add(actor=official, household=household, full_name="Lê Văn Cường")
    assert first.is_representative  # the first member of an empty household represents it
    second = services.resident_add(actor=official, household=household, full_name="Lê Thị Dung")
    assert not second.is_representative
    third = services.resident_add(
        actor=official, household=household, full_name="Lê Văn Em", is_representative=True
    )
    reps = household.members.filter(is_representative=True)
    assert list(reps.values_list("pk", flat=True)) == [third.pk]
    with pytest.raises(ValidationFailed) as exc:
        services.resident_add(actor=official, household=household, full_name="X", citizen_id="1")
    assert "citizen_id" in _errors(exc)


# --- commune profile ------------------------------------------------------------------------


def test_commune_profile_update_creates_validates_and_audits(chair, official, commune):
    with pytest.raises(PermissionDenied):  # settings are the chair's
        services.commune_profile_update(actor=official, commune=commune, address="x")
    profile = services.commune_profile_update(
        actor=chair, commune=commune, address="Thị trấn Nghèn cũ", phone="0239 3840 000"
    )
    assert CommuneProfile.objects.get(commune=commune).phone == "0239 3840 000"
    assert profile.address == "Thị trấn Nghèn cũ"
    entry = AuditEntry.objects.get(action="commune.profile_update")
    assert entry.after["address"] == "Thị trấn Nghèn cũ"
    for bad in ({"email": "not-an-email"}, {"phone": "call me"}, {"secret": 1}):
        with pytest.raises(ValidationFailed) as exc:
            services.commune_profile_update(actor=chair, commune=commune, **bad)
        assert set(bad) <= set(_errors(exc))


def test_village_update_without_a_change_writes_no_audit_entry(official, commune):
    village = services.village_create(actor=official, commune=commune, name="Thôn Cũ", kind=THON)
    before = AuditEntry.objects.count()
    services.village_update(actor=official, village=village)  # PATCH {}
    services.village_update(actor=official, village=village, name=" Thôn  Cũ ", kind=THON)
    assert AuditEntry.objects.count() == before
    services.village_update(actor=official, village=village, kind=Village.Kind.TO_DAN_PHO)
    assert AuditEntry.objects.count() == before + 1


def test_village_patch_with_an_empty_body_writes_no_audit_entry(client, official, commune):
    from danchu.api.tests.helpers import auth, token_for

    village = services.village_create(actor=official, commune=commune, name="Thôn Cũ", kind=THON)
    before = AuditEntry.objects.filter(action__startswith="village.").count()
    response = client.patch(
        f"/api/v1/villages/{village.pk}", {}, content_type="application/json",
        **auth(token_for(official)),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Thôn Cũ"
    assert AuditEntry.objects.filter(action__startswith="village.").count() == before
