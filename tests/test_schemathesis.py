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
    _token, raw = api_token_create(actor=user, user=user, name="fuzz")
    return raw


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_fuzz(case, official_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {official_token}"})
