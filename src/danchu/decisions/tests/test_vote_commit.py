"""PostgreSQL: an online vote's write, its audit entry and the COMMIT in one round trip
(quality bar P7; ``core.rows.commit_with_last_statement``, ``services._vote_and_commit``).

These tests run outside a test transaction (``transaction=True``): inside one, or inside any
caller's atomic block, the vote takes the general path and leaves the commit to the caller.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from danchu.core import audit
from danchu.core.audit import verify_chain
from danchu.core.errors import ApplicationError
from danchu.core.models import AuditEntry
from danchu.decisions import services
from danchu.decisions.models import Vote, VoteConflict
from danchu.decisions.tests.factories import households_of, make_village, option, representative
from danchu.decisions.tests.test_vote_queries import _lock, _online_matter

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pipeline mode: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _cast(user, mv, matter, kind):
    with CaptureQueriesContext(connection) as ctx:
        vote = services.vote_cast(actor=user, matter_village=mv, option=option(matter, kind))
    return vote, [q["sql"] for q in ctx.captured_queries]


def _one_statement(statements):
    # Statements bound on the server are logged as "QUERY = '…' - PARAMS = …".
    return [sql for sql in statements if "WITH w AS (" in sql]


def test_a_vote_and_its_change_commit_with_their_audit_entry(commune, official):
    village = make_village(commune, households=4)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])

    first, statements = _cast(user, mv, matter, "approve")
    assert len(_one_statement(statements)) == 1, statements
    assert not any("INSERT INTO" in sql and "WITH w" not in sql for sql in statements)
    changed, statements = _cast(user, mv, matter, "reject")
    assert len(_one_statement(statements)) == 1, statements

    assert changed.pk == first.pk
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")
    entries = list(AuditEntry.objects.filter(object_type="decisions.vote").order_by("id"))
    assert [e.action for e in entries] == ["decisions.vote.cast", "decisions.vote.change"]
    assert {e.object_id for e in entries} == {str(first.pk)}
    assert entries[0].after == {"household": first.household_id, "village": village.pk,
                                "channel": "online"}  # fmt: skip
    # The content hashed in the database, with the id written in, is what Python recomputes.
    assert verify_chain()[1] is None
    assert not connection.in_atomic_block
    assert connection.connection.info.transaction_status == 0  # IDLE: nothing left open


def test_a_first_vote_that_lost_the_race_votes_again_on_the_general_path(commune, official):
    """The locked read saw no vote; another submission inserted one first. The statement
    inserts nothing and appends no entry; the empty transaction commits and the vote is
    cast again on the general path: one row, the latest choice, one entry each."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    voter = households_of(village)[0]
    user = representative(voter)
    stale = _lock(mv, voter)
    first = services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    entries = AuditEntry.objects.count()

    def vote_with_the_stale_read():
        with transaction.atomic():
            services._lock_village_for_vote(mv, voter.pk)
            services._vote_and_commit(
                actor=user, lock=stale, household_id=voter.pk, option=option(matter, "reject"),
                other_opinion="",
            )  # fmt: skip

    with pytest.raises(services._VoteAgain):
        vote_with_the_stale_read()
    assert AuditEntry.objects.count() == entries
    assert Vote.objects.get(matter=matter).option == option(matter, "approve")

    again = services.vote_cast(actor=user, matter_village=mv, option=option(matter, "reject"))
    assert again.pk == first.pk
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")
    assert AuditEntry.objects.count() == entries + 1


def test_the_race_is_retried_by_the_service(commune, official, monkeypatch):
    """vote_cast itself votes again when the one-statement path raised _VoteAgain."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    voter = households_of(village)[0]
    user = representative(voter)
    services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    real = services._lock_village_for_vote
    calls = []

    def stale_once(matter_village, household_id):
        lock = real(matter_village, household_id)
        calls.append(lock)
        # The first read pretends the household had not voted yet (another submission won).
        return lock._replace(vote_id=None, vote_channel=None) if len(calls) == 1 else lock

    monkeypatch.setattr(services, "_lock_village_for_vote", stale_once)
    vote = services.vote_cast(actor=user, matter_village=mv, option=option(matter, "reject"))
    assert len(calls) == 2
    assert Vote.objects.filter(matter=matter).count() == 1
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")
    assert vote.option_id == option(matter, "reject").pk


def test_a_household_counted_from_paper_gets_a_conflict_not_the_one_statement(commune, official):
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    voter = households_of(village)[0]
    Vote.objects.create(
        commune=commune, matter=matter, matter_village=mv, household=voter,
        option=option(matter, "reject"), channel=Vote.Channel.BALLOT,
    )  # fmt: skip
    with pytest.raises(ApplicationError) as refused:
        _cast(representative(voter), mv, matter, "approve")
    assert refused.value.code == "already_voted"
    assert Vote.objects.get(matter=matter).channel == Vote.Channel.BALLOT
    assert VoteConflict.objects.filter(matter=matter, household=voter).count() == 1


def test_a_failing_statement_commits_nothing(commune, official, monkeypatch):
    """The COMMIT is queued after the statement: when the statement fails (here its audit
    entry), the pipeline is aborted, the error is raised and nothing is written."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])
    entries = AuditEntry.objects.count()
    real = audit.Pending.params

    def broken(self):
        values = real(self)
        values[6] = "{not json"  # the entry's "before" (jsonb)
        return values

    monkeypatch.setattr(audit.Pending, "params", broken)
    with pytest.raises(DatabaseError):
        services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    assert not Vote.objects.filter(matter=matter).exists()
    assert AuditEntry.objects.count() == entries
    # The connection is usable again.
    monkeypatch.setattr(audit.Pending, "params", real)
    services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
    assert Vote.objects.filter(matter=matter).count() == 1


def test_inside_a_callers_transaction_the_caller_keeps_its_commit(commune, official):
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        services.vote_cast(actor=user, matter_village=mv, option=option(matter, "approve"))
        transaction.set_rollback(True)
    assert not _one_statement([q["sql"] for q in ctx.captured_queries])
    assert not Vote.objects.filter(matter=matter).exists()
