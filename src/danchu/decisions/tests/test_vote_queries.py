"""Queries per online vote (quality bar P7: the vote endpoint ≥ 20 % of a bare view's
throughput). The household and its commune are read once, with the token; the grants once
per request; the matter village once before the service locks it. These tests fail when a
vote needs more queries than it does today."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from danchu.api.tests.helpers import auth, token_for
from danchu.decisions import services
from danchu.decisions.models import MatterVillage, Vote
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    option,
    representative,
)

pytestmark = pytest.mark.django_db

# Statements of one online vote (savepoints and the PostgreSQL locks aside): the token with
# its user, their resident record, household and commune; the matter village with its matter
# and commune; the grants; the option; then the service: the village with the household's
# eligibility, the existing vote locked, the insert or update, the audit trail's last hash and
# the new entry.
FIRST_VOTE_MAX = 10  # + the token's last-used time, written at most every 5 minutes
CHANGED_VOTE_MAX = 9


def _online_matter(official, village):
    matter = make_matter(official, [village], MatterType.OTHER)
    mv = matter_village(matter, village)
    # Decree 59/2023 Art. 5(2)(c): more than half of the households agreed to vote online.
    for household in households_of(village)[:3]:
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=household, agrees=True
        )
    services.matter_open(
        actor=official, matter=matter,
        plans={village.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)},
    )  # fmt: skip
    return matter, mv


def _statements(client, url, body, headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, json.dumps(body), content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    return [q["sql"] for q in ctx.captured_queries if _counted(q["sql"])]


def _counted(sql):
    """Savepoints come from the test's transaction and the services' atomic blocks; PostgreSQL's
    advisory lock serialises the audit trail's writers and its shared lock on the village
    serialises votes against the closing (SQLite's transactions do both)."""
    return not any(s in sql for s in ("SAVEPOINT", "pg_advisory_xact_lock", "FOR SHARE"))


def test_queries_per_api_vote_do_not_grow(client, commune, official):
    village = make_village(commune, households=4)
    matter, mv = _online_matter(official, village)
    headers = auth(token_for(representative(households_of(village)[0])))
    url = f"/api/v1/matter-villages/{mv.pk}/vote"

    first = _statements(client, url, {"option_id": option(matter, "approve").pk}, headers)
    changed = _statements(client, url, {"option_id": option(matter, "reject").pk}, headers)

    assert len(first) <= FIRST_VOTE_MAX, "\n".join(first)
    assert len(changed) <= CHANGED_VOTE_MAX, "\n".join(changed)
    # The resident, the household and its commune come with the token, not in three queries.
    assert 'JOIN "territory_resident"' in changed[0], changed[0]
    assert not any('FROM "territory_resident"' in sql for sql in changed), "\n".join(changed)
    assert not any('FROM "territory_household"' in sql.split("WHERE")[0] for sql in changed[:5])
    assert sum('FROM "accounts_roleassignment"' in sql for sql in changed) == 1
    vote = Vote.objects.get(matter=matter)
    assert vote.option == option(matter, "reject")


def test_queries_per_page_vote_do_not_grow(client, commune, official):
    """The server-rendered vote form reads the household the same way."""
    village = make_village(commune, households=4)
    matter, mv = _online_matter(official, village)
    client.force_login(representative(households_of(village)[0]))
    url = f"/bieu-quyet/{mv.pk}/"
    client.post(url, {"option": option(matter, "approve").pk})
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, {"option": option(matter, "reject").pk})
    assert response.status_code == 302, response.content
    statements = [q["sql"] for q in ctx.captured_queries if _counted(q["sql"])]
    assert sum('FROM "territory_resident"' in sql for sql in statements) == 1, statements
    assert sum('FROM "accounts_roleassignment"' in sql for sql in statements) == 1, statements
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")


def _lock_waits(statement, params):
    """Whether ``statement`` has to wait for a lock another transaction holds (it gives up
    after 300 ms), run in a thread with its own connection."""
    outcome: list[bool] = []

    def other() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
                try:
                    with transaction.atomic():
                        cursor.execute(statement, params)
                    outcome.append(False)
                except OperationalError:  # lock_timeout: it had to wait
                    outcome.append(True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=30)
    assert outcome, "the other transaction did not finish"
    return outcome[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_vote_holds_off_the_closing_but_not_other_votes(commune, official):
    """While a vote is being recorded its village cannot be locked for counting (the closing's
    FOR NO KEY UPDATE waits), so a vote is either in the sealed tally or refused; another
    household's vote in the same village does not wait (the shared lock, quality bar P7)."""
    village = make_village(commune, households=4)
    _matter, mv = _online_matter(official, village)
    voter = households_of(village)[0]
    table = MatterVillage._meta.db_table
    with transaction.atomic():
        locked, eligible = services._lock_village_for_vote(mv, voter.pk)
        assert eligible
        assert locked.matter.status == "open"
        closing = f'SELECT id FROM "{table}" WHERE id = %s FOR NO KEY UPDATE'  # noqa: S608
        assert _lock_waits(closing, [mv.pk])
        another_vote = f'SELECT id FROM "{table}" WHERE id = %s FOR SHARE'  # noqa: S608
        assert not _lock_waits(another_vote, [mv.pk])
    assert not _lock_waits(closing, [mv.pk])  # released with the vote's transaction
