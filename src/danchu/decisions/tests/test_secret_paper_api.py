"""The API of a secret paper ballot's count (issue 4): issue, enter twice, list and resolve the
differing entries, read the progress — the page's services and permission actions.

Law 10/2022 Art. 18(4)(d), 19(3); Decree 59/2023 Art. 4(6) (double entry).
"""

from __future__ import annotations

import json

import pytest

from danchu.accounts.models import Role
from danchu.api.tests.helpers import auth, token_for
from danchu.decisions import services
from danchu.decisions.models import Ballot, InnerBallot, Option, SecretApproval, SecretChoice
from danchu.decisions.tests.factories import (
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_ballot,
    option,
    village_head,
)
from danchu.decisions.tests.test_secret_board_paper import secret_board

pytestmark = pytest.mark.django_db

BASE = "/api/v1/matter-villages"


def _post(client, user, path, body=None):
    return client.post(
        BASE + path, json.dumps(body or {}), content_type="application/json",
        **auth(token_for(user)),
    )  # fmt: skip


def _get(client, user, path):
    return client.get(BASE + path, **auth(token_for(user)))


@pytest.fixture
def secret_paper(commune, official):
    """A secret matter by household ballot in a village of 4 households, not issued yet."""
    village = make_village(commune, households=4)
    matter = make_matter(official, [village], secret=True)
    open_ballot(official, matter)
    return matter, matter_village(matter, village)


def _issued_and_returned(client, official, mv):
    assert _post(client, official, f"/{mv.pk}/inner-ballots/issue").status_code == 200
    for ballot in Ballot.objects.filter(matter_village=mv):
        services.ballot_mark(actor=official, ballot=ballot, status=Ballot.Status.RETURNED)
    return list(
        InnerBallot.objects.filter(matter_village=mv)
        .order_by("code")
        .values_list("code", flat=True)
    )


def test_issue_then_progress(client, secret_paper, official):
    _matter, mv = secret_paper
    issued = _post(client, official, f"/{mv.pk}/inner-ballots/issue")
    assert issued.status_code == 200, issued.content
    assert issued.json() == {"issued_now": 4, "issued": 4}
    assert "code" not in json.dumps(issued.json())  # the codes are printed, never answered
    again = _post(client, official, f"/{mv.pk}/inner-ballots/issue").json()
    assert again == {"issued_now": 0, "issued": 4}
    progress = _get(client, official, f"/{mv.pk}/inner-ballots/progress")
    assert progress.status_code == 200
    assert progress.json() == {
        "matter_village_id": mv.pk, "seats": 1, "issued": 4, "envelopes_returned": 0,
        "entered": 0, "entered_once": 0, "counted": 0, "blank": 0, "spoiled": 0, "mismatch": 0,
        "pending": 0,
    }  # fmt: skip


def test_double_entry_by_two_api_users_and_a_third_resolves(client, secret_paper, official, chair):
    matter, mv = secret_paper
    codes = _issued_and_returned(client, official, mv)
    path = f"/{mv.pk}/inner-ballots"
    agree = {"code": codes[0], "entry": str(option(matter).pk)}
    first = _post(client, official, path, agree)
    assert first.status_code == 200, first.content
    assert first.json() == {"step": "first", "status": Ballot.Status.RETURNED}
    same = _post(client, official, path, agree)  # the same person cannot verify it
    assert (same.status_code, same.json()["code"]) == (422, "same_person")
    matched = _post(client, chair, path, {"code": codes[0].lower(), "entry": [option(matter).pk]})
    assert matched.json() == {"step": "matched", "status": Ballot.Status.COUNTED}
    assert SecretChoice.objects.get().option == option(matter)
    again = _post(client, chair, path, agree)
    assert (again.status_code, again.json()["code"]) == (409, "already_entered")
    # Two people read the second paper differently: a mismatch for a third person.
    head = village_head(mv.village)
    _post(client, official, path, {"code": codes[1], "entry": "blank"})
    mismatch = _post(client, head, path, {"code": codes[1], "entry": "spoiled"})
    assert mismatch.json() == {"step": "mismatch", "status": Ballot.Status.MISMATCH}
    blocked = _post(client, chair, path, {"code": codes[1], "entry": "blank"})
    assert (blocked.status_code, blocked.json()["code"]) == (409, "mismatch")
    listed = _get(client, official, path + "/mismatches")
    assert listed.status_code == 200
    assert listed.json() == {"count": 1, "items": [{"code": codes[1], "may_resolve": False}]}
    assert _get(client, chair, path + "/mismatches").json()["items"][0]["may_resolve"] is True
    resolve = {"code": codes[1], "entry": "spoiled", "reason": "Đọc lại phiếu"}
    own = _post(client, official, path + "/resolve", resolve)
    assert (own.status_code, own.json()["code"]) == (422, "same_person")
    resolved = _post(client, chair, path + "/resolve", resolve)
    assert resolved.json() == {"step": "resolved", "status": Ballot.Status.SPOILED}
    not_differing = _post(client, chair, path + "/resolve", {**resolve, "code": codes[0]})
    assert (not_differing.status_code, not_differing.json()["code"]) == (409, "not_mismatch")
    assert _get(client, official, path + "/mismatches").json() == {"count": 0, "items": []}
    _post(client, official, path, {"code": codes[2], "entry": "blank"})
    progress = _get(client, official, path + "/progress").json()
    assert progress | {"matter_village_id": 0} == {
        "matter_village_id": 0, "seats": 1, "issued": 4, "envelopes_returned": 4, "entered": 3,
        "entered_once": 1, "counted": 1, "blank": 0, "spoiled": 1, "mismatch": 0, "pending": 2,
    }  # fmt: skip


