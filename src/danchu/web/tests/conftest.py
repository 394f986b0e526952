"""Fixtures for the web shell tests: a commune in use, with villages, households and people."""

from __future__ import annotations

import pytest

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.territory.models import CommuneProfile
from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory, VillageFactory


@pytest.fixture
def profile(commune):
    return CommuneProfile.objects.create(
        commune=commune,
        address="Số 1 đường Trung tâm",
        phone="0239 3840 123",
        email="ubnd@example.vn",
    )


@pytest.fixture
def household(village):
    household = HouseholdFactory(village=village)
    ResidentFactory(household=household, is_representative=True, phone="0912345678")
    ResidentFactory(household=household)
    return household


@pytest.fixture
def other_household(other_commune):
    return HouseholdFactory(village=VillageFactory(commune=other_commune))


@pytest.fixture
def village_head(village):
    return RoleAssignmentFactory(
        commune=village.commune, village=village, role=Role.VILLAGE_HEAD
    ).user


@pytest.fixture
def front_officer(commune):
    return RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user
