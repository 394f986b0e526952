"""The heads in office before danchu through the pages and the API: the village page's form, the
commune page's sheet (all or nothing, its template), the API (201, 422, 403, 404)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from danchu.accounts.models import Role
from danchu.api.tests.helpers import auth, token_for
from danchu.core.calendar import add_months
from danchu.decisions import office
from danchu.decisions.models import VillageHeadTerm
from danchu.decisions.tests.factories import make_village, official_of, village_head
from danchu.decisions.tests.test_office_backfill import REF, xlsx
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"decisions:{name}", args=args)


def _today() -> datetime.date:
    return timezone.localdate()


def _ago(n: int) -> datetime.date:
    return _today() - datetime.timedelta(days=n)


@pytest.fixture
def two(commune):
    return make_village(commune, households=2), make_village(commune, households=2)


def _upload(content, name="truong-thon.xlsx"):
    return {"file": SimpleUploadedFile(name, content)}


# --- the village page --------------------------------------------------------------------------


def test_the_chair_enters_the_head_in_office_on_the_village_page(client, chair, two):
    village = two[0]
    client.force_login(chair)
    page = client.get(url("bo_office", village.pk))
    html = page.content.decode()
    assert_accessible(html)
    step = url("bo_office_step", village.pk, "existing")
    assert step in html
    assert "Quyết định (số, ngày)" in html
    tomorrow = client.post(
        step,
        {"kind": "elected", "name": "Nguyễn Văn Cũ", "reference": REF,
         "started_on": (_today() + datetime.timedelta(days=1)).isoformat()},
    )  # fmt: skip
    assert tomorrow.status_code == 400
    assert "Ngày này chưa đến." in tomorrow.content.decode()
    no_reference = client.post(
        step, {"kind": "elected", "name": "Nguyễn Văn Cũ", "started_on": _ago(300).isoformat()}
    )
    assert no_reference.status_code == 400
    too_far = add_months(add_months(_ago(300), 60), 6) + datetime.timedelta(days=1)
    refused = client.post(
        step,
        {"kind": "elected", "name": "Nguyễn Văn Cũ", "reference": REF,
         "started_on": _ago(300).isoformat(), "planned_end_on": too_far.isoformat()},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "185/2026" in refused.content.decode()
    assert not VillageHeadTerm.objects.exists()
    done = client.post(
        step,
        {"kind": "elected", "name": "Nguyễn Văn Cũ", "reference": REF,
         "started_on": _ago(300).isoformat()},
    )  # fmt: skip
    assert done.status_code == 302
    term = VillageHeadTerm.objects.get()
    assert (term.source, term.reference) == (VillageHeadTerm.Source.BEFORE_PLATFORM, REF)
    shown = client.get(url("bo_office", village.pk)).content.decode()
    assert "Nguyễn Văn Cũ" in shown
    assert REF in shown
    assert step not in shown  # the history has started: no second back-fill
    again = client.post(
        step,
        {"kind": "interim", "name": "Hai", "started_on": _today().isoformat()},
    )
    assert again.status_code == 400
    assert 'class="form-errors"' in again.content.decode()
    assert VillageHeadTerm.objects.count() == 1


def test_an_official_sees_no_back_fill_form_and_is_refused(client, official, two):
    village = two[0]
    step = url("bo_office_step", village.pk, "existing")
    client.force_login(official)
    assert step not in client.get(url("bo_office", village.pk)).content.decode()
    posted = client.post(
        step, {"kind": "interim", "name": "Tạm", "started_on": _today().isoformat()}
    )
    assert posted.status_code == 403
    client.force_login(official_of(village.commune, Role.FRONT_OFFICER))
    again = client.post(
        step, {"kind": "interim", "name": "Tạm", "started_on": _today().isoformat()}
    )
    assert again.status_code == 403
    assert not VillageHeadTerm.objects.exists()


def test_another_communes_chair_gets_not_found(client, two, other_commune):
    village = two[0]
    client.force_login(official_of(other_commune, Role.COMMUNE_CHAIR))
    posted = client.post(
        url("bo_office_step", village.pk, "existing"),
        {"kind": "interim", "name": "Tạm", "started_on": _today().isoformat()},
    )
    assert posted.status_code == 404
    code = village.commune.code
    assert client.get(url("bo_offices_template", code)).status_code == 404
    sheet = xlsx([[village.name, "A", "Tạm thời", _today(), None, None]])
    assert client.post(url("bo_offices_import", code), _upload(sheet)).status_code == 404
    assert not VillageHeadTerm.objects.exists()


# --- the commune page: the sheet ----------------------------------------------------------------


def test_the_chair_imports_the_sheet_all_or_nothing(client, chair, commune, two):
    a, b = two
    client.force_login(chair)
    page = client.get(url("bo_offices", commune.code))
    html = page.content.decode()
    assert_accessible(html)
    assert url("bo_offices_import", commune.code) in html
    assert url("bo_offices_template", commune.code) in html
    bad = xlsx(
        [
            [a.name, "Nguyễn Văn A", "Được bầu", _ago(100), None, REF],
            [b.name, "Trần Thị B", "Được bầu", _ago(100), None, None],
        ]
    )
    refused = client.post(url("bo_offices_import", commune.code), _upload(bad))
    assert refused.status_code == 400
    shown = refused.content.decode()
    assert "Dòng 3, cột “Quyết định”" in shown
    assert not VillageHeadTerm.objects.exists()
    good = xlsx(
        [
            [a.name, "Nguyễn Văn A", "Được bầu", _ago(100), None, REF],
            [b.name, "Trần Thị B", "Tạm thời", _ago(10), None, None],
        ]
    )
    done = client.post(url("bo_offices_import", commune.code), _upload(good), follow=True)
    assert done.status_code == 200
    html = done.content.decode()
    assert "Nguyễn Văn A" in html
    assert "Trần Thị B" in html
    assert VillageHeadTerm.objects.count() == 2
    not_a_sheet = client.post(
        url("bo_offices_import", commune.code), _upload(b"%PDF-1.4", name="a.pdf")
    )
    assert not_a_sheet.status_code == 400
    assert client.post(url("bo_offices_import", commune.code), {}).status_code == 400


def test_the_template_is_the_chairs(client, chair, official, commune, two):
    client.force_login(chair)
    response = client.get(url("bo_offices_template", commune.code))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'truong-thon-{commune.code}.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    names = [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(v.name for v in two)
    client.force_login(official)
    page = client.get(url("bo_offices", commune.code)).content.decode()
    assert url("bo_offices_import", commune.code) not in page
    assert client.get(url("bo_offices_template", commune.code)).status_code == 403
    sheet = xlsx([[two[0].name, "A", "Tạm thời", _today(), None, None]])
    assert client.post(url("bo_offices_import", commune.code), _upload(sheet)).status_code == 403
    client.force_login(village_head(two[0]))
    assert client.post(url("bo_offices_import", commune.code), _upload(sheet)).status_code in (
        403,
        404,
    )
    assert not VillageHeadTerm.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_the_api_records_the_head_in_office(client, chair, official, two):
    village = two[0]
    path = f"/api/v1/villages/{village.pk}/village-head/existing"
    as_chair = auth(token_for(chair))
    start = _ago(200)
    tomorrow = client.post(
        path,
        {"kind": "elected", "name": "Nguyễn Văn Cũ", "reference": REF,
         "started_on": (_today() + datetime.timedelta(days=1)).isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert tomorrow.status_code == 422
    assert set(tomorrow.json()["fields"]) == {"started_on"}
    no_reference = client.post(
        path, {"kind": "elected", "name": "Cũ", "started_on": start.isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert no_reference.status_code == 422
    assert set(no_reference.json()["fields"]) == {"reference"}
    bad_kind = client.post(
        path, {"kind": "mayor", "name": "Cũ", "started_on": start.isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert bad_kind.status_code == 422
    too_long = add_months(start, 6) + datetime.timedelta(days=1)
    refused = client.post(
        path,
        {"kind": "interim", "name": "Tạm", "started_on": start.isoformat(),
         "planned_end_on": too_long.isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["code"] == "interim_too_long"
    forbidden = client.post(
        path, {"kind": "elected", "name": "Cũ", "reference": REF, "started_on": start.isoformat()},
        content_type="application/json", **auth(token_for(official)),
    )  # fmt: skip
    assert forbidden.status_code == 403
    assert not VillageHeadTerm.objects.exists()
    created = client.post(
        path, {"kind": "elected", "name": "Nguyễn Văn Cũ", "reference": REF,
               "started_on": start.isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert created.status_code == 201
    body = created.json()
    assert body == client.get(f"/api/v1/villages/{village.pk}/village-head", **as_chair).json()
    current = body["current"]
    assert (current["source"], current["reference"], current["kind"]) == (
        "before_platform",
        REF,
        "elected",
    )
    assert current["planned_end_on"] == add_months(start, office.term_months()).isoformat()
    again = client.post(
        path, {"kind": "interim", "name": "Hai", "started_on": _today().isoformat()},
        content_type="application/json", **as_chair,
    )  # fmt: skip
    assert again.status_code == 422
    assert set(again.json()["fields"]) == {"village"}


def test_the_api_hides_another_communes_village(client, two, other_commune):
    stranger = auth(token_for(official_of(other_commune, Role.COMMUNE_CHAIR)))
    posted = client.post(
        f"/api/v1/villages/{two[0].pk}/village-head/existing",
        {"kind": "interim", "name": "Tạm", "started_on": _today().isoformat()},
        content_type="application/json", **stranger,
    )  # fmt: skip
    assert posted.status_code == 404
    missing = client.post(
        "/api/v1/villages/999999/village-head/existing",
        {"kind": "interim", "name": "Tạm", "started_on": _today().isoformat()},
        content_type="application/json", **stranger,
    )  # fmt: skip
    assert missing.status_code == 404
