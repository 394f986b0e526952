"""Secret household paper ballots, the double envelope (issue 4).

Law 10/2022 Art. 18(4)(d) (secret ballot), 19(1)(b) (the household ballot as a meeting's
fallback), 19(3) (one ballot per household), 21(1) (more than half of all households);
Decree 59/2023 Art. 4(6) (double entry, witnesses).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest
from django.urls import reverse

from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import printing, secret_paper, selectors, services
from danchu.decisions.models import Ballot, InnerBallot, Option, SecretChoice, Vote, VoteConflict
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    days_ago,
    deadline_passes,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    open_ballot,
    open_meeting,
    option,
    village_head,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db

APPROVE, REJECT = Option.Kind.APPROVE, Option.Kind.REJECT


@pytest.fixture
def paper(commune, official):
    """A secret matter decided by household ballot in a village of 4 households."""
    village = make_village(commune, households=4)
    matter = make_matter(official, [village], secret=True)
    open_ballot(official, matter)
    mv = matter_village(matter, village)
    services.ballots_issue(actor=official, matter_village=mv)
    return matter, mv


def _return_all(official, mv, count=None):
    ballots = list(Ballot.objects.filter(matter_village=mv).order_by("serial"))[:count]
    for ballot in ballots:
        services.ballot_mark(actor=official, ballot=ballot, status=Ballot.Status.RETURNED)
    return ballots


def _codes(mv):
    return list(InnerBallot.objects.filter(matter_village=mv).order_by("code").values_list(
        "code", flat=True
    ))  # fmt: skip


def _enter_twice(first, second, mv, code, entry):
    secret_paper.inner_ballot_enter(actor=first, matter_village=mv, code=code, entry=entry)
    return secret_paper.inner_ballot_enter(actor=second, matter_village=mv, code=code, entry=entry)


def test_each_envelope_has_one_inner_ballot_linked_to_no_household(paper):
    _matter, mv = paper
    assert Ballot.objects.filter(matter_village=mv).count() == 4
    inner = list(InnerBallot.objects.filter(matter_village=mv))
    assert len(inner) == 4
    assert {f.name for f in InnerBallot._meta.get_fields()}.isdisjoint({"household", "ballot"})
    assert len({i.code for i in inner}) == 4
    for i in inner:
        assert i.tracking_digest == services.tracking_digest(mv.matter_id, i.code)


def test_the_returned_envelope_records_participation_not_a_choice(paper, official, chair):
    matter, mv = paper
    (ballot,) = _return_all(official, mv, 1)
    vote = Vote.objects.get()
    assert (vote.household_id, vote.option_id, vote.channel) == (
        ballot.household_id, None, Vote.Channel.BALLOT,
    )  # fmt: skip
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.COUNTED
    # The envelope is not the ballot: entering it would link the household to its choice.
    with pytest.raises(ApplicationError) as exc:
        services.ballot_enter(actor=chair, ballot=ballot, entry=option(matter).pk)
    assert exc.value.code == "secret_envelope"
    assert "18(4)(d)" in exc.value.message


def test_inner_ballots_are_entered_twice_by_two_people(paper, official, chair):
    matter, mv = paper
    _return_all(official, mv)
    code = _codes(mv)[0]
    first = secret_paper.inner_ballot_enter(
        actor=official, matter_village=mv, code=code.lower().replace("-", ""),
        entry=option(matter).pk,
    )  # fmt: skip
    assert first.step == "first"
    assert not SecretChoice.objects.exists()
    with pytest.raises(ApplicationError) as exc:
        secret_paper.inner_ballot_enter(
            actor=official, matter_village=mv, code=code, entry=option(matter).pk
        )
    assert exc.value.code == "same_person"
    second = secret_paper.inner_ballot_enter(
        actor=chair, matter_village=mv, code=code, entry=option(matter).pk
    )
    assert second.step == "matched"
    choice = SecretChoice.objects.get()
    assert choice.option == option(matter)
    assert choice.tracking_digest == services.tracking_digest(matter.pk, code)
    with pytest.raises(services.WrongState) as exc:
        secret_paper.inner_ballot_enter(
            actor=chair, matter_village=mv, code=code, entry=option(matter).pk
        )
    assert exc.value.code == "already_entered"
    with pytest.raises(ValidationFailed) as exc:
        secret_paper.inner_ballot_enter(
            actor=official, matter_village=mv, code="AAAA-AAAA-AAAA", entry=option(matter).pk
        )
    assert "code" in exc.value.fields


def test_a_mismatch_is_resolved_by_a_third_person(paper, official, chair):
    matter, mv = paper
    _return_all(official, mv)
    code = _codes(mv)[0]
    head = village_head(mv.village)
    secret_paper.inner_ballot_enter(
        actor=official, matter_village=mv, code=code, entry=option(matter).pk
    )
    result = secret_paper.inner_ballot_enter(
        actor=head, matter_village=mv, code=code, entry=option(matter, REJECT).pk
    )
    assert result.step == "mismatch"
    with pytest.raises(ApplicationError) as exc:
        secret_paper.inner_ballot_resolve(
            actor=official, matter_village=mv, code=code, entry=option(matter).pk, reason="x"
        )
    assert exc.value.code == "same_person"
    resolved = secret_paper.inner_ballot_resolve(
        actor=chair, matter_village=mv, code=code, entry=option(matter, REJECT).pk,
        reason="Đọc lại phiếu",
    )  # fmt: skip
    assert resolved.step == "resolved"
    assert SecretChoice.objects.get().option == option(matter, REJECT)


def test_no_more_inner_ballots_than_returned_envelopes(paper, official, chair):
    matter, mv = paper
    _return_all(official, mv, 2)
    codes = _codes(mv)
    for code in codes[:2]:  # two envelopes back: two inner ballots may be entered
        secret_paper.inner_ballot_enter(actor=official, matter_village=mv, code=code, entry="blank")
    with pytest.raises(ApplicationError) as exc:  # the third is one too many
        secret_paper.inner_ballot_enter(
            actor=official, matter_village=mv, code=codes[2], entry="blank"
        )
    assert exc.value.code == "inner_exceeds_returned"
    assert "19(3)" in exc.value.message


def test_a_household_that_already_voted_makes_a_conflict_not_a_second_vote(paper, official):
    _matter, mv = paper
    ballot = Ballot.objects.filter(matter_village=mv).order_by("serial").first()
    Vote.objects.create(
        commune_id=mv.commune_id, matter_id=mv.matter_id, matter_village=mv,
        household_id=ballot.household_id, channel=Vote.Channel.MEETING,
    )  # fmt: skip
    services.ballot_mark(actor=official, ballot=ballot, status=Ballot.Status.RETURNED)
    assert Vote.objects.count() == 1
    conflict = VoteConflict.objects.get()
    assert (conflict.household_id, conflict.option_id) == (ballot.household_id, None)
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.RETURNED


def _count(official, chair, mv, entries):
    for code, entry in zip(_codes(mv), entries, strict=False):
        _enter_twice(official, chair, mv, code, entry)


@pytest.mark.parametrize(("approvals", "adopted"), [(2, False), (3, True)])
def test_more_than_half_of_all_households_with_blank_and_spoiled_in_the_turnout(
    commune, official, chair, approvals, adopted
):
    # Law 10/2022 Art. 21(1): 2 of 4 households is exactly half and fails; 3 passes.
    village = make_village(commune, households=4)
    matter = make_matter(official, [village], secret=True)
    open_ballot(official, matter)
    mv = matter_village(matter, village)
    services.ballots_issue(actor=official, matter_village=mv)
    _return_all(official, mv)
    entries = [option(matter).pk] * approvals + ["blank", "spoiled"][: 4 - approvals]
    _count(official, chair, mv, entries)
    outcome = selectors.matter_outcome(matter).villages[0]
    assert outcome.approvals == approvals
    assert outcome.adopted is adopted
    assert (outcome.issued, outcome.returned, outcome.turnout) == (4, 4, 4)
    assert (outcome.blank, outcome.spoiled) == ((1, 1) if approvals == 2 else (1, 0))


def test_the_close_seals_a_bulletin_with_blank_and_spoiled_ballots(paper, official, chair, client):
    matter, mv = paper
    _return_all(official, mv)
    codes = _codes(mv)
    _count(official, chair, mv, [option(matter).pk, option(matter, REJECT).pk, "blank"])
    deadline_passes(mv)
    with pytest.raises(ApplicationError) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "witnesses_missing"
    services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES)
    # One inner ballot entered once: not closed until it is entered again.
    secret_paper.inner_ballot_enter(
        actor=official, matter_village=mv, code=codes[3], entry="spoiled"
    )
    with pytest.raises(services.WrongState) as exc:
        services.matter_close(actor=official, matter=matter)
    assert exc.value.code == "ballots_pending"
    secret_paper.inner_ballot_enter(actor=chair, matter_village=mv, code=codes[3], entry="spoiled")
    matter = services.matter_close(actor=official, matter=matter)
    lines = selectors.bulletin(matter)
    assert Counter(ln.canonical_choice for ln in lines) == Counter(
        {option(matter).pk: 1, option(matter, REJECT).pk: 1, "blank": 1, "spoiled": 1}
    )
    assert selectors.bulletin_digest(matter.pk, lines) == matter.bulletin_hash
    # The recount from the bulletin gives the tally; blank and spoiled are turnout only.
    assert selectors.bulletin_totals(lines) == selectors.tally(matter)
    # A household finds its blank ballot by its code.
    blank_code = codes[2]
    found = selectors.bulletin_lookup(matter, services.tracking_digest(matter.pk, blank_code))
    assert found is not None
    assert (found.mark, found.option_id) == ("blank", None)
    body = client.get(f"/api/v1/matters/{matter.pk}/bulletin").json()
    text = json.dumps(body["canonical"], sort_keys=True, separators=(",", ":"))
    assert hashlib.sha256(text.encode()).hexdigest() == matter.bulletin_hash
    assert {line["option_id"] for line in body["ballots"]} >= {None}
    # The trail says who entered inner ballots, never a choice, code or digest.
    for entry in AuditEntry.objects.filter(action__startswith="decisions.inner_ballot"):
        text = json.dumps(entry.after)
        assert all(code not in text for code in codes)
        assert all(line.tracking_digest not in text for line in lines)
        assert str(option(matter).pk) not in json.dumps(
            {k: v for k, v in entry.after.items() if k != "village"}
        )


def test_a_secret_meeting_that_cannot_reach_the_threshold_falls_back_to_paper(commune, official):
    # Law 10/2022 Art. 19(1)(b): nobody attended, so the household ballot decides.
    village = make_village(commune, households=3)
    matter = make_matter(official, [village], MatterType.CONVENTION, secret=True)
    open_meeting(official, matter)
    mv = services.matter_switch_to_ballot(
        actor=official, matter_village=matter_village(matter, village), held_on=days_ago(0),
        closes_at=in_hours(48), team=TEAM, notice_on=days_ago(2),
    )  # fmt: skip
    assert mv.form == Form.BALLOT
    services.ballots_issue(actor=official, matter_village=mv)
    assert InnerBallot.objects.filter(matter_village=mv).count() == 3


# --- the counting committee's page and the printed papers ----------------------------------


def test_the_inner_ballot_page_enters_twice_and_shows_counts_only(client, paper, official, chair):
    matter, mv = paper
    _return_all(official, mv)
    code = _codes(mv)[0]
    url = reverse("decisions:bo_inner_ballots", args=[mv.pk])
    client.force_login(official)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert code not in html  # the page never lists the codes
    assert_accessible(html)
    bad = client.post(url, {"code": "nope", "entry": "blank", "step": "enter"})
    assert bad.status_code == 400
    entry = {"code": code, "entry": str(option(matter).pk), "step": "enter"}
    assert client.post(url, entry).status_code == 302
    again = client.post(url, entry)  # the same person cannot verify
    assert again.status_code == 400
    client.force_login(chair)
    assert client.post(url, entry).status_code == 302
    assert SecretChoice.objects.get().option == option(matter)
    # The envelopes' page offers no entry of the household's own ballot.
    ballots_page = client.get(reverse("decisions:bo_ballots", args=[mv.pk])).content.decode()
    assert reverse("decisions:bo_enter", args=[mv.pk]) not in ballots_page
    assert url in ballots_page


def test_printed_inner_ballots_carry_the_code_and_no_household(paper):
    _matter, mv = paper
    html = printing.ballots_html(mv)
    for code in _codes(mv):
        assert code in html
    for household in households_of(mv.village):
        assert household.code not in html
    assert "Họ và tên đại diện hộ gia đình" not in html
    envelopes = printing.ballots_html(mv, part="envelopes")
    for ballot in Ballot.objects.filter(matter_village=mv).select_related("household"):
        assert ballot.serial in envelopes
        assert ballot.household.code in envelopes
    assert all(code not in envelopes for code in _codes(mv))
