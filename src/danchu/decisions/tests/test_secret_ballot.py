"""The secret ballot (issue 4): participation recorded, the choice unlinkable; tracking codes;
the public bulletin (page, downloads, API); the seal of the bulletin in the audit trail.

Law 10/2022 Art. 18(4)(d) (secret ballot), Art. 19(3) (one vote per household), Art. 21(1)
(the threshold against all households of the village).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.urls import reverse

from danchu.core.errors import ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import selectors, services
from danchu.decisions.models import Matter, Option, SecretChoice, Vote
from danchu.decisions.rules import Form
from danchu.decisions.tests.factories import (
    TEAM,
    deadline_passes,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    open_meeting,
    option,
    representative,
)
from danchu.territory.models import Household
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
APPROVE, REJECT, OTHER = Option.Kind.APPROVE, Option.Kind.REJECT, Option.Kind.OTHER


def _open_secret_online(official, village, *, agreeing=None):
    matter = make_matter(official, [village], secret=True)
    mv = matter_village(matter, village)
    households = households_of(village)
    for household in households[: agreeing or len(households)]:
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=household, agrees=True
        )
    services.matter_open(
        actor=official, matter=matter,
        plans={village.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)},
    )  # fmt: skip
    matter.refresh_from_db()
    return matter, matter_village(matter, village)


@pytest.fixture
def secret(commune, official):
    """A secret online vote in a village of 4 households."""
    village = make_village(commune, households=4)
    return _open_secret_online(official, village)


def _vote(mv, household, kind=APPROVE, **kwargs):
    return services.vote_cast(
        actor=representative(household), matter_village=mv, option=option(mv.matter, kind),
        **kwargs,
    )  # fmt: skip


def _close(official, matter, mv):
    deadline_passes(mv)
    return services.matter_close(actor=official, matter=matter)


# --- unlinkable: participation and choice apart ---------------------------------------------


def test_a_secret_vote_records_participation_and_an_unlinked_choice(secret):
    matter, mv = secret
    household = households_of(mv.village)[0]
    vote = _vote(mv, household, REJECT)
    # The code is shown once: on the returned instance, 12 characters without look-alikes.
    assert CODE.match(vote.tracking_code)
    stored = Vote.objects.get()
    assert (stored.household_id, stored.option_id, stored.channel) == (household.pk, None, "online")
    assert stored.other_opinion == ""
    choice = SecretChoice.objects.get()
    assert choice.option.kind == REJECT
    assert choice.tracking_digest == services.tracking_digest(matter.pk, vote.tracking_code)
    # Nothing on the choice row points back to a household, a person or a time; nor is the
    # code itself stored anywhere.
    # (``approvals``: a board ballot's candidates, rows as unlinked as the choice.)
    names = {f.name for f in SecretChoice._meta.get_fields()}
    assert names == {
        "id", "commune", "matter", "matter_village", "option", "other_opinion", "tracking_digest",
        "approvals",
    }  # fmt: skip
    assert not any(
        f.get_internal_type() in ("DateTimeField", "DateField", "AutoField", "BigAutoField")
        for f in SecretChoice._meta.concrete_fields
    )
    stored_rows = [*SecretChoice.objects.values(), *Vote.objects.values()]
    assert vote.tracking_code not in json.dumps(stored_rows, default=str)


def test_the_audit_trail_has_neither_the_choice_nor_the_code(secret):
    matter, mv = secret
    rep = representative(households_of(mv.village)[0])
    vote = services.vote_cast(actor=rep, matter_village=mv, option=option(matter, REJECT))
    services.vote_cast(
        actor=rep, matter_village=mv, option=option(matter), tracking_code=vote.tracking_code
    )
    digest = services.tracking_digest(matter.pk, vote.tracking_code)
    entries = AuditEntry.objects.filter(action__startswith="decisions.vote")
    assert {e.action for e in entries} == {"decisions.vote.cast", "decisions.vote.change"}
    for entry in entries:
        text = json.dumps([entry.before, entry.after], default=str)
        assert '"option"' not in text
        assert vote.tracking_code not in text
        assert digest not in text
        assert entry.after["secret"] is True


def test_the_choice_changes_only_with_the_tracking_code(secret):
    matter, mv = secret
    household = households_of(mv.village)[0]
    rep = representative(household)
    first = services.vote_cast(actor=rep, matter_village=mv, option=option(matter, REJECT))
    for code in ("", "AAAA-AAAA-AAAA", "short", first.tracking_code[:-1]):
        with pytest.raises(ValidationFailed) as exc:
            services.vote_cast(
                actor=rep, matter_village=mv, option=option(matter), tracking_code=code
            )
        assert exc.value.code == "tracking_code_needed"
        assert "tracking_code" in exc.value.fields
    # Spaces, dashes and lower case do not matter when typing the code back.
    typed = first.tracking_code.replace("-", " ").lower()
    changed = services.vote_cast(
        actor=rep, matter_village=mv, option=option(matter, OTHER), other_opinion="Làm sau Tết",
        tracking_code=typed,
    )  # fmt: skip
    assert changed.tracking_code == ""  # not shown again
    assert Vote.objects.count() == 1
    choice = SecretChoice.objects.get()
    assert (choice.option.kind, choice.other_opinion) == (OTHER, "Làm sau Tết")


def test_another_households_code_does_not_change_its_own_choice_twice(secret):
    """A code changes the one choice it names: a household cannot add a second choice."""
    matter, mv = secret
    a, b = households_of(mv.village)[:2]
    code_a = _vote(mv, a, REJECT).tracking_code
    rep_b = representative(b)
    services.vote_cast(actor=rep_b, matter_village=mv, option=option(matter, REJECT))
    assert SecretChoice.objects.count() == Vote.objects.count() == 2
    with pytest.raises(ValidationFailed):
        services.vote_cast(actor=rep_b, matter_village=mv, option=option(matter), tracking_code="")
    assert SecretChoice.objects.count() == 2
    assert code_a


# --- the tally, the threshold and the seal ---------------------------------------------------


def test_exactly_half_fails_and_one_more_passes_in_a_secret_vote(commune, official):
    """Law 10/2022 Art. 21(1), clause 6: more than half of all 4 households — 2 fail, 3 pass."""
    for approvals, adopted in ((2, False), (3, True)):
        village = make_village(commune, households=4)
        matter, mv = _open_secret_online(official, village, agreeing=3)
        households = households_of(village)
        for n, household in enumerate(households):
            _vote(mv, household, APPROVE if n < approvals else REJECT)
        assert selectors.tally(matter) == {
            mv.pk: {option(matter).pk: approvals, option(matter, REJECT).pk: 4 - approvals}
        }
        matter = _close(official, matter, mv)
        mv.refresh_from_db()
        assert mv.adopted is adopted


def test_the_close_seals_the_bulletin_and_a_recount_gives_the_hash(client, secret, official):
    matter, mv = secret
    households = households_of(mv.village)
    kinds = [APPROVE, APPROVE, REJECT, OTHER]
    codes = [_vote(mv, h, k).tracking_code for h, k in zip(households, kinds, strict=True)]
    matter = _close(official, matter, mv)
    assert len(matter.bulletin_hash) == 64
    seal = AuditEntry.objects.get(action="decisions.matter.close")
    assert seal.after["bulletin_hash"] == matter.bulletin_hash
    assert seal.after["bulletin_ballots"] == 4
    # Anyone: download the JSON, recompute the hash from "canonical", recount the choices.
    url = reverse("decisions:public_bulletin_json", args=[matter.commune.code, matter.pk])
    body = client.get(url).json()
    text = json.dumps(body["canonical"], sort_keys=True, separators=(",", ":"))
    assert (
        hashlib.sha256(text.encode()).hexdigest() == matter.bulletin_hash == body["bulletin_hash"]
    )
    recount = Counter(line[2] for line in body["canonical"]["ballots"])
    assert recount == Counter(
        {option(matter).pk: 2, option(matter, REJECT).pk: 1, option(matter, OTHER).pk: 1}
    )
    assert dict(recount) == selectors.tally(matter)[mv.pk]
    # Each voter finds its own line by its code's digest.
    digests = {line[1] for line in body["canonical"]["ballots"]}
    assert {services.tracking_digest(matter.pk, c) for c in codes} == digests
    # A bulletin changed afterwards no longer gives the sealed hash.
    SecretChoice.objects.filter(option__kind=OTHER).update(option=option(matter))
    lines = selectors.bulletin(matter)
    assert selectors.bulletin_digest(matter.pk, lines) != matter.bulletin_hash


# --- the public bulletin page and downloads --------------------------------------------------


def _page(client, matter, **params):
    url = reverse("decisions:public_bulletin", args=[matter.commune.code, matter.pk])
    return client.post(url, params) if params else client.get(url)


def test_the_bulletin_page_checks_a_code_while_open_and_lists_only_once_closed(
    client, secret, official
):
    matter, mv = secret
    households = households_of(mv.village)
    code = _vote(mv, households[0], REJECT).tracking_code
    _vote(mv, households[1], APPROVE)
    page = _page(client, matter)
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-bulletin" not in html  # no running tally
    found = _page(client, matter, ma=code.lower()).content.decode()
    assert "data-found" in found
    assert option(matter, REJECT).label in found
    missing = _page(client, matter, ma="ZZZZ-ZZZZ-ZZZZ").content.decode()
    assert "data-not-found" in missing
    assert _page(client, matter, ma="x" * 500).status_code == 200  # an invalid form, no error
    csv_url = reverse("decisions:public_bulletin_csv", args=[matter.commune.code, matter.pk])
    assert client.get(csv_url).status_code == 404  # not before the close
    _close(official, matter, mv)
    closed_page = _page(client, matter)
    assert_accessible(closed_page.content)
    html = closed_page.content.decode()
    assert html.count('<td><code class="hash">') == 2
    matter.refresh_from_db()
    assert matter.bulletin_hash in html
    # The bulletin's sums equal the tally, shown side by side.
    assert re.findall(r"<td data-bulletin>(\d+)</td><td data-tally>(\d+)</td>", html) == [
        ("1", "1"), ("1", "1"), ("0", "0"),
    ]  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(client.get(csv_url).content.decode())))
    assert len(rows) == 2
    assert set(rows[0]) == {
        "village_code", "village", "tracking_digest", "option_id", "option", "option_ids"
    }  # fmt: skip
    assert {r["option_ids"] for r in rows} == {""}  # a board ballot's candidates only
    assert Counter(int(r["option_id"]) for r in rows) == Counter(selectors.tally(matter)[mv.pk])


def test_the_bulletin_exists_only_for_public_secret_matters(client, commune, official, secret):
    village = make_village(commune, households=2)
    open_ballot_free = make_matter(official, [village])  # not secret
    open_meeting(official, open_ballot_free)
    assert _page(client, open_ballot_free).status_code == 404
    draft = make_matter(official, [make_village(commune, households=1)], secret=True)
    assert _page(client, draft).status_code == 404
    matter, _mv = secret
    other_code = reverse("decisions:public_bulletin", args=["99999", matter.pk])
    assert client.get(other_code).status_code == 404
    detail = reverse("decisions:public_detail", args=[matter.commune.code, matter.pk])
    assert reverse("decisions:public_bulletin", args=[matter.commune.code, matter.pk]) in (
        client.get(detail).content.decode()
    )


def test_the_bulletin_page_reads_a_fixed_number_of_queries(
    client, commune, official, django_assert_max_num_queries
):
    used = []
    for size in (2, 6):
        village = make_village(commune, households=size)
        matter, mv = _open_secret_online(official, village, agreeing=size)
        for household in households_of(village):
            _vote(mv, household)
        _close(official, matter, mv)
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert _page(client, matter).status_code == 200
        used.append(len(queries))
    assert used[0] == used[1]


# --- the API ---------------------------------------------------------------------------------


def test_the_api_bulletin_and_code_check(client, secret, official):
    matter, mv = secret
    households = households_of(mv.village)
    code = _vote(mv, households[0], REJECT).tracking_code
    base = f"/api/v1/matters/{matter.pk}/bulletin"
    assert client.get(base).status_code == 409

    def check_code(value):
        return client.post(
            base + "/check", json.dumps({"code": value}), content_type="application/json"
        )

    check = check_code(code).json()
    assert check["counted"] is True
    assert check["option_id"] == option(matter, REJECT).pk
    assert check["tracking_digest"] == services.tracking_digest(matter.pk, code)
    assert "household" not in json.dumps(check)
    assert check_code("ZZZZZZZZZZZZ").json()["counted"] is False
    assert check_code("<script>").status_code == 422
    assert client.get(base + "/check", {"code": code}).status_code == 405  # not in URLs
    _close(official, matter, mv)
    body = client.get(base).json()
    assert body["bulletin_hash"] == Matter.objects.get(pk=matter.pk).bulletin_hash
    assert [b["option_id"] for b in body["ballots"]] == [option(matter, REJECT).pk]
    plain = make_matter(official, [make_village(matter.commune, households=1)])
    open_meeting(official, plain)
    assert client.get(f"/api/v1/matters/{plain.pk}/bulletin").status_code == 404


def test_the_api_vote_gives_the_code_once(client, secret):
    from danchu.api.tests.helpers import auth, token_for

    matter, mv = secret
    rep = representative(households_of(mv.village)[0])
    headers = auth(token_for(rep))
    url = f"/api/v1/matter-villages/{mv.pk}/vote"

    def post(body):
        return client.post(url, json.dumps(body), content_type="application/json", **headers)

    first = post({"option_id": option(matter).pk})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["secret"] is True
    assert body["option_id"] is None
    assert CODE.match(body["tracking_code"])
    again = post({"option_id": option(matter, REJECT).pk})
    assert again.status_code == 422
    assert again.json()["code"] == "tracking_code_needed"
    changed = post({"option_id": option(matter, REJECT).pk, "tracking_code": body["tracking_code"]})
    assert changed.status_code == 200
    assert changed.json()["tracking_code"] == ""
    mine = client.get(f"/api/v1/matter-villages/{mv.pk}/my-vote", **headers).json()
    assert (mine["voted"], mine["option_id"], mine["tracking_code"]) == (True, None, "")
    assert SecretChoice.objects.get().option.kind == REJECT


# --- one vote per household under concurrency (PostgreSQL) -----------------------------------

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (SQLite serialises every write transaction)",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_secret_votes_leave_one_participation_and_one_choice(commune, official):
    """8 simultaneous first votes of each of 4 households: one Vote and one SecretChoice each;
    the others are refused (they hold no code), never a second choice."""
    village = make_village(commune, households=4)
    matter, mv = _open_secret_online(official, village)
    reps = [representative(h) for h in households_of(village)]
    attempts = 8
    barrier = threading.Barrier(attempts)
    results: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            for rep in reps:
                barrier.wait(timeout=60)
                try:
                    services.vote_cast(
                        actor=rep,
                        matter_village=mv,
                        option=option(matter, (APPROVE, REJECT)[n % 2]),
                    )
                    outcome = "cast"
                except ValidationFailed as exc:
                    outcome = exc.code
                with lock:
                    results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(results) == {"cast": 4, "tracking_code_needed": 4 * (attempts - 1)}
    assert Vote.objects.filter(matter=matter).count() == 4
    assert SecretChoice.objects.filter(matter=matter).count() == 4
    assert Household.objects.filter(village=village).count() == 4


# --- the web pages: choosing a secret ballot, voting, the code shown once --------------------


def test_the_back_office_creates_a_secret_matter(client, official, commune):
    village = make_village(commune, households=2)
    client.force_login(official)
    page = client.get(reverse("decisions:bo_list", args=[commune.code]))
    assert 'name="secret"' in page.content.decode()
    created = client.post(
        reverse("decisions:bo_list", args=[commune.code]),
        {
            "matter_type": "6", "title": "Giờ mở cửa nhà văn hóa",
            "question": "Mở cửa đến 21 giờ?", "villages": [village.pk], "secret": "on",
        },
    )  # fmt: skip
    assert created.status_code == 302
    assert Matter.objects.get(commune=commune).secret is True


def test_the_vote_page_shows_the_code_once_and_changes_with_it(client, secret):
    matter, mv = secret
    rep = representative(households_of(mv.village)[0])
    client.force_login(rep)
    page_url = reverse("decisions:vote", args=[mv.pk])
    first = client.post(page_url, {"option": option(matter, REJECT).pk})
    assert first.status_code == 200
    assert first["Cache-Control"] == "no-store"
    html = first.content.decode()
    code = re.search(r"<code class=\"hash\" data-tracking-code>([^<]+)</code>", html).group(1)
    assert CODE.match(code)
    assert_accessible(first.content)
    again = client.get(page_url).content.decode()
    assert code not in again  # shown once
    assert 'name="tracking_code"' in again
    refused = client.post(page_url, {"option": option(matter).pk})
    assert refused.status_code == 400
    assert SecretChoice.objects.get().option.kind == REJECT
    changed = client.post(page_url, {"option": option(matter).pk, "tracking_code": code})
    assert changed.status_code == 302
    assert SecretChoice.objects.get().option.kind == APPROVE
    assert Vote.objects.get().option is None


def test_the_online_record_lists_participants_and_opinions_apart(secret):
    """Decree 59/2023 Art. 5(4)(a), form 03: the participants by name and the other opinions,
    without names — in a secret ballot the opinions come from the unlinked choices."""
    from danchu.decisions.documents import _online_voters

    matter, mv = secret
    a, b = households_of(mv.village)[:2]
    _vote(mv, a, OTHER, other_opinion="Làm vào mùa khô")
    _vote(mv, b, APPROVE)
    names, opinions = _online_voters(mv)
    assert len(names) == 2
    assert opinions == ["Làm vào mùa khô"]
