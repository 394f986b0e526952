"""Selectors: diacritic-insensitive search, scoping by the permission layer, and query counts
that do not grow with the number of rows (runs the same on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.accounts.models import Role, User
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.errors import NotFound, PermissionDenied
from danchu.core.text import fold_vi
from danchu.territory import selectors
from danchu.territory.models import AdministrativeUnit
from danchu.territory.tests.factories import (
    CommuneFactory,
    HouseholdFactory,
    ProvinceFactory,
    ResidentFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


def make_household(village, representative="Nguyễn Văn An", members=1, **kwargs):
    """A household with its representative (and ``members - 1`` others), folded name filled."""
    household = HouseholdFactory(
        village=village, representative_name_folded=fold_vi(representative), **kwargs
    )
    ResidentFactory(household=household, full_name=representative, is_representative=True)
    for _ in range(members - 1):
        ResidentFactory(household=household)
    return household


def fresh(user):
    """The same person without cached grants, as a new request would see them."""
    return User.objects.get(pk=user.pk)


# ---------------------------------------------------------------------------------------------
# Search ignores diacritics and case


def test_unit_search_ignores_diacritics():
    province = ProvinceFactory(name="Tỉnh Hà Tĩnh")
    dang = CommuneFactory(name="Xã Đặng Sơn", parent=province)
    CommuneFactory(name="Xã Can Lộc", parent=province)
    assert list(selectors.unit_list(q="dang son")) == [dang]
    assert list(selectors.unit_list(q="ĐẶNG")) == [dang]
    assert list(selectors.unit_list(level="commune", parent=province.code, q="xa")) == list(
        selectors.unit_list(level="commune", parent=province)
    )
    assert selectors.unit_list(q="ha tinh", level="province").get() == province


def test_unit_get_and_commune_public():
    commune = CommuneFactory(code="18406")
    assert selectors.unit_get("18406") == commune
    assert selectors.unit_get("18406", level="commune", era="2025") == commune
    assert selectors.commune_public("18406") == commune
    former = CommuneFactory(code="18407", era=AdministrativeUnit.Era.FORMER)
    assert selectors.unit_get("18407", era="former") == former
    with pytest.raises(NotFound):
        selectors.commune_public("18407")  # a former unit is not a 2025 commune
    with pytest.raises(NotFound):
        selectors.unit_get("99999")


def test_household_search_by_representative_address_and_code(commune, village, official):
    an = make_household(village, "Nguyễn Văn An", address="Xóm Đình, thôn Đông")
    make_household(village, "Trần Thị Bình", address="Xóm Chợ")
    actor = fresh(official)
    assert list(selectors.household_list(actor=actor, q="nguyen van an")) == [an]
    assert list(selectors.household_list(actor=actor, q="NGUYEN")) == [an]
    assert list(selectors.household_list(actor=actor, q="dinh")) == [an]  # address, "đ" → "d"
    assert list(selectors.household_list(actor=actor, q=an.code.lower())) == [an]
    assert list(selectors.household_list(actor=actor, q="nguyen binh")) == []
    assert selectors.household_list(actor=actor).get(pk=an.pk).representative_name == (
        "Nguyễn Văn An"
    )


def test_resident_search_dang_matches_d_stroke(commune, village, official):
    household = make_household(village, "Đặng Thị Hoa", members=2)
    hoa = household.members.get(is_representative=True)
    actor = fresh(official)
    assert list(selectors.resident_list(actor=actor, q="dang")) == [hoa]
    assert list(selectors.resident_list(actor=actor, q="DANG THI HOA")) == [hoa]
    assert list(selectors.resident_list(actor=actor, q="hoà")) == [hoa]
    assert selectors.resident_list(actor=actor, household=household).count() == 2


def test_village_search_and_household_counts(commune, official):
    dong = VillageFactory(commune=commune, name="Thôn Đông Hà")
    VillageFactory(commune=commune, name="Thôn Tây")
    inactive = VillageFactory(commune=commune, name="Thôn Đông Cũ", is_active=False)
    for _ in range(3):
        make_household(dong)
    actor = fresh(official)
    found = list(selectors.village_list(actor=actor, commune=commune, q="thon dong"))
    assert found == [dong]
    assert found[0].household_count == 3
    assert inactive in selectors.village_list(actor=actor, q="dong", include_inactive=True)
    assert selectors.village_list(actor=actor, commune=commune.code).count() == 2
    public = selectors.village_list_public(commune=commune)
    assert [(v["name"], v["household_count"]) for v in public] == [
        ("Thôn Đông Hà", 3),
        ("Thôn Tây", 0),
    ]


def test_control_characters_and_long_queries_are_harmless(commune, village, official):
    household = make_household(village, "Nguyễn Văn An")
    actor = fresh(official)
    # Control characters are dropped: "ngu\x00yen" is searched as "nguyen".
    assert list(selectors.household_list(actor=actor, q="ngu\x00yen")) == [household]
    assert selectors.resident_list(actor=actor, q="a" * 10_000).count() == 0
    # A query of control characters only is no query at all: every unit of the era.
    everything = list(selectors.unit_list())
    assert commune in everything
    assert list(selectors.unit_list(q="\x00")) == everything


# ---------------------------------------------------------------------------------------------
# Scoping


def test_commune_a_official_sees_nothing_of_commune_b(official, village, other_commune):
    make_household(village, "Lê Văn Mình")
    other_village = VillageFactory(commune=other_commune)
    theirs = make_household(other_village, "Lê Văn Mình")
    actor = fresh(official)
    assert not selectors.village_list(actor=actor, commune=other_commune).exists()
    assert not selectors.household_list(actor=actor, commune=other_commune).exists()
    assert not selectors.resident_list(actor=actor, commune=other_commune.code).exists()
    assert selectors.household_list(actor=actor, q="le van minh").count() == 1
    with pytest.raises(NotFound):
        selectors.household_get(actor=actor, pk=theirs.pk)
    with pytest.raises(NotFound):
        selectors.resident_get(actor=actor, pk=theirs.members.get().pk)
    with pytest.raises(NotFound):
        selectors.village_get(actor=actor, pk=other_village.pk)


def test_village_head_sees_only_their_village(commune):
    mine, other = VillageFactory(commune=commune), VillageFactory(commune=commune)
    own = make_household(mine)
    foreign = make_household(other)
    head = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=mine).user
    actor = fresh(head)
    assert list(selectors.household_list(actor=actor)) == [own]
    assert list(selectors.resident_list(actor=actor)) == list(own.members.all())
    assert selectors.household_get(actor=actor, pk=own.pk) == own
    # Same commune, other village: visible commune, no right on that household → 403.
    with pytest.raises(PermissionDenied):
        selectors.household_get(actor=actor, pk=foreign.pk)


def test_role_without_the_right_gets_403_in_own_commune(commune, village):
    household = make_household(village)
    front = RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user
    actor = fresh(front)
    assert selectors.household_list(actor=actor).count() == 1  # may list
    assert not selectors.resident_list(actor=actor).exists()  # may not list residents
    with pytest.raises(PermissionDenied):
        selectors.household_get(actor=actor, pk=household.pk)


def test_anonymous_sees_nothing(village):
    from django.contrib.auth.models import AnonymousUser

    make_household(village)
    assert not selectors.household_list(actor=AnonymousUser()).exists()
    assert not selectors.village_list(actor=None).exists()


# ---------------------------------------------------------------------------------------------
# Query counts do not grow with rows


def _touch_household(h):
    return (h.code, h.village.name, h.commune.code, h.representative_name, h.member_count)


def _touch_resident(r):
    return (r.full_name, r.household.code, r.household.village.name, r.commune.code)


def _count_queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _grow_to(commune, villages, target):
    existing = sum(v.households.count() for v in villages)
    for i in range(existing, target):
        make_household(villages[i % len(villages)], f"Phạm Văn {i}", members=2)


@pytest.mark.parametrize(
    "read",
    [
        lambda a: [_touch_household(h) for h in selectors.household_list(actor=a)],
        lambda a: [_touch_resident(r) for r in selectors.resident_list(actor=a)],
        lambda a: [(v.name, v.household_count) for v in selectors.village_list(actor=a)],
        lambda a: selectors.village_list_public(commune=a._commune),
    ],
    ids=["households", "residents", "villages", "villages_public"],
)
def test_list_query_count_constant_in_rows(commune, official, read):
    villages = [VillageFactory(commune=commune) for _ in range(5)]
    counts = []
    for rows in (10, 100):
        _grow_to(commune, villages, rows)
        actor = fresh(official)
        actor._commune = commune
        counts.append(_count_queries(lambda actor=actor: read(actor)))
    assert counts[0] == counts[1], counts


def test_household_detail_query_count_constant_in_members(commune, village, official):
    small, large = make_household(village, members=2), make_household(village, members=12)
    counts = []
    for household in (small, large):
        actor = fresh(official)
        actor.roles.count()  # keep grant loading out of neither measure: both load them

        def read(actor=actor, pk=household.pk):
            h = selectors.household_get(actor=actor, pk=pk)
            return [(m.full_name, m.citizen_id_masked, h.village.name) for m in h.members.all()]

        counts.append(_count_queries(read))
    assert counts[0] == counts[1], counts
