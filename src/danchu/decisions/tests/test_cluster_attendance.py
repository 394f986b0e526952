"""Per-cluster attendance sheets and check-in (Law 10/2022 Art. 18(3)): each cluster session
prints its own households, and its check-in accepts only their codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from danchu.decisions import attendance, clusters
from danchu.decisions.models import MeetingAttendance, MeetingSession
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    open_meeting,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


@pytest.fixture
def by_cluster(commune, official):
    """A meeting of 4 households of a dispersed village, in two clusters of two."""
    village = make_village(commune, households=4)
    matter = make_matter(official, [village])
    open_meeting(official, matter)
    mv = matter_village(matter)
    households = households_of(village)
    clusters.cluster_plan_create(
        actor=official, matter_village=mv, dispersed=True,
        clusters=[("Xóm Trên", [h.pk for h in households[:2]]),
                  ("Xóm Dưới", [h.pk for h in households[2:]])],
    )  # fmt: skip
    top, bottom = MeetingSession.objects.filter(matter_village=mv).order_by("position")
    return mv, households, top, bottom


def test_a_cluster_sheet_lists_its_households_and_names_the_cluster(by_cluster):
    mv, households, top, _bottom = by_cluster
    rows = attendance.attendance_sheet_rows(mv, session=top)
    assert [r.household_code for r in rows] == sorted(h.code for h in households[:2])
    html = attendance.attendance_sheet_html(mv, session=top)
    assert "Xóm Trên" in html
    assert households[3].code not in html
    assert attendance.sheet_batches(mv, top) == 1


def test_check_in_by_cluster_accepts_only_its_households(client, by_cluster, official):
    mv, households, top, bottom = by_cluster
    client.force_login(official)
    url = reverse("decisions:bo_check_in", args=[mv.pk])
    page = client.get(url)
    assert "Xóm Trên" in page.content.decode()
    assert_accessible(page.content)
    outsider = attendance.attendance_code(mv.pk, households[2].pk)
    refused = client.post(f"{url}?session={top.pk}", {"code": outsider})
    assert refused.status_code == 400
    assert not MeetingAttendance.objects.exists()
    member = attendance.attendance_code(mv.pk, households[0].pk)
    done = client.post(f"{url}?session={top.pk}", {"code": member})
    assert done.status_code == 302
    assert done["Location"].endswith(f"?session={top.pk}")
    assert MeetingAttendance.objects.get().household_id == households[0].pk
    # The same outsider's code is on the other cluster's sheet.
    assert client.post(f"{url}?session={bottom.pk}", {"code": outsider}).status_code == 302
    # A session of another village, or garbage, is a 404, never a 500.
    assert client.get(f"{url}?session=999999").status_code == 404
    assert client.get(f"{url}?session=x%00").status_code == 404
    sheet = reverse("decisions:bo_attendance_sheet", args=[mv.pk])
    assert client.get(f"{sheet}?session=999999").status_code == 404
