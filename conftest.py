"""Shared pytest fixtures: a commune with villages and people in each role."""

from __future__ import annotations

import pytest


@pytest.fixture
def commune(db):
    from danchu.territory.tests.factories import CommuneFactory

    return CommuneFactory()


@pytest.fixture
def other_commune(db):
    from danchu.territory.tests.factories import CommuneFactory

    return CommuneFactory()


@pytest.fixture
def village(commune):
    from danchu.territory.tests.factories import VillageFactory

    return VillageFactory(commune=commune)


@pytest.fixture
def official(commune):
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_OFFICIAL).user


@pytest.fixture
def chair(commune):
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
