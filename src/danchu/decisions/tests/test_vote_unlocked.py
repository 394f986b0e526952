"""PostgreSQL: the API's online vote without a transaction of its own (quality bar P7;
``services._vote_unlocked_by_id``): an unlocked read, the checks, then one statement that
re-checks the village under its lock, writes the vote and appends its audit entry.

These tests run outside a test transaction (``transaction=True``): inside one, or inside any
caller's atomic block, the vote takes the locked path.
"""

from __future__ import annotations

import json
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from danchu.api.tests.helpers import auth, token_for
from danchu.core import audit
from danchu.core.audit import verify_chain
from danchu.core.errors import ApplicationError
from danchu.core.models import AuditEntry
from danchu.decisions import services
from danchu.decisions.models import Matter, MatterVillage, Vote, VoteConflict
from danchu.decisions.tests.factories import households_of, make_village, option, representative
from danchu.decisions.tests.test_vote_queries import _online_matter

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's vote path"),
    pytest.mark.django_db(transaction=True),
]


def _cast(user, mv, matter, kind):
    with CaptureQueriesContext(connection) as ctx:
        _mv, vote = services.vote_cast_by_id(
            actor=user, matter_village_id=mv.pk, option_id=option(matter, kind).pk
        )
    return vote, [q["sql"] for q in ctx.captured_queries]


def _guarded(statements):
    # Statements bound on the server are logged as "QUERY = '…' - PARAMS = …".
    return [sql for sql in statements if "WITH g AS (" in sql]


def test_a_vote_and_its_change_are_one_statement_each_with_their_entry(commune, official):
    village = make_village(commune, households=4)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])

    first, statements = _cast(user, mv, matter, "approve")
    assert len(_guarded(statements)) == 1, statements
    # No transaction of its own: no BEGIN, no lock-taking read, no other write.
    assert not any(sql in ("BEGIN", "COMMIT") for sql in statements), statements
    assert not any("FOR SHARE" in sql and "WITH g" not in sql for sql in statements)
    assert not any("INSERT INTO" in sql and "WITH g" not in sql for sql in statements)
    changed, statements = _cast(user, mv, matter, "reject")
    assert len(_guarded(statements)) == 1, statements

    assert changed.pk == first.pk
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")
    entries = list(AuditEntry.objects.filter(object_type="decisions.vote").order_by("id"))
    assert [e.action for e in entries] == ["decisions.vote.cast", "decisions.vote.change"]
    assert {e.object_id for e in entries} == {str(first.pk)}
    assert entries[0].after == {"household": first.household_id, "village": village.pk,
                                "channel": "online"}  # fmt: skip
    # The content hashed in the database, with the id written in, is what Python recomputes.
    assert verify_chain()[1] is None


def _meanwhile(monkeypatch, action):
    """Run ``action`` after the unlocked read's checks, before the guarded statement."""
    real = services._vote_checked

    def checked(**kwargs):
        opinion = real(**kwargs)
        action()
        return opinion

    monkeypatch.setattr(services, "_vote_checked", checked)


def test_a_village_closed_after_the_read_gets_no_vote(commune, official, monkeypatch):
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])
    entries = AuditEntry.objects.count()

    def close():
        MatterVillage.objects.filter(pk=mv.pk).update(status=MatterVillage.Status.COUNTED)

    _meanwhile(monkeypatch, close)
    with pytest.raises(ApplicationError) as refused:
        _cast(user, mv, matter, "approve")
    assert refused.value.code == "village_counted"  # answered by the locked path
    assert not Vote.objects.filter(matter=matter).exists()
    assert AuditEntry.objects.count() == entries


