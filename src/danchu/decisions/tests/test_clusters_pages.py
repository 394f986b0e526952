"""The back-office pages of a meeting by residential cluster, through the client: name the
clusters, put households in them, the chair approves, each session's counts, the sum."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from danchu.decisions.models import MeetingSession, Option, SessionHousehold
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    open_meeting,
    option,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def url(name, mv):
    return reverse(f"decisions:{name}", args=[mv.pk])


def _meeting(official, village):
    matter = make_matter(official, [village])
    open_meeting(official, matter)
    return matter_village(matter)


def _plan_post(mv, names, assign):
    data = {"names": "\n".join(names)}
    for household, index in assign.items():
        data[f"cluster_{household.pk}"] = str(index)
    return data


def test_the_whole_flow_through_the_pages(client, commune, official, chair):
    mv = _meeting(official, make_village(commune, households=200))
    households = households_of(mv.village)
    client.force_login(official)
    page = client.get(url("bo_clusters", mv))
    assert page.status_code == 200
    assert_accessible(page.content)
    named = client.get(url("bo_clusters", mv), {"names": "Xóm Trên\nXóm Dưới"})
    assert named.status_code == 200
    assert named.content.decode().count("<select") == 200
    assert_accessible(named.content)
    assign = {h: (0 if n < 120 else 1) for n, h in enumerate(households)}
    saved = client.post(
        url("bo_clusters_plan", mv), _plan_post(mv, ["Xóm Trên", "Xóm Dưới"], assign)
    )
    assert saved.status_code == 302
    assert SessionHousehold.objects.filter(matter_village=mv).count() == 200
    # The official may not approve: the commune chair does (Decree 59/2023 Art. 3(6)).
    assert client.post(url("bo_clusters_approve", mv)).status_code == 403
    client.force_login(chair)
    assert client.post(url("bo_clusters_approve", mv)).status_code == 302
    client.force_login(official)
    client.post(
        reverse("decisions:bo_attendance", args=[mv.pk]),
        {"households": [h.pk for h in households[:80]] + [h.pk for h in households[120:190]]},
    )
    top, bottom = MeetingSession.objects.filter(matter_village=mv).order_by("position")
    approve, reject = option(mv.matter), option(mv.matter, Option.Kind.REJECT)
    other = option(mv.matter, Option.Kind.OTHER)
    for session, (yes, no) in ((top, (70, 10)), (bottom, (40, 30))):
        prefix = f"s{session.pk}"
        counts = {approve.pk: yes, reject.pk: no, other.pk: 0}
        data = {f"{prefix}-option_{pk}": n for pk, n in counts.items()}
        response = client.post(url("bo_clusters_session", mv), {"session": session.pk, **data})
        assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(url("bo_clusters", mv))
    present = re.findall(r"<td data-present>(\d+)</td>", page.content.decode())
    assert present == ["80", "70"]
    combined = client.post(url("bo_clusters_combine", mv), {"team": "", "witnesses": ""})
    assert combined.status_code == 302, combined.content.decode()[:2000]
    mv.refresh_from_db()
    assert mv.hand_counts[str(approve.pk)] == 110
    assert mv.hand_counts[str(reject.pk)] == 40


def test_a_village_below_200_is_refused_with_the_article(client, commune, official):
    mv = _meeting(official, make_village(commune, households=4))
    client.force_login(official)
    households = households_of(mv.village)
    response = client.post(
        url("bo_clusters_plan", mv),
        _plan_post(mv, ["A", "B"], {h: n % 2 for n, h in enumerate(households)}),
    )
    assert response.status_code == 400
    assert "18(3)" in response.content.decode()
    assert not MeetingSession.objects.filter(matter_village=mv).exists()


def test_garbage_in_the_forms_never_breaks_the_page(client, commune, official):
    mv = _meeting(official, make_village(commune, households=200))
    client.force_login(official)
    for data in ({}, {"names": ""}, {"names": "A\nB", "cluster_1": "x"}, {"names": "A" * 5000}):
        assert client.post(url("bo_clusters_plan", mv), data).status_code == 400
    assert client.post(url("bo_clusters_session", mv), {"session": "x"}).status_code == 404
    assert client.post(url("bo_clusters_session", mv), {"session": "999999"}).status_code == 404
    assert client.post(url("bo_clusters_approve", mv)).status_code == 404
    assert client.post(url("bo_clusters_combine", mv), {}).status_code in (400, 409)
    assert client.get(url("bo_clusters", mv), {"names": "\x00"}).status_code == 200
