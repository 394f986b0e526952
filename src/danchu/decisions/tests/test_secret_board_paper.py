"""A secret board election with several seats decided on paper, the double envelope (issue 4).

Law 10/2022 Art. 15(5) (board members), 18(4)(d) (secret ballot), 19(1)(b) (the household
ballot after a meeting that cannot reach the threshold), 19(3) (one ballot per household),
21(1) (more than half of all households); Decree 59/2023 Art. 3(5)(d) (the best ``seats`` that
pass), 4(6) (double entry).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.urls import reverse

from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.decisions import elections, secret_paper, selectors, services
from danchu.decisions.models import (
    Ballot,
    InnerBallot,
    Option,
    SecretApproval,
    SecretChoice,
    Vote,
)
from danchu.decisions.rules import MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    days_ago,
    deadline_passes,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    open_meeting,
    village_head,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def secret_board(official, commune, households=4, seats=2):
    """A secret board election, ``seats`` seats, three candidates; nobody came to the meeting,
    so the households decide by secret paper ballot (Art. 19(1)(b))."""
    village = make_village(commune, households=households)
    matter = make_matter(
        official, [village], MatterType.BOARD_MEMBERS, candidates=["An", "Bình", "Cường"],
        secret=True,
    )  # fmt: skip
    elections.board_seats_set(actor=official, matter_village=matter_village(matter), seats=seats)
    open_meeting(official, matter)
    mv = services.matter_switch_to_ballot(
        actor=official, matter_village=matter_village(matter), held_on=days_ago(0),
        closes_at=in_hours(48), team=TEAM, notice_on=days_ago(2),
    )  # fmt: skip
    services.ballots_issue(actor=official, matter_village=mv)
    for ballot in Ballot.objects.filter(matter_village=mv):
        services.ballot_mark(actor=official, ballot=ballot, status=Ballot.Status.RETURNED)
    candidates = list(Option.objects.filter(matter=matter).order_by("position"))
    codes = list(
        InnerBallot.objects.filter(matter_village=mv)
        .order_by("code")
        .values_list("code", flat=True)
    )
    return matter, mv, candidates, codes


@pytest.fixture
def board(commune, official):
    return secret_board(official, commune)


def _twice(first, second, mv, code, entry):
    secret_paper.inner_ballot_enter(actor=first, matter_village=mv, code=code, entry=entry)
    return secret_paper.inner_ballot_enter(actor=second, matter_village=mv, code=code, entry=entry)


def test_an_inner_ballot_approves_up_to_the_seats_unlinked_to_any_household(board, official, chair):
    _matter, mv, (an, binh, cuong), codes = board
    first = secret_paper.inner_ballot_enter(
        actor=official, matter_village=mv, code=codes[0], entry=f"{binh.pk},{an.pk}"
    )
    assert first.step == "first"
    assert not SecretChoice.objects.exists()
    # Exactly ``seats`` candidates, in another order: the two entries agree.
    second = secret_paper.inner_ballot_enter(
        actor=chair, matter_village=mv, code=codes[0], entry=[an.pk, binh.pk]
    )
    assert second.step == "matched"
    choice = SecretChoice.objects.get()
    assert choice.option_id is None
    assert set(choice.approvals.values_list("option_id", flat=True)) == {an.pk, binh.pk}
    # The secrecy of the choice holds for its approvals: no household, user or time.
    fields = {f.name for f in SecretApproval._meta.get_fields()}
    assert fields.isdisjoint({"household", "vote", "cast_by", "created_at", "ballot"})
    assert all(isinstance(a.pk, type(choice.pk)) for a in SecretApproval.objects.all())
    assert Vote.objects.filter(option__isnull=False).count() == 0


def test_more_approvals_than_seats_is_refused_and_entered_as_spoiled(board, official, chair):
    # As on an open board ballot (board_votes.clean_approvals): three for two seats is refused
    # at entry; the committee enters the paper as spoiled.
    _matter, mv, (an, binh, cuong), codes = board
    with pytest.raises(ValidationFailed) as exc:
        secret_paper.inner_ballot_enter(
            actor=official, matter_village=mv, code=codes[0], entry=[an.pk, binh.pk, cuong.pk]
        )
    assert exc.value.code == "too_many_candidates"
    assert "entry" in exc.value.fields
    assert InnerBallot.objects.filter(first_by__isnull=False).count() == 0
    with pytest.raises(ValidationFailed):  # the same candidate twice
        secret_paper.inner_ballot_enter(
            actor=official, matter_village=mv, code=codes[0], entry=f"{an.pk},{an.pk}"
        )
    assert _twice(official, chair, mv, codes[0], "spoiled").step == "matched"
    assert InnerBallot.objects.get(code=codes[0]).status == Ballot.Status.SPOILED
    assert _twice(official, chair, mv, codes[1], "blank").inner.status == Ballot.Status.BLANK
    assert not SecretChoice.objects.exists()


def test_differing_candidate_sets_are_resolved_by_a_third_person(board, official, chair):
    _matter, mv, (an, binh, cuong), codes = board
    head = village_head(mv.village)
    secret_paper.inner_ballot_enter(
        actor=official, matter_village=mv, code=codes[0], entry=[an.pk, binh.pk]
    )
    result = secret_paper.inner_ballot_enter(
        actor=head, matter_village=mv, code=codes[0], entry=[an.pk, cuong.pk]
    )
    assert result.step == "mismatch"
    assert not SecretApproval.objects.exists()
    with pytest.raises(ApplicationError) as exc:
        secret_paper.inner_ballot_resolve(
            actor=official, matter_village=mv, code=codes[0], entry=[an.pk], reason="x"
        )
    assert exc.value.code == "same_person"
    resolved = secret_paper.inner_ballot_resolve(
        actor=chair, matter_village=mv, code=codes[0], entry=[cuong.pk, an.pk],
        reason="Đọc lại phiếu",
    )  # fmt: skip
    assert resolved.step == "resolved"
    assert set(SecretApproval.objects.values_list("option_id", flat=True)) == {an.pk, cuong.pk}


@pytest.mark.parametrize(("approvals", "elected"), [(50, False), (51, True)])
def test_a_candidate_needs_more_than_half_of_all_100_households(
    commune, official, chair, approvals, elected
):
    # Law 10/2022 Art. 21(1): 50 approvals of 100 households is exactly half and fails; 51
    # passes. Only 60 households send their ballot back: the denominator stays 100.
    matter, mv, (an, binh, cuong), codes = secret_board(official, commune, households=100)
    entries = [[an.pk, binh.pk]] * approvals + [[binh.pk]] * (60 - approvals)
    for code, entry in zip(codes, entries, strict=False):
        _twice(official, chair, mv, code, entry)
    outcome = selectors.matter_outcome(matter).villages[0]
    assert outcome.counts == {an.pk: approvals, binh.pk: 60}
    assert [o.pk for o in outcome.elected] == ([binh.pk, an.pk] if elected else [binh.pk])
    assert (outcome.total_households, outcome.turnout) == (100, 60)


def test_the_best_seats_that_pass_are_elected(commune, official, chair):
    # Decree 59/2023 Art. 3(5)(d): three candidates pass for two seats; the best two win.
    matter, mv, (an, binh, cuong), codes = secret_board(official, commune, households=4)
    entries = [[an.pk, binh.pk], [an.pk, binh.pk], [an.pk, cuong.pk], [binh.pk, cuong.pk]]
    for code, entry in zip(codes, entries, strict=True):
        _twice(official, chair, mv, code, entry)
    outcome = selectors.matter_outcome(matter).villages[0]
    assert outcome.counts == {an.pk: 3, binh.pk: 3, cuong.pk: 2}
    assert {o.pk for o in outcome.elected} == {an.pk, binh.pk}
    assert outcome.adopted is True


def test_the_close_seals_a_bulletin_that_recounts_to_the_tally(board, official, chair, client):
    matter, mv, (an, binh, cuong), codes = board
    entries = [[an.pk, binh.pk], [an.pk], "blank", "spoiled"]
    for code, entry in zip(codes, entries, strict=True):
        _twice(official, chair, mv, code, entry)
    # While open the household checks its code; the bulletin's list waits for the close.
    check = client.post(
        f"/api/v1/matters/{matter.pk}/bulletin/check", {"code": codes[0]},
        content_type="application/json",
    ).json()  # fmt: skip
    assert (check["counted"], check["option_id"]) == (True, None)
    assert check["option_ids"] == sorted([an.pk, binh.pk])
    deadline_passes(mv)
    services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES)
    matter = services.matter_close(actor=official, matter=matter)
    lines = selectors.bulletin(matter)
    assert sorted(map(str, (ln.canonical_choice for ln in lines))) == sorted(
        [str(sorted([an.pk, binh.pk])), str([an.pk]), "blank", "spoiled"]
    )
    assert selectors.bulletin_totals(lines) == selectors.tally(matter)
    assert selectors.tally(matter)[mv.pk] == {an.pk: 2, binh.pk: 1}
    assert selectors.bulletin_digest(matter.pk, lines) == matter.bulletin_hash
    outcome = selectors.matter_outcome(matter)
    assert selectors.result_digest(outcome) == matter.result_hash
    assert outcome.villages[0].turnout == 4
    # The JSON download: recount it and recompute the seal from it alone.
    body = client.get(
        reverse("decisions:public_bulletin_json", args=[matter.commune.code, matter.pk])
    ).json()
    text = json.dumps(body["canonical"], sort_keys=True, separators=(",", ":"))
    assert hashlib.sha256(text.encode()).hexdigest() == matter.bulletin_hash
    recount: dict[int, int] = {}
    for _village, _digest, choice in body["canonical"]["ballots"]:
        for pk in choice if isinstance(choice, list) else []:
            recount[pk] = recount.get(pk, 0) + 1
    assert recount == selectors.tally(matter)[mv.pk]
    by_ids = {tuple(b["option_ids"]): b for b in body["ballots"]}
    assert by_ids[tuple(sorted([an.pk, binh.pk]))]["option"] == "; ".join(
        o.label for o in sorted([an, binh], key=lambda o: o.pk)
    )
    # The API and the CSV carry the same lines.
    api = client.get(f"/api/v1/matters/{matter.pk}/bulletin").json()
    assert api["canonical"] == body["canonical"]
    rows = list(csv.DictReader(io.StringIO(client.get(
        reverse("decisions:public_bulletin_csv", args=[matter.commune.code, matter.pk])
    ).content.decode())))  # fmt: skip
    assert sorted(r["option_ids"] for r in rows) == sorted(
        ["", "", str(an.pk), " ".join(str(pk) for pk in sorted([an.pk, binh.pk]))]
    )
    page = client.get(reverse("decisions:public_bulletin", args=[matter.commune.code, matter.pk]))
    assert page.status_code == 200
    assert "An" in page.content.decode()


def test_the_inner_ballot_page_ticks_several_candidates(client, board, official, chair):
    _matter, mv, (an, binh, cuong), codes = board
    url = reverse("decisions:bo_inner_ballots", args=[mv.pk])
    client.force_login(official)
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="checkbox" name="entry"' in page.content.decode()
    assert_accessible(page.content.decode())
    data = {"code": codes[0], "entry": [str(an.pk), str(binh.pk)], "step": "enter"}
    assert client.post(url, data).status_code == 302
    client.force_login(chair)
    assert client.post(url, data).status_code == 302
    assert set(SecretApproval.objects.values_list("option_id", flat=True)) == {an.pk, binh.pk}
    too_many = client.post(
        url, {"code": codes[1], "entry": [str(an.pk), str(binh.pk), str(cuong.pk)]}
    )
    assert too_many.status_code == 400


def test_the_printed_inner_ballot_says_how_many_candidates_it_may_approve(board):
    from danchu.decisions import printing

    _matter, mv, _candidates, codes = board
    html = printing.ballots_html(mv)
    assert "nhiều nhất 2 người" in html
    assert codes[0] in html
    assert "vào một ô" not in html