def test_a_first_vote_that_lost_the_race_becomes_a_change(commune, official, monkeypatch):
    """The read saw no vote; another submission of the household inserted one before the
    statement: it inserts nothing and appends nothing; the vote reads again and changes the
    vote, still without a transaction of its own."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    voter = households_of(village)[0]
    user = representative(voter)
    won = []

    def other_submission():
        if not won:  # once: the other submission passes through the same checks
            won.append(None)
            won[0] = services.vote_cast(
                actor=user, matter_village=mv, option=option(matter, "approve")
            )

    _meanwhile(monkeypatch, other_submission)
    vote, statements = _cast(user, mv, matter, "reject")
    assert vote.pk == won[0].pk
    guarded = _guarded(statements)
    assert len(guarded) == 2, statements  # the lost insert, then the update
    assert "INSERT INTO" in guarded[0]
    assert "UPDATE" in guarded[1]
    assert Vote.objects.filter(matter=matter).count() == 1
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")
    actions = list(
        AuditEntry.objects.filter(object_type="decisions.vote").values_list("action", flat=True)
    )
    assert actions == ["decisions.vote.cast", "decisions.vote.change"]


def test_a_changed_vote_gone_meanwhile_is_stored_again(commune, official, monkeypatch):
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])
    _cast(user, mv, matter, "approve")
    _meanwhile(monkeypatch, lambda: Vote.objects.filter(matter=matter).delete())
    vote, _statements = _cast(user, mv, matter, "reject")
    assert Vote.objects.get(matter=matter).pk == vote.pk
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")


def test_a_household_counted_from_paper_gets_a_conflict(commune, official):
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


def test_a_failing_statement_writes_nothing(commune, official, monkeypatch):
    """The vote and its entry are one statement: if the entry fails, there is no vote."""
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
        _cast(user, mv, matter, "approve")
    assert not Vote.objects.filter(matter=matter).exists()
    assert AuditEntry.objects.count() == entries
    monkeypatch.setattr(audit.Pending, "params", real)
    _cast(user, mv, matter, "approve")
    assert Vote.objects.filter(matter=matter).count() == 1


def test_inside_a_callers_transaction_the_vote_is_locked(commune, official):
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        services.vote_cast_by_id(
            actor=user, matter_village_id=mv.pk, option_id=option(matter, "approve").pk
        )
        transaction.set_rollback(True)
    statements = [q["sql"] for q in ctx.captured_queries]
    assert not _guarded(statements)
    assert any("FOR SHARE OF mv" in sql for sql in statements), statements
    assert not Vote.objects.filter(matter=matter).exists()


def test_a_vote_that_waited_for_the_closing_is_refused(commune, official):
    """The guarded statement waits for a closing that holds the village; once the closing
    commits, the village is counted: nothing is written and the locked path refuses."""
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
                Matter.objects.filter(pk=matter.pk).update(status=Matter.Status.CLOSED)
        finally:
            connections.close_all()

    thread = threading.Thread(target=closing)
    thread.start()
    assert locked.wait(timeout=30)
    threading.Timer(0.5, release.set).start()  # the vote below reads, then waits for it
    with pytest.raises(ApplicationError) as refused:
        _cast(user, mv, matter, "approve")
    thread.join(timeout=30)
    assert refused.value.code in {"village_counted", "matter_closed"}
    assert not Vote.objects.filter(matter=matter).exists()


def _api(client, mv, body, token):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            f"/api/v1/matter-villages/{mv.pk}/vote", json.dumps(body),
            content_type="application/json", **auth(token),
        )  # fmt: skip
    return response, [q["sql"] for q in ctx.captured_queries]


def test_the_api_reads_the_vote_with_the_token(client, commune, official):
    """Two statements a vote: the token's read, with the vote's read joined LATERAL on its
    household, then the guarded write."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    token = token_for(representative(households_of(village)[0]))
    for kind in ("approve", "reject"):
        response, statements = _api(client, mv, {"option_id": option(matter, kind).pk}, token)
        assert response.status_code == 200, response.content
        # The token's last use is written at most every 5 minutes (the first request).
        statements = [sql for sql in statements if not sql.startswith('UPDATE "accounts_apitoken"')]
        assert len(statements) == 2, statements
        assert "LEFT JOIN LATERAL" in statements[0]
        assert '"accounts_apitoken"' in statements[0]
        assert "WITH g AS (" in statements[1]
    assert Vote.objects.get(matter=matter).option == option(matter, "reject")


def test_the_api_answers_as_before_whatever_rides_along(client, commune, official):
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    other = make_village(commune, households=1)
    other_matter, _other_mv = _online_matter(official, other)
    token = token_for(representative(households_of(village)[0]))
    # Not an option of this matter: the field error, from the read that rode along.
    response, _s = _api(client, mv, {"option_id": option(other_matter, "approve").pk}, token)
    assert response.status_code == 422, response.content
    assert "option_id" in response.content.decode()
    # A string id: pydantic takes it, the token's read does not carry the vote's read.
    response, statements = _api(client, mv, {"option_id": str(option(matter, "approve").pk)}, token)
    assert response.status_code == 200, response.content
    assert "LEFT JOIN LATERAL" not in statements[0]
    # An absent matter village: 404, as without it.
    response, _s = _api(client, type(mv)(pk=10**6), {"option_id": 1}, token)
    assert response.status_code == 404, response.content
    # Not JSON: the token is still read, and the body refused as before.
    with CaptureQueriesContext(connection):
        response = client.post(
            f"/api/v1/matter-villages/{mv.pk}/vote", "{", content_type="application/json",
            **auth(token),
        )  # fmt: skip
    assert response.status_code in (400, 422), response.content
    # A revoked or unknown token: 401, the vote's read changes nothing.
    response, _s = _api(client, mv, {"option_id": option(matter, "reject").pk}, "nope")
    assert response.status_code == 401
    assert Vote.objects.get(matter=matter).option == option(matter, "approve")


def test_concurrent_api_votes_of_one_household_leave_one_vote(commune, official):
    """Law 10/2022 Art. 19(3): one vote per household. Eight simultaneous votes of the same
    household through the API's path, each in its own thread and connection: one row, the
    choice of one of them, one audit entry per accepted vote and an intact chain."""
    village = make_village(commune, households=2)
    matter, mv = _online_matter(official, village)
    user = representative(households_of(village)[0])
    options = [option(matter, "approve").pk, option(matter, "reject").pk]
    attempts = 8
    barrier = threading.Barrier(attempts)
    accepted: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def voter(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            _mv, vote = services.vote_cast_by_id(
                actor=user, matter_village_id=mv.pk, option_id=options[n % 2]
            )
            with lock:
                accepted.append(vote.pk)
        except Exception as error:  # noqa: BLE001 - any failure fails the test below
            with lock:
                failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=voter, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert len(accepted) == attempts
    rows = Vote.objects.filter(matter=matter)
    assert rows.count() == 1
    assert set(accepted) == {rows.get().pk}
    entries = AuditEntry.objects.filter(object_type="decisions.vote")
    assert entries.count() == attempts  # one cast, the others changes
    assert entries.filter(action="decisions.vote.cast").count() == 1
    assert verify_chain()[1] is None
