"""Pages of the online opt-in poll (Decree 59/2023 Art. 5(2)(c): online voting only after
more than half of all households agreed) and of cancelling a matter, through the client."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danchu.decisions.models import Matter, OnlineOptIn
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    official_of,
    open_meeting,
    representative,
    village_head,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"decisions:{name}", args=args)


def _answer(client, mv, household, value="yes"):
    return client.post(url("bo_optin", mv.pk), {"household": household.pk, "agrees": value})


def _open_online(client, matter, village):
    prefix = f"v{village.pk}-"
    return client.post(
        url("bo_open", matter.pk),
        {
            prefix + "form": Form.ONLINE,
            prefix + "closes_at": in_hours(48).strftime("%Y-%m-%dT%H:%M"),
            prefix + "team": "\n".join(TEAM),
        },
    )


def test_exactly_half_is_not_enough_more_than_half_opens_online(client, official, commune):
    village = make_village(commune, households=4)
    matter = make_matter(official, [village], MatterType.OTHER)
    mv = matter_village(matter, village)
    client.force_login(official)
    first, second, third, fourth = households_of(village)

    page = client.get(url("bo_optin", mv.pk))
    assert page.status_code == 200
    assert_accessible(page.content)
    assert "0 / 3" in page.content.decode()  # more than half of 4: at least 3

    for household in (first, second):
        assert _answer(client, mv, household).status_code == 302
    assert _answer(client, mv, fourth, "no").status_code == 302
    page = client.get(url("bo_optin", mv.pk)).content.decode()
    assert "2 / 3" in page
    # Exactly half (2 of 4) is not more than half: online voting is refused.
    refused = _open_online(client, matter, village)
    assert refused.status_code == 400
    assert "Điều 5" in refused.content.decode() or "Điều 17" in refused.content.decode()
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.DRAFT

    assert _answer(client, mv, third).status_code == 302
    assert "3 / 3" in client.get(url("bo_optin", mv.pk)).content.decode()
    assert _open_online(client, matter, village).status_code == 302
    assert matter_village(matter, village).form == Form.ONLINE

    # Open: the poll is over, the form fixed; an answer now is refused, never a 500.
    page = client.get(url("bo_optin", mv.pk))
    assert 'name="agrees"' not in page.content.decode()
    assert _answer(client, mv, fourth).status_code == 409
    assert OnlineOptIn.objects.get(matter_village=mv, household=fourth).agrees is False


def test_answers_change_and_field_errors(client, official, commune):
    village = make_village(commune, households=3)
    matter = make_matter(official, [village], MatterType.OTHER)
    mv = matter_village(matter, village)
    household = households_of(village)[0]
    client.force_login(official)

    missing = client.post(url("bo_optin", mv.pk), {"household": household.pk})
    assert missing.status_code == 400
    assert "Chọn câu trả lời của hộ" in missing.content.decode()  # on the household's row
    assert _answer(client, mv, household, "yes").status_code == 302
    assert _answer(client, mv, household, "no").status_code == 302
    assert OnlineOptIn.objects.get(matter_village=mv, household=household).agrees is False
    # Not a household id, or another village's household: 404 and a field error.
    assert client.post(url("bo_optin", mv.pk), {"household": "x²"}).status_code == 404
    other = make_village(commune, households=1)
    stranger = _answer(client, mv, households_of(other)[0])
    assert stranger.status_code == 400
    assert "không thuộc thôn, tổ dân phố này" in stranger.content.decode()


def test_only_other_self_managed_matters_are_polled(client, official, commune):
    village = make_village(commune, households=3)
    matter = make_matter(official, [village], MatterType.CONTRIBUTIONS)
    mv = matter_village(matter, village)
    client.force_login(official)
    page = client.get(url("bo_optin", mv.pk)).content.decode()
    assert "Điều 17(2)" in page
    assert 'name="agrees"' not in page
    assert _answer(client, mv, households_of(village)[0]).status_code == 400
    assert not OnlineOptIn.objects.exists()


def test_poll_permissions(client, official, commune, other_commune):
    village = make_village(commune, households=2)
    matter = make_matter(official, [village], MatterType.OTHER)
    mv = matter_village(matter, village)
    household = households_of(village)[0]
    client.force_login(official_of(other_commune))
    assert client.get(url("bo_optin", mv.pk)).status_code == 404
    assert _answer(client, mv, household).status_code == 404
    client.force_login(village_head(make_village(commune, households=1)))
    assert client.get(url("bo_optin", mv.pk)).status_code == 403
    assert _answer(client, mv, household).status_code == 403
    client.force_login(village_head(village))
    assert _answer(client, mv, household).status_code == 302
    assert not client.get(url("bo_optin", mv.pk)).context["count"].reached  # 1 of 2


def _poll_queries(client, mv):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("bo_optin", mv.pk)).status_code == 200
    return len(queries)


def test_poll_page_queries_do_not_grow_with_households(client, official, commune):
    client.force_login(official)
    counts = []
    for size in (3, 40):
        village = make_village(commune, households=size)
        matter = make_matter(official, [village], MatterType.OTHER)
        mv = matter_village(matter, village)
        for household in households_of(village)[:2]:
            _answer(client, mv, household)
        _poll_queries(client, mv)  # warm the per-request caches
        counts.append(_poll_queries(client, mv))
    assert counts[0] == counts[1], counts


# --- cancelling --------------------------------------------------------------------------------


def test_cancel_needs_a_reason(client, official, commune):
    village = make_village(commune, households=3)
    matter = open_meeting(official, make_matter(official, [village]))
    client.force_login(official)
    page = client.get(url("bo_cancel", matter.pk))
    assert page.status_code == 200
    assert_accessible(page.content)
    empty = client.post(url("bo_cancel", matter.pk), {"reason": "  "})
    assert empty.status_code == 400
    assert 'aria-invalid="true"' in empty.content.decode()
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.OPEN
    too_long = client.post(url("bo_cancel", matter.pk), {"reason": "x" * 251})
    assert too_long.status_code == 400
    done = client.post(url("bo_cancel", matter.pk), {"reason": "Trùng lịch bầu cử."})
    assert done.status_code == 302
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.CANCELLED
    again = client.post(url("bo_cancel", matter.pk), {"reason": "Lần nữa."})
    assert again.status_code == 409


def test_cancel_permissions(client, official, commune, other_commune):
    village = make_village(commune, households=3)
    matter = make_matter(official, [village])
    client.force_login(official_of(other_commune))
    assert client.post(url("bo_cancel", matter.pk), {"reason": "Không."}).status_code == 404
    client.force_login(village_head(make_village(commune, households=1)))
    assert client.post(url("bo_cancel", matter.pk), {"reason": "Không."}).status_code in (403, 404)
    front = official_of(commune, role="front_officer")
    client.force_login(front)
    refused = client.post(url("bo_cancel", matter.pk), {"reason": "Không."})
    assert refused.status_code == 403
    assert Matter.objects.get(pk=matter.pk).status == Matter.Status.DRAFT


def test_a_representative_answers_for_their_household(client, official, commune):
    village = make_village(commune, households=2)
    matter = make_matter(official, [village], MatterType.OTHER)
    mv = matter_village(matter, village)
    first, second = households_of(village)
    page_url = url("optin_household", mv.pk)
    first_rep = representative(first)
    client.force_login(first_rep)
    page = client.get(page_url)
    assert page.status_code == 200
    assert_accessible(page.content)
    assert client.post(page_url, {}).status_code == 400  # no answer: a field error
    assert client.post(page_url, {"agrees": "yes"}).status_code == 302
    # 1 of 2 is exactly half: not yet.
    assert not client.get(page_url).context["count"].reached
    client.force_login(representative(second))
    assert client.post(page_url, {"agrees": "yes"}).status_code == 302
    assert client.get(page_url).context["count"].reached
    assert OnlineOptIn.objects.filter(matter_village=mv, agrees=True).count() == 2

    # Another village's household, or a matter that cannot be voted online: no poll for them.
    client.force_login(representative(households_of(make_village(commune, households=1))[0]))
    assert client.get(page_url).status_code == 404
    client.force_login(first_rep)
    other_type = make_matter(official, [village], MatterType.CONTRIBUTIONS)
    assert client.get(url("optin_household", matter_village(other_type).pk)).status_code == 404
    # Once open the answer is fixed.
    open_meeting(official, matter)
    assert 'name="agrees"' not in client.get(page_url).content.decode()
    assert client.post(page_url, {"agrees": "no"}).status_code == 409
