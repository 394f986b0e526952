"""The meeting's attendance sheet with a check-in code per household, and the check-in page
(Law 10/2022 Art. 18): codes reveal nothing, cannot be guessed, work for one meeting only."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from danchu.decisions import attendance
from danchu.decisions.models import MeetingAttendance
from danchu.decisions.tests.factories import (
    households_of,
    make_matter,
    make_village,
    matter_village,
    open_ballot,
    open_meeting,
    representative,
    village_head,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(commune, official):
    village = make_village(commune, households=5, name="Đông")
    matter = make_matter(official, [village])
    open_meeting(official, matter)
    return matter_village(matter)


def _check_in(client, mv, code):
    return client.post(reverse("decisions:bo_check_in", args=[mv.pk]), {"code": code})


def test_codes_are_distinct_per_household_and_per_meeting(commune, official, meeting):
    households = households_of(meeting.village)
    codes = {attendance.attendance_code(meeting.pk, h.pk) for h in households}
    assert len(codes) == len(households)
    other = make_matter(official, [meeting.village])
    open_meeting(official, other)
    next_meeting = matter_village(other)
    assert not codes & {attendance.attendance_code(next_meeting.pk, h.pk) for h in households}


def test_a_code_says_nothing_about_the_household(meeting):
    household = households_of(meeting.village)[0]
    rep = representative(household).resident
    code = attendance.attendance_code(meeting.pk, household.pk)
    assert len(code.replace("-", "")) == attendance.CODE_LENGTH  # 50 bits
    for fact in (household.code, str(household.pk), rep.full_name, household.address):
        assert fact not in code


def test_codes_are_read_whatever_the_case_spaces_and_dashes(meeting):
    household = households_of(meeting.village)[2]
    code = attendance.attendance_code(meeting.pk, household.pk)
    typed = " " + code.lower().replace("-", " ") + " "
    assert attendance.household_for_code(meeting, typed) == household
    assert attendance.household_for_code(meeting, code[:-1]) is None
    assert attendance.household_for_code(meeting, "0" * 10) is None  # not base 32
    assert attendance.household_for_code(meeting, "") is None


def test_a_code_from_another_meeting_is_refused(client, official, meeting):
    other = make_matter(official, [meeting.village])
    open_meeting(official, other)
    household = households_of(meeting.village)[0]
    elsewhere = attendance.attendance_code(matter_village(other).pk, household.pk)
    client.force_login(official)
    response = _check_in(client, meeting, elsewhere)
    assert response.status_code == 400
    assert not MeetingAttendance.objects.filter(matter_village=meeting).exists()


def test_check_in_records_the_household_once(client, official, meeting):
    household = households_of(meeting.village)[1]
    code = attendance.attendance_code(meeting.pk, household.pk)
    client.force_login(official)
    page = client.get(reverse("decisions:bo_check_in", args=[meeting.pk]))
    assert page.status_code == 200
    assert_accessible(page.content)
    response = _check_in(client, meeting, code)
    assert response.status_code == 302
    again = _check_in(client, meeting, code.lower())
    assert again.status_code == 302
    rows = MeetingAttendance.objects.filter(matter_village=meeting)
    assert list(rows.values_list("household_id", flat=True)) == [household.pk]
    meeting.refresh_from_db()
    assert meeting.present == 1
    page = client.get(reverse("decisions:bo_check_in", args=[meeting.pk]))
    present = re.search(r"<p data-present>([^<]*)</p>", page.content.decode()).group(1)
    assert re.findall(r"\d+", present) == ["1", "5"]


def test_check_in_is_refused_with_a_field_error_for_garbage(client, official, meeting):
    client.force_login(official)
    for garbage in ("", "x" * 41, "'; DROP TABLE", "１２３４５６７８９０"):
        response = _check_in(client, meeting, garbage)
        assert response.status_code == 400
    assert not MeetingAttendance.objects.filter(matter_village=meeting).exists()


def test_only_the_villages_head_or_the_commune_checks_in(client, commune, meeting):
    household = households_of(meeting.village)[0]
    code = attendance.attendance_code(meeting.pk, household.pk)
    other_village = make_village(commune, households=1)
    client.force_login(village_head(other_village))
    assert _check_in(client, meeting, code).status_code == 403
    client.force_login(village_head(meeting.village))
    assert _check_in(client, meeting, code).status_code == 302


def test_check_in_after_the_result_is_refused(client, official, meeting):
    from danchu.decisions import services
    from danchu.decisions.tests.factories import option

    households = households_of(meeting.village)
    services.meeting_attendance_record(
        actor=official, matter_village=meeting, household_ids=[h.pk for h in households[:3]]
    )
    services.meeting_result_record(
        actor=official, matter_village=meeting, counts={option(meeting.matter).pk: 3}
    )
    client.force_login(official)
    code = attendance.attendance_code(meeting.pk, households[4].pk)
    assert _check_in(client, meeting, code).status_code == 409


def test_the_sheet_lists_every_household_with_its_code_and_qr(meeting):
    households = households_of(meeting.village)
    representative(households[0])
    html = attendance.attendance_sheet_html(meeting)
    for household in households:
        assert household.code in html
        assert attendance.attendance_code(meeting.pk, household.pk) in html
    assert html.count("data:image/svg+xml") == len(households)
    assert "DANH SÁCH ĐẠI DIỆN HỘ GIA ĐÌNH DỰ HỌP" in html


def test_the_sheet_rows_take_constant_queries(django_assert_max_num_queries, commune, official):
    for size in (3, 30):
        village = make_village(commune, households=size)
        matter = make_matter(official, [village])
        open_meeting(official, matter)
        mv = matter_village(matter)
        with django_assert_max_num_queries(3):
            assert len(attendance.attendance_sheet_rows(mv)) == size


def test_the_sheet_as_pdf(client, official, meeting):
    client.force_login(official)
    response = client.get(reverse("decisions:bo_attendance_sheet", args=[meeting.pk]))
    if response.status_code == 503:
        pytest.skip("WeasyPrint cannot run here")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_sheet_without_weasyprint_answers_503(client, official, meeting, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.force_login(official)
    response = client.get(reverse("decisions:bo_attendance_sheet", args=[meeting.pk]))
    assert response.status_code == 503


def test_no_sheet_for_a_village_deciding_by_ballot(client, commune, official):
    village = make_village(commune, households=2)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    client.force_login(official)
    response = client.get(
        reverse("decisions:bo_attendance_sheet", args=[matter_village(matter).pk])
    )
    assert response.status_code == 404


def test_the_camera_scan_is_an_enhancement_from_our_own_static_file(client, official, meeting):
    from django.contrib.staticfiles import finders

    client.force_login(official)
    body = client.get(reverse("decisions:bo_check_in", args=[meeting.pk])).content.decode()
    assert 'src="/static/decisions/checkin.js"' in body
    assert "data-check-in" in body
    script = finders.find("decisions/checkin.js")
    assert script is not None
    source = Path(script).read_text(encoding="utf-8")
    assert "BarcodeDetector" in source
    assert "http" not in source  # nothing fetched from elsewhere


def test_a_long_sheet_prints_in_files_numbered_on(client, official, meeting, monkeypatch):
    monkeypatch.setattr(attendance, "SHEET_BATCH", 2)
    rows = attendance.attendance_sheet_rows(meeting, 3)
    assert [r.number for r in rows] == [5]
    assert [r.number for r in attendance.attendance_sheet_rows(meeting, 1)] == [1, 2]
    assert len(attendance.attendance_sheet_rows(meeting)) == 5
    assert attendance.sheet_batches(meeting) == 3
    client.force_login(official)
    sheet = reverse("decisions:bo_attendance_sheet", args=[meeting.pk])
    for batch in ("0", "4", "x", "9" * 30):
        assert client.get(sheet, {"batch": batch}).status_code == 404
    page = client.get(reverse("decisions:bo_check_in", args=[meeting.pk])).content.decode()
    assert "batch=3" in page


def test_anonymous_is_sent_to_sign_in(client, meeting):
    for name in ("bo_check_in", "bo_attendance_sheet", "bo_clusters"):
        response = client.get(reverse(f"decisions:{name}", args=[meeting.pk]))
        assert response.status_code == 302
        assert "next=" in response["Location"]
    code = attendance.attendance_code(meeting.pk, households_of(meeting.village)[0].pk)
    assert _check_in(client, meeting, code).status_code == 302
    assert not MeetingAttendance.objects.filter(matter_village=meeting).exists()
