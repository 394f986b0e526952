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


@pytest.fixture
def _django_db_helper(_django_db_helper):
    """After a transactional test (live server, browser, fuzzing) the test database is flushed;
    the audit trail's append-only triggers would refuse that, so the trail is emptied first
    with the triggers briefly off. Tests inside a transaction roll back and need nothing.
    """
    yield _django_db_helper
    from django.db import connection

    from danchu.core import triggers

    if connection.in_atomic_block:
        return  # a test inside a transaction: it rolls back
    if connection.connection is None:
        # A live-server test may not have used this thread's connection at all; its server
        # thread wrote the trail all the same.
        try:
            connection.ensure_connection()
        except RuntimeError:  # a test without database access
            return
    triggers.purge_for_tests(connection)
