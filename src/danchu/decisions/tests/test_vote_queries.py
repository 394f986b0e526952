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
from danchu.core.errors import ApplicationError
from danchu.core.models import AuditEntry
from danchu.decisions import services
from danchu.decisions.models import MatterVillage, Vote, VoteConflict
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
# its person, their resident record, household, commune and grants; then the service: the
# locked village with its matter, the chosen option, the household's eligibility and existing
# vote, the insert (ON CONFLICT DO NOTHING) or the update, the audit
# trail's last hash and the new entry (on PostgreSQL one call of the function that appends
# it). A vote does not mark its commune for the roll-ups (it counts once its matter closes).
FIRST_VOTE_MAX = {"sqlite": 6, "postgresql": 4}  # with the token's last-used time
CHANGED_VOTE_MAX = {"sqlite": 5, "postgresql": 3}


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

    assert len(first) <= FIRST_VOTE_MAX[connection.vendor], "\n".join(first)
    assert len(changed) <= CHANGED_VOTE_MAX[connection.vendor], "\n".join(changed)
    # The resident, the household, its commune and the grants come with the token.
    assert 'JOIN "territory_resident"' in changed[0], changed[0]
    assert 'JOIN "accounts_roleassignment"' in changed[0], changed[0]
    assert not any('FROM "territory_resident"' in sql for sql in changed), "\n".join(changed)
    assert not any('FROM "territory_household"' in sql.split("WHERE")[0] for sql in changed[:5])
    assert not any('FROM "accounts_roleassignment"' in sql for sql in changed)
    # The option comes with the matter village; the existing vote with the locked village.
    assert not any('FROM "decisions_option"' in sql for sql in changed), "\n".join(changed)
    assert not any('FROM "decisions_vote"' in sql for sql in changed), "\n".join(changed)
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
        locked, eligible, _vote, _channel = services._lock_village_for_vote(mv, voter.pk)
        assert eligible
        assert locked.matter.status == "open"
        closing = f'SELECT id FROM "{table}" WHERE id = %s FOR NO KEY UPDATE'  # noqa: S608
        assert _lock_waits(closing, [mv.pk])
        another_vote = f'SELECT id FROM "{table}" WHERE id = %s FOR SHARE'  # noqa: S608
        assert not _lock_waits(another_vote, [mv.pk])
    assert not _lock_waits(closing, [mv.pk])  # released with the vote's transaction


# --- the one-statement save and its fall-backs (quality bar P7, rule of Art. 19(3)) ----------


def _lock(mv, household):
    with transaction.atomic():
        return services._lock_village_for_vote(mv, household.pk)


def test_the_locked_read_brings_eligibility_and_the_existing_vote(commune, official):
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    voter, other = households_of(village)
    state = _lock(mv, voter)
    assert state.eligible
    assert state.vote_id is None
    assert state.vote_channel is None
    assert state.mv.matter.status == "open"
    assert state.mv.matter.secret is False
    user = representative(voter)
    vote = services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    state = _lock(mv, voter)
    assert (state.vote_id, state.vote_channel) == (vote.pk, "online")
    assert _lock(mv, other).vote_id is None


def test_a_first_vote_that_lost_the_race_becomes_a_change(commune, official):
    """The locked read saw no vote, but another submission of the household inserted one
    before this insert (possible on PostgreSQL): ON CONFLICT DO NOTHING, then the locked
    read-and-update of the general path. Still one row, the latest choice."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    voter = households_of(village)[0]
    user = representative(voter)
    stale = _lock(mv, voter)  # before any vote
    first = services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    with transaction.atomic():
        stored, created = services._save_online_vote(
            actor=user, lock=stale, household_id=voter.pk, option=option(matter, "reject"),
            other_opinion="",
        )  # fmt: skip
    assert not created
    assert stored.pk == first.pk
    assert Vote.objects.filter(matter=matter).count() == 1
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")


def test_a_change_of_a_vote_gone_meanwhile_inserts_it_again(commune, official):
    """The locked read saw an online vote that is gone before the update (the counting
    committee replaced it): the general path stores the vote."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    voter = households_of(village)[0]
    user = representative(voter)
    services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    stale = _lock(mv, voter)
    Vote.objects.filter(matter=matter).delete()
    with transaction.atomic():
        stored, created = services._save_online_vote(
            actor=user, lock=stale, household_id=voter.pk, option=option(matter, "reject"),
            other_opinion="",
        )  # fmt: skip
    assert created
    assert isinstance(stored, Vote)
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")


def test_the_vote_returned_by_the_statement_is_the_stored_row(commune, official, client):
    """The Vote built from RETURNING equals what the ORM reads back (types included)."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])
    for kind, created_action in (("approve", "cast"), ("other", "change")):
        opinion = "Ý kiến khác" if kind == "other" else ""
        vote = services.vote_cast(
            actor=user, matter_village=mv, option=option(matter, kind), other_opinion=opinion
        )
        stored = Vote.objects.get(pk=vote.pk)
        names = ("commune_id", "matter_id", "matter_village_id", "household_id", "option_id",
                 "channel", "other_opinion", "cast_by_id", "cast_at", "changed_at")  # fmt: skip
        for name in names:
            assert getattr(vote, name) == getattr(stored, name), name
        assert vote.cast_at.tzinfo is not None
        entry = AuditEntry.objects.order_by("-id")[0]
        assert entry.action == f"decisions.vote.{created_action}"
        assert entry.object_id == str(vote.pk)
    assert vote.changed_at > vote.cast_at


def test_an_online_vote_after_a_paper_ballot_is_a_conflict(commune, official):
    """The household already counted from paper: the one-statement paths do not apply; the
    general path keeps the attempt as a conflict and refuses it (Art. 19(3))."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    voter = households_of(village)[0]
    user = representative(voter)
    Vote.objects.create(
        commune=commune, matter=matter, matter_village=mv, household=voter,
        option=option(matter, "reject"), channel=Vote.Channel.BALLOT,
    )  # fmt: skip
    with pytest.raises(ApplicationError) as refused:
        services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    assert refused.value.code == "already_voted"
    assert Vote.objects.get(matter=matter).channel == Vote.Channel.BALLOT
    assert VoteConflict.objects.filter(matter=matter, household=voter).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_vote_that_waited_for_the_closing_is_refused(commune, official):
    """The locked read waits for a closing that holds the village; once the closing commits it
    sees the village counted and the vote is refused — never added to a sealed tally."""
    village = make_village(commune, households=4)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])
    locked, release = threading.Event(), threading.Event()

    def closing() -> None:
        try:
            with transaction.atomic():
                list(MatterVillage.objects.select_for_update(no_key=True).filter(pk=mv.pk))
                locked.set()
                release.wait(timeout=30)
                MatterVillage.objects.filter(pk=mv.pk).update(status=MatterVillage.Status.COUNTED)
                type(matter).objects.filter(pk=matter.pk).update(status="closed")
        finally:
            connections.close_all()

    thread = threading.Thread(target=closing)
    thread.start()
    assert locked.wait(timeout=30)
    threading.Timer(0.5, release.set).start()  # the vote below starts, then waits for it
    with pytest.raises(ApplicationError) as refused:
        services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    thread.join(timeout=30)
    assert refused.value.code in {"village_counted", "matter_closed"}
    assert not Vote.objects.filter(matter=matter).exists()