def test_a_board_ballot_lists_its_candidates(client, commune, official, chair):
    _matter, mv, (an, binh, cuong), codes = secret_board(official, commune)
    path = f"/{mv.pk}/inner-ballots"
    too_many = _post(
        client, official, path, {"code": codes[0], "entry": [an.pk, binh.pk, cuong.pk]}
    )
    assert too_many.status_code == 422
    assert (too_many.json()["code"], list(too_many.json()["fields"])) == (
        "too_many_candidates", ["entry"],
    )  # fmt: skip
    assert (
        _post(client, official, path, {"code": codes[0], "entry": f"{binh.pk},{an.pk}"}).json()[
            "step"
        ]
        == "first"
    )
    matched = _post(client, chair, path, {"code": codes[0], "entry": [an.pk, binh.pk]})
    assert matched.json() == {"step": "matched", "status": Ballot.Status.COUNTED}
    single = {"code": codes[1], "entry": [cuong.pk]}  # one candidate of two seats
    _post(client, official, path, single)
    assert _post(client, chair, path, single).json()["step"] == "matched"
    assert sorted(SecretApproval.objects.values_list("option_id", flat=True)) == sorted(
        [an.pk, binh.pk, cuong.pk]
    )
    progress = _get(client, official, path + "/progress").json()
    assert (progress["seats"], progress["counted"], progress["pending"]) == (2, 2, 2)
    # Whatever the entry, a field error — never a 500.
    for entry in ("blank,spoiled", " , ", f"{an.pk},{an.pk}", [2**31 - 1], [an.pk, 2**31 - 1],
                  "9" * 30, "0", [an.pk, an.pk]):  # fmt: skip
        response = _post(client, official, path, {"code": codes[2], "entry": entry})
        assert response.status_code == 422, entry
        assert list(response.json()["fields"]) == ["entry"], entry


def test_field_errors_and_the_law_s_refusal(client, secret_paper, official):
    matter, mv = secret_paper
    assert _post(client, official, f"/{mv.pk}/inner-ballots/issue").status_code == 200
    path = f"/{mv.pk}/inner-ballots"
    code = InnerBallot.objects.filter(matter_village=mv).values_list("code", flat=True)[0]
    # No envelope back yet: no inner ballot may be counted (Art. 19(3)).
    refused = _post(client, official, path, {"code": code, "entry": "blank"})
    assert (refused.status_code, refused.json()["code"]) == (422, "inner_exceeds_returned")
    assert "19(3)" in refused.json()["message"]
    unknown = _post(client, official, path, {"code": "AAAA-AAAA-AAAA", "entry": "blank"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["code"])
    foreign = Option.objects.exclude(matter=matter).order_by("pk").first()
    bad_entry = {"code": code, "entry": str(foreign.pk if foreign else 999_999)}
    wrong = _post(client, official, path, bad_entry)
    assert (wrong.status_code, list(wrong.json()["fields"])) == (422, ["entry"])
    for body in (
        {"code": code},
        {"code": code, "entry": []},
        {"code": "!!", "entry": "blank"},
        {"code": code, "entry": "x" * 201},
        {"code": code, "entry": [0]},
        {"code": code, "entry": 12},
    ):
        response = _post(client, official, path, body)
        assert response.status_code == 422, body
        assert response.json()["fields"], body
    no_reason = _post(client, official, path + "/resolve", {"code": code, "entry": "blank"})
    assert (no_reason.status_code, list(no_reason.json()["fields"])) == (422, ["reason"])
    blank = _post(
        client, official, path + "/resolve", {"code": code, "entry": "blank", "reason": " "}
    )
    assert blank.status_code == 422


def test_permissions_follow_the_page_and_other_communes_see_nothing(
    client, secret_paper, official, other_commune
):
    _matter, mv = secret_paper
    front = official_of(mv.commune, Role.FRONT_OFFICER)  # reads matters, enters nothing
    outsider = official_of(other_commune)
    entry = {"code": "AAAA-AAAA-AAAA", "entry": "blank"}
    resolve = {**entry, "reason": "Đọc lại"}
    writes = [("/inner-ballots/issue", {}), ("/inner-ballots", entry),
              ("/inner-ballots/resolve", resolve)]  # fmt: skip
    for suffix, body in writes:
        assert _post(client, front, f"/{mv.pk}{suffix}", body).status_code == 403, suffix
        assert _post(client, outsider, f"/{mv.pk}{suffix}", body).status_code == 404, suffix
        assert client.post(
            f"{BASE}/{mv.pk}{suffix}", json.dumps(body), content_type="application/json"
        ).status_code == 401  # fmt: skip
    assert _get(client, front, f"/{mv.pk}/inner-ballots/mismatches").status_code == 403
    assert _get(client, front, f"/{mv.pk}/inner-ballots/progress").status_code == 200
    for suffix in ("/inner-ballots/mismatches", "/inner-ballots/progress"):
        assert _get(client, outsider, f"/{mv.pk}{suffix}").status_code == 404
        assert _get(client, official, f"/{2**31 - 1}{suffix}").status_code == 404
    # A matter that is not a secret ballot has no inner ballots.
    plain = make_matter(official, [make_village(mv.commune, households=2)])
    open_ballot(official, plain)
    plain_mv = matter_village(plain)
    assert _get(client, official, f"/{plain_mv.pk}/inner-ballots/progress").status_code == 404
    assert _post(client, official, f"/{plain_mv.pk}/inner-ballots/issue").status_code == 404
