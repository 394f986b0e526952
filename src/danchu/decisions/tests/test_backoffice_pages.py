"""Back office of community decisions and the household's online vote, through the client:
create → open → meeting → result → close; ballots with double entry; field errors; 404 across
communes; a village head's own village; constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.decisions import services
from danchu.decisions.models import Ballot, Matter, MatterVillage, Option, Vote, VoteConflict
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
    official_of,
    open_ballot,
    open_meeting,
    option,
    representative,
    village_head,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"decisions:{name}", args=args)


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def ten(commune):
    """A village of 10 households."""
    return make_village(commune, households=10)


@pytest.fixture
def foreign(other_commune):
    return official_of(other_commune)


def _counts(matter, **by_kind):
    return {
        f"option_{o.pk}": str(by_kind.get(o.kind, 0)) for o in Option.objects.filter(matter=matter)
    }


# --- the meeting flow -----------------------------------------------------------------------


def test_create_open_meeting_result_close(client, official, commune, ten):
    client.force_login(official)
    page = client.get(url("bo_list", commune.code))
    assert page.status_code == 200
    assert_accessible(page.content)
    created = client.post(
        url("bo_list", commune.code),
        {
            "matter_type": str(int(MatterType.OTHER)),
            "title": "Làm đường bê tông",
            "question": "Bà con có đồng ý không?",
            "villages": [ten.pk],
        },
    )
    assert created.status_code == 302
    matter = Matter.objects.get(commune=commune)
    assert created["Location"] == url("bo_detail", matter.pk)
    detail = client.get(created["Location"])
    assert detail.status_code == 200
    assert_accessible(detail.content)

    prefix = f"v{ten.pk}-"
    opened = client.post(
        url("bo_open", matter.pk),
        {
            prefix + "form": Form.MEETING,
            prefix + "notice_on": days_ago(3).isoformat(),
            prefix + "held_on": today().isoformat(),
        },
    )
    assert opened.status_code == 302
    mv = matter_village(matter)
    assert mv.total_households == 10

    meeting = client.get(url("bo_meeting", mv.pk))
    assert meeting.status_code == 200
    assert_accessible(meeting.content)
    ids = [h.pk for h in households_of(ten)]
    assert client.post(url("bo_attendance", mv.pk), {"households": ids[:7]}).status_code == 302
    mv.refresh_from_db()
    assert mv.present == 7
    # Unchecking a household removes it (the sheet works without JavaScript).
    assert client.post(url("bo_attendance", mv.pk), {"households": ids[:6]}).status_code == 302
    mv.refresh_from_db()
    assert mv.present == 6

    result = client.post(url("bo_result", mv.pk), _counts(matter, approve=6))
    assert result.status_code == 302
    closed = client.post(url("bo_close", matter.pk))
    assert closed.status_code == 302
    matter.refresh_from_db()
    assert matter.status == Matter.Status.CLOSED
    html = client.get(url("bo_detail", matter.pk)).content.decode()
    assert matter.result_hash in html
    assert "6 / 10" in html
    assert "Luật 10/2022 Điều 21(1)" in html
    listing = client.get(url("bo_list", commune.code)).content.decode()
    assert "Làm đường bê tông" in listing


def test_exactly_half_at_the_meeting_is_not_adopted(client, official, ten):
    # Law 10/2022 Art. 21(1): more than half of all households; 5 of 10 fails.
    matter = make_matter(official, [ten])
    open_meeting(official, matter)
    mv = matter_village(matter)
    client.force_login(official)
    ids = [h.pk for h in households_of(ten)]
    client.post(url("bo_attendance", mv.pk), {"households": ids[:8]})
    assert client.post(url("bo_result", mv.pk), _counts(matter, approve=5)).status_code == 302
    assert client.post(url("bo_close", matter.pk)).status_code == 302
    mv.refresh_from_db()
    assert mv.adopted is False
    assert "✗" in client.get(url("bo_detail", matter.pk)).content.decode()


def test_unreachable_meeting_offers_the_ballot(client, official, ten):
    matter = make_matter(official, [ten])
    open_meeting(official, matter)
    mv = matter_village(matter)
    client.force_login(official)
    ids = [h.pk for h in households_of(ten)]
    client.post(url("bo_attendance", mv.pk), {"households": ids[:5]})
    page = client.get(url("bo_meeting", mv.pk))
    html = page.content.decode()
    assert url("bo_switch", mv.pk) in html
    assert "19(1)(b)" in html
    assert_accessible(page.content)
    switched = client.post(
        url("bo_switch", mv.pk),
        {
            "notice_on": days_ago(2).isoformat(),
            "held_on": today().isoformat(),
            "closes_at": timezone.localtime(in_hours(24)).strftime("%Y-%m-%dT%H:%M"),
            "team": "\n".join(TEAM),
        },
    )
    assert switched.status_code == 302
    mv.refresh_from_db()
    assert mv.form == Form.BALLOT


def test_refusals_show_the_article(client, official, ten):
    matter = make_matter(official, [ten])
    client.force_login(official)
    prefix = f"v{ten.pk}-"
    # A one-day notice: Decree 59/2023 Art. 3 asks for 2 days.
    refused = client.post(
        url("bo_open", matter.pk),
        {
            prefix + "form": Form.MEETING,
            prefix + "notice_on": days_ago(1).isoformat(),
            prefix + "held_on": today().isoformat(),
        },
    )
    assert refused.status_code == 400
    assert "Nghị định 59/2023" in refused.content.decode()
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.DRAFT


# --- ballots: issue, double entry, mismatch, resolve, close ---------------------------------


def test_ballot_issue_double_entry_and_close(client, official, chair, commune):
    village = make_village(commune, households=3)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    mv = matter_village(matter)
    second = official_of(commune)
    client.force_login(official)
    page = client.get(url("bo_ballots", mv.pk))
    assert page.status_code == 200
    assert client.post(url("bo_issue", mv.pk)).status_code == 302
    ballots = list(Ballot.objects.filter(matter_village=mv).order_by("serial"))
    assert len(ballots) == 3
    page = client.get(url("bo_ballots", mv.pk))
    assert_accessible(page.content)
    assert ballots[0].serial in page.content.decode()
    approve = str(option(matter).pk)
    reject = str(option(matter, Option.Kind.REJECT).pk)

    assert (
        client.post(url("bo_mark", mv.pk), {"ballot": ballots[0].pk, "status": "delivered"})
    ).status_code == 302
    for b in ballots:
        client.post(url("bo_mark", mv.pk), {"ballot": b.pk, "status": "returned"})
    entries = {ballots[0].pk: approve, ballots[1].pk: approve, ballots[2].pk: "blank"}
    for pk, entry in entries.items():
        assert (
            client.post(url("bo_enter", mv.pk), {"ballot": pk, "entry": entry}).status_code == 302
        )
    # The same person cannot verify their own entry.
    same = client.post(url("bo_enter", mv.pk), {"ballot": ballots[0].pk, "entry": approve})
    assert same.status_code == 400

    client.force_login(second)
    client.post(url("bo_enter", mv.pk), {"ballot": ballots[0].pk, "entry": approve})
    client.post(url("bo_enter", mv.pk), {"ballot": ballots[2].pk, "entry": "blank"})
    differ = client.post(
        url("bo_enter", mv.pk), {"ballot": ballots[1].pk, "entry": reject}, follow=True
    )
    assert differ.status_code == 200
    ballots[1].refresh_from_db()
    assert ballots[1].status == Ballot.Status.MISMATCH
    assert "Không đồng ý" in differ.content.decode()  # both entries shown to the resolver

    client.force_login(chair)
    resolved = client.post(
        url("bo_resolve", mv.pk),
        {"ballot": ballots[1].pk, "entry": approve, "reason": "Đọc lại phiếu"},
    )
    assert resolved.status_code == 302
    assert (
        client.post(url("bo_witnesses", mv.pk), {"witnesses": "\n".join(WITNESSES)}).status_code
        == 302
    )
    # Still open until the return deadline.
    early = client.post(url("bo_close", matter.pk))
    assert early.status_code == 409
    deadline_passes(mv)
    assert client.post(url("bo_close", matter.pk)).status_code == 302
    mv.refresh_from_db()
    assert mv.adopted is True  # 2 of 3: more than half
    summary = client.get(url("bo_ballots", mv.pk)).content.decode()
    assert "<dt>Phiếu trắng</dt><dd>1</dd>" in summary
    assert "<dt>Đã tính</dt><dd>2</dd>" in summary
    assert "<dt>Đã phát hành</dt><dd>3</dd>" in summary


def test_conflicts_page_resolves(client, official, commune):
    village = make_village(commune, households=2)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    mv = matter_village(matter)
    household = households_of(village)[0]
    conflict = VoteConflict.objects.create(
        commune=commune, matter=matter, household=household, channel=Vote.Channel.ONLINE,
        option=option(matter),
    )  # fmt: skip
    client.force_login(official)
    page = client.get(url("bo_conflicts", matter.pk))
    assert page.status_code == 200
    assert_accessible(page.content)
    assert household.code in page.content.decode()
    missing = client.post(url("bo_conflicts", matter.pk), {"conflict": conflict.pk})
    assert missing.status_code == 400
    done = client.post(
        url("bo_conflicts", matter.pk),
        {"conflict": conflict.pk, "keep": "new", "reason": "Hộ xác nhận"},
    )
    assert done.status_code == 302
    conflict.refresh_from_db()
    assert conflict.resolved_at is not None
    assert Vote.objects.filter(matter=matter, household=household).count() == 1
    assert mv.status == MatterVillage.Status.OPEN


# --- field errors ---------------------------------------------------------------------------


def test_field_errors_answer_400(client, official, commune, ten):
    client.force_login(official)
    empty = client.post(url("bo_list", commune.code), {"matter_type": "6", "title": ""})
    assert empty.status_code == 400
    assert_accessible(empty.content)
    no_village = client.post(
        url("bo_list", commune.code),
        {"matter_type": "6", "title": "T", "question": "Q?"},
    )
    assert no_village.status_code == 400
    assert not Matter.objects.exists()

    matter = make_matter(official, [ten])
    prefix = f"v{ten.pk}-"
    ballot = client.post(
        url("bo_open", matter.pk),
        {prefix + "form": Form.BALLOT, prefix + "held_on": today().isoformat()},
    )
    assert ballot.status_code == 400
    bad_date = client.post(
        url("bo_open", matter.pk), {prefix + "form": "meeting", prefix + "held_on": "hôm qua"}
    )
    assert bad_date.status_code == 400
    open_meeting(official, matter)
    mv = matter_village(matter)
    wrong = client.post(url("bo_attendance", mv.pk), {"households": ["999999"]})
    assert wrong.status_code == 400
    client.post(url("bo_attendance", mv.pk), {"households": [h.pk for h in households_of(ten)]})
    negative = client.post(url("bo_result", mv.pk), _counts(matter, approve=-1))
    assert negative.status_code == 400
    too_many = client.post(url("bo_result", mv.pk), _counts(matter, approve=11))
    assert too_many.status_code == 400


# --- permissions ----------------------------------------------------------------------------


def _every_url(matter, mv, commune):
    return [
        ("get", url("bo_list", commune.code)),
        ("post", url("bo_list", commune.code)),
        ("get", url("bo_detail", matter.pk)),
        ("post", url("bo_open", matter.pk)),
        ("post", url("bo_close", matter.pk)),
        ("get", url("bo_conflicts", matter.pk)),
        ("post", url("bo_conflicts", matter.pk)),
        ("get", url("bo_meeting", mv.pk)),
        ("post", url("bo_attendance", mv.pk)),
        ("post", url("bo_result", mv.pk)),
        ("post", url("bo_switch", mv.pk)),
        ("get", url("bo_ballots", mv.pk)),
        ("post", url("bo_issue", mv.pk)),
        ("post", url("bo_mark", mv.pk)),
        ("post", url("bo_enter", mv.pk)),
        ("post", url("bo_resolve", mv.pk)),
        ("post", url("bo_witnesses", mv.pk)),
        ("get", url("vote", mv.pk)),
        ("post", url("vote", mv.pk)),
    ]


def test_another_communes_official_gets_404_everywhere(client, official, foreign, commune, ten):
    matter = make_matter(official, [ten])
    open_meeting(official, matter)
    mv = matter_village(matter)
    client.force_login(foreign)
    for method, target in _every_url(matter, mv, commune):
        response = getattr(client, method)(target)
        assert response.status_code == 404, (method, target, response.status_code)


def test_a_village_head_runs_only_their_village(client, official, commune, ten):
    other = make_village(commune, households=3)
    head = village_head(ten)
    theirs = make_matter(official, [other])
    open_meeting(official, theirs)
    mv = matter_village(theirs)
    client.force_login(head)
    assert client.get(url("bo_meeting", mv.pk)).status_code == 403
    assert client.get(url("bo_ballots", mv.pk)).status_code == 403
    ids = [h.pk for h in households_of(other)]
    assert client.post(url("bo_attendance", mv.pk), {"households": ids}).status_code == 403
    assert client.post(url("bo_close", theirs.pk)).status_code == 403
    # Their own village's matter: created and run from the pages.
    created = client.post(
        url("bo_list", commune.code),
        {"matter_type": "6", "title": "Sửa nhà văn hóa", "question": "Đồng ý?",
         "villages": [ten.pk]},
    )  # fmt: skip
    assert created.status_code == 302
    # Another village is not offered to them.
    refused = client.post(
        url("bo_list", commune.code),
        {"matter_type": "6", "title": "X", "question": "Y?", "villages": [other.pk]},
    )
    assert refused.status_code == 400
    own = Matter.objects.get(title="Sửa nhà văn hóa")
    open_meeting(head, own)
    own_mv = matter_village(own)
    assert client.get(url("bo_meeting", own_mv.pk)).status_code == 200


def test_nav_shows_the_link_only_where_allowed(client, official, commune, ten):
    client.force_login(official)
    html = client.get(reverse("web:villages", args=[commune.code])).content.decode()
    assert url("bo_list", commune.code) in html


# --- the online vote ------------------------------------------------------------------------


@pytest.fixture
def online(commune, official):
    village = make_village(commune, households=4)
    matter = make_matter(official, [village])
    mv = matter_village(matter)
    for household in households_of(village)[:3]:
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=household, agrees=True
        )
    services.matter_open(
        actor=official, matter=matter,
        plans={village.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)},
    )  # fmt: skip
    return matter, matter_village(matter)


def test_a_representative_votes_and_changes(client, online):
    matter, mv = online
    rep = representative(households_of(mv.village)[0])
    client.force_login(rep)
    page = client.get(url("vote", mv.pk))
    assert page.status_code == 200
    assert_accessible(page.content)
    assert matter.question in page.content.decode()
    assert client.post(url("vote", mv.pk), {}).status_code == 400
    approve, reject = option(matter), option(matter, Option.Kind.REJECT)
    assert client.post(url("vote", mv.pk), {"option": approve.pk}).status_code == 302
    assert client.post(url("vote", mv.pk), {"option": reject.pk}).status_code == 302
    vote = Vote.objects.get(matter=matter)
    assert vote.option == reject
    assert "Không đồng ý" in client.get(url("vote", mv.pk)).content.decode()
    deadline_passes(mv)
    closed = client.post(url("vote", mv.pk), {"option": approve.pk})
    assert closed.status_code == 409


def test_vote_page_for_another_village_is_404(client, online, commune):
    _matter, mv = online
    elsewhere = make_village(commune, households=1)
    rep = representative(households_of(elsewhere)[0])
    client.force_login(rep)
    assert client.get(url("vote", mv.pk)).status_code == 404
    assert client.get(url("vote", 999999)).status_code == 404


def test_vote_after_voting_on_paper_is_a_conflict(client, online, commune):
    matter, mv = online
    household = households_of(mv.village)[0]
    Vote.objects.create(
        commune=commune, matter=matter, matter_village=mv, household=household,
        option=option(matter), channel=Vote.Channel.BALLOT,
    )  # fmt: skip
    rep = representative(household)
    client.force_login(rep)
    page = client.get(url("vote", mv.pk))
    assert "Điều 19(3)" in page.content.decode()
    refused = client.post(url("vote", mv.pk), {"option": option(matter, Option.Kind.REJECT).pk})
    assert refused.status_code == 409
    assert VoteConflict.objects.filter(matter=matter, household=household).exists()


def test_vote_requires_sign_in(client, online):
    _matter, mv = online
    response = client.get(url("vote", mv.pk))
    assert response.status_code == 302


# --- query counts ---------------------------------------------------------------------------


def _queries(client, target):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200
    return len(captured)


def test_list_query_count_is_constant(client, official, commune):
    villages = [make_village(commune, households=2) for _ in range(3)]

    def add(count):
        for n in range(count):
            matter = make_matter(official, villages[: 1 + n % 3], title=f"Việc {n}")
            if n % 2 == 0:
                open_meeting(official, matter)

    client.force_login(official)
    add(2)
    small = _queries(client, url("bo_list", commune.code))
    add(8)
    assert _queries(client, url("bo_list", commune.code)) == small


def test_ballots_page_query_count_is_constant(client, official, commune):
    def ballot_page(households):
        village = make_village(commune, households=households)
        for household in households_of(village):
            representative(household)
        matter = make_matter(official, [village])
        open_ballot(official, matter)
        mv = matter_village(matter)
        services.ballots_issue(actor=official, matter_village=mv)
        return url("bo_ballots", mv.pk)

    client.force_login(official)
    small = _queries(client, ballot_page(2))
    assert _queries(client, ballot_page(12)) == small


def test_meeting_needs_a_meeting_village(client, official, commune):
    village = make_village(commune, households=2)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    mv = matter_village(matter)
    client.force_login(official)
    page = client.get(url("bo_meeting", mv.pk))
    assert page.status_code == 200
    refused = client.post(url("bo_attendance", mv.pk), {"households": []})
    assert refused.status_code == 409
    assert MatterVillage.objects.get(pk=mv.pk).present == 0
