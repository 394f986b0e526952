"""The demo commune: deterministic, one representative per household, idempotent."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from danchu.accounts.models import Role, RoleAssignment, User
from danchu.territory.demo import (
    DEMO_COMMUNE_CODE,
    VILLAGES,
    demo_load,
    generate_households,
)
from danchu.territory.models import Household, Resident, Village
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory

CCCD = re.compile(r"^042[0-3]\d{2}9\d{5}$")


def test_same_seed_same_households_other_seed_other_households():
    first = generate_households(2025, 50)
    again = generate_households(2025, 50)
    other = generate_households(7, 50)
    names = [m.full_name for p in first for m in p.members]
    assert names == [m.full_name for p in again for m in p.members]
    assert names != [m.full_name for p in other for m in p.members]


def test_generated_households_are_plausible_and_clearly_fake():
    plans = generate_households(2025, 2000)
    assert len(plans) == 2000
    assert len({p.code for p in plans}) == 2000
    members = [m for p in plans for m in p.members]
    assert all(2 <= len(p.members) <= 6 for p in plans)
    assert all(sum(m.is_representative for m in p.members) == 1 for p in plans)
    ids = [m.citizen_id for m in members if m.citizen_id]
    assert len(ids) == len(set(ids))
    assert all(CCCD.match(i) for i in ids)
    # The sex/century digit agrees with the person: 0/2 male, 1/3 female (20th/21st century).
    assert all(
        int(m.citizen_id[3]) % 2 == (m.sex == "F") and m.citizen_id[4:6] == f"{m.date_of_birth:%y}"
        for m in members
        if m.citizen_id
    )
    assert all(m.phone.startswith("09000") and len(m.phone) == 10 for m in members if m.phone)
    surnames = Counter(m.full_name.split()[0] for m in members)
    assert surnames.most_common(1)[0][0] == "Nguyễn"
    assert {p.village_code for p in plans} == {v[0] for v in VILLAGES}
    assert all(p.address.startswith(("Xóm ", "Số ")) for p in plans)


@pytest.fixture
def can_loc(db):
    # The real code, so the demo does not load all 14,000 units in this test.
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    return CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)


def test_demo_loads_commune_idempotently(can_loc):
    result = demo_load(seed=2025, households=30)
    assert (result.households_created, result.units_loaded) == (30, False)
    assert Village.objects.filter(commune=can_loc).count() == 10
    households = Household.objects.filter(commune=can_loc)
    with_one_rep = households.annotate(
        reps=Count("members", filter=Q(members__is_representative=True))
    ).filter(reps=1)
    assert with_one_rep.count() == households.count() == 30
    first_names = list(Resident.objects.order_by("id").values_list("full_name", flat=True)[:5])
    assert first_names == [m.full_name for m in generate_households(2025, 1)[0].members][:5]
    roles = Counter(RoleAssignment.objects.values_list("role", flat=True))
    assert roles[Role.COMMUNE_CHAIR] == 1
    assert roles[Role.COMMUNE_OFFICIAL] == 2
    assert roles[Role.VILLAGE_HEAD] == 10
    assert roles[Role.PROVINCE_READER] == 1
    assert roles[Role.HOUSEHOLD_REPRESENTATIVE] == 3
    assert [s.kind for s in result.sign_ins].count("slip") == 3
    counts = (households.count(), Resident.objects.count(), User.objects.count(),
              RoleAssignment.objects.count())  # fmt: skip

    again = demo_load(seed=2025, households=30)
    assert again.households_created == 0
    assert counts == (households.count(), Resident.objects.count(), User.objects.count(),
                      RoleAssignment.objects.count())  # fmt: skip

    rebuilt = demo_load(seed=99, households=12, reset=True)
    assert rebuilt.households_created == 12
    assert households.count() == 12
    assert User.objects.count() == counts[2]


def test_demo_command_prints_the_sign_ins(can_loc):
    out = StringIO()
    call_command("demo", households=5, stdout=out)
    text = out.getvalue()
    assert "Đăng nhập demo / Demo sign-ins" in text
    assert "http://127.0.0.1:8000/" in text
    assert "chutich.canloc" in text
    assert "tinh.hatinh" in text
    assert len(re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", text)) == 3
