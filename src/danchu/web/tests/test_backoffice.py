"""Back office: sign-in required, scoped to the person's communes, forms, lists, imports, audit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.core.audit import record
from danchu.core.text import fold_vi
from danchu.territory.models import HouseholdImport, HouseholdVillagePeriod, Village
from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory, VillageFactory
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"web:{name}", args=args)


def test_anonymous_is_sent_to_sign_in(client, commune):
    for target in (url("backoffice"), url("households", commune.code)):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_person_without_backoffice_role_is_refused(client, commune):
    client.force_login(UserFactory())
    response = client.get(url("backoffice"))
    assert response.status_code == 403
    assert "Không được phép" in response.content.decode()


def test_dashboard_lists_the_officials_communes_and_roles(client, official, commune, other_commune):
    client.force_login(official)
    response = client.get(url("backoffice"))
    assert response.status_code == 200
    html = response.content.decode()
    assert commune.name in html
    assert other_commune.name not in html
    assert url("households", commune.code) in html
    assert_accessible(html)


def test_backoffice_link_in_the_menu_only_for_back_office_roles(client, official):
    client.force_login(official)
    assert url("backoffice") in client.get(url("home")).content.decode()
    client.force_login(UserFactory())
    assert url("backoffice") not in client.get(url("home")).content.decode()


# --- villages ----------------------------------------------------------------------------------


def test_villages_page_lists_and_creates(client, official, commune, village):
    client.force_login(official)
    page = client.get(url("villages", commune.code))
    assert page.status_code == 200
    assert village.name in page.content.decode()
    assert_accessible(page.content)
    response = client.post(
        url("villages", commune.code),
        {
            "create-name": "Tổ dân phố Mới",
            "create-kind": Village.Kind.TO_DAN_PHO,
            "create-code": "",
        },
    )
    assert response.status_code == 302
    assert Village.objects.filter(commune=commune, name="Tổ dân phố Mới").exists()
    assert "Đã thêm Tổ dân phố Mới" in client.get(response["Location"]).content.decode()


def test_village_create_errors_are_field_level_and_4xx(client, official, commune, village):
    client.force_login(official)
    blank = client.post(url("villages", commune.code), {"create-name": "", "create-kind": "x"})
    assert blank.status_code == 400
    assert 'id="id_create-name_error"' in blank.content.decode()
    # A duplicate name is refused by the service; its message lands on the name field.
    duplicate = client.post(
        url("villages", commune.code),
        {"create-name": village.name.upper(), "create-kind": Village.Kind.THON},
    )
    assert duplicate.status_code == 400
    assert 'id="id_create-name_error"' in duplicate.content.decode()
    assert Village.objects.filter(commune=commune).count() == 1


def test_village_rename_and_merge(client, official, commune, village):
    client.force_login(official)
    other = VillageFactory(commune=commune)
    household = HouseholdFactory(village=other)
    edit = client.get(url("village_edit", commune.code, village.pk))
    assert_accessible(edit.content)
    response = client.post(
        url("village_edit", commune.code, village.pk), {"name": "Thôn Đông", "kind": "thon"}
    )
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.name == "Thôn Đông"
    response = client.post(
        url("villages", commune.code), {"merge-village": other.pk, "merge-into": village.pk}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    household.refresh_from_db()
    assert other.merged_into == village
    assert household.village == village


def test_merge_into_itself_is_a_field_error(client, official, commune, village):
    client.force_login(official)
    response = client.post(
        url("villages", commune.code), {"merge-village": village.pk, "merge-into": village.pk}
    )
    assert response.status_code == 400
    assert 'id="id_merge-into_error"' in response.content.decode()


def test_village_head_sees_villages_but_may_not_create(client, village_head, commune):
    client.force_login(village_head)
    page = client.get(url("villages", commune.code))
    assert page.status_code == 200
    assert 'name="create-name"' not in page.content.decode()
    response = client.post(
        url("villages", commune.code), {"create-name": "X", "create-kind": "thon"}
    )
    assert response.status_code == 403


def test_other_communes_pages_are_404(client, official, other_commune):
    client.force_login(official)
    for name in ("villages", "households", "import_upload", "audit"):
        assert client.get(url(name, other_commune.code)).status_code == 404, name


def test_villages_list_query_count_does_not_grow(client, official, commune):
    client.force_login(official)

    def count_queries(n):
        VillageFactory.create_batch(
            n - Village.objects.filter(commune=commune).count(), commune=commune
        )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("villages", commune.code)).status_code == 200
        return len(ctx.captured_queries)

    assert count_queries(10) == count_queries(100)


# --- households --------------------------------------------------------------------------------


def test_households_list_masks_personal_data_without_the_right(client, commune, household):
    front = RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user
    client.force_login(front)
    html = client.get(url("households", commune.code)).content.decode()
    assert household.code in html
    assert "0912345678" not in html
    assert "091*****78" in html  # masked: first 3 and last 2 digits


def test_households_list_shows_full_values_with_the_right(client, official, commune, household):
    client.force_login(official)
    response = client.get(url("households", commune.code))
    assert response.status_code == 200
    assert "0912345678" in response.content.decode()
    assert_accessible(response.content)


def test_households_search_and_village_filter(client, official, commune, village):
    client.force_login(official)
    match = HouseholdFactory(village=village, representative_name_folded=fold_vi("Trần Thị Đào"))
    other_village = VillageFactory(commune=commune)
    elsewhere = HouseholdFactory(village=other_village)
    html = client.get(url("households", commune.code), {"q": "TRAN thi dao"}).content.decode()
    assert match.code in html
    assert elsewhere.code not in html
    html = client.get(
        url("households", commune.code), {"village": other_village.pk}
    ).content.decode()
    assert elsewhere.code in html
    assert match.code not in html
    bad = client.get(url("households", commune.code), {"village": "abc"})
    assert bad.status_code == 400
    assert 'class="errorlist' in bad.content.decode()


def test_households_list_paginates_by_50(client, official, commune, village):
    client.force_login(official)
    HouseholdFactory.create_batch(51, village=village)
    first = client.get(url("households", commune.code))
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(first.context["page_obj"].object_list) == 50
    assert client.get(url("households", commune.code), {"page": "99"}).status_code == 200


def test_households_list_query_count_does_not_grow(client, official, commune, village):
    client.force_login(official)

    def count_queries(n):
        for household in HouseholdFactory.create_batch(n, village=village):
            ResidentFactory(household=household, is_representative=True)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("households", commune.code)).status_code == 200
        return len(ctx.captured_queries)

    assert count_queries(10) == count_queries(90)  # 10 vs 100 households (a full page of 50)


def test_household_detail_shows_members_and_history(client, official, commune, household):
    client.force_login(official)
    HouseholdVillagePeriod.objects.create(
        commune=commune, household=household, village=household.village, start="2020-01-01"
    )
    response = client.get(url("household_detail", commune.code, household.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for member in household.members.all():
        assert member.full_name in html
    assert "01/01/2020" in html
    assert_accessible(html)


def test_other_communes_household_is_404(client, official, commune, other_household):
    client.force_login(official)
    assert client.get(url("household_detail", commune.code, other_household.pk)).status_code == 404
    assert (
        client.get(
            url("household_detail", other_household.commune.code, other_household.pk)
        ).status_code
        == 404
    )


def test_village_head_sees_only_their_village(client, village_head, commune, household):
    client.force_login(village_head)
    elsewhere = HouseholdFactory(village=VillageFactory(commune=commune))
    html = client.get(url("households", commune.code)).content.decode()
    assert household.code in html
    assert elsewhere.code not in html
    assert client.get(url("household_detail", commune.code, elsewhere.pk)).status_code == 403


# --- imports -----------------------------------------------------------------------------------


def test_import_upload_refuses_wrong_file_type(client, official, commune):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(official)
    page = client.get(url("import_upload", commune.code))
    assert page.status_code == 200
    assert 'accept=".xlsx,.csv"' in page.content.decode()
    assert_accessible(page.content)
    upload = SimpleUploadedFile("ho.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(url("import_upload", commune.code), {"file": upload})
    assert response.status_code == 400
    assert "Hãy chọn tệp Excel (.xlsx) hoặc CSV (.csv)." in response.content.decode()


def test_import_upload_starts_the_import(client, official, commune, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    imports = pytest.importorskip("danchu.territory.imports")
    job = HouseholdImport.objects.create(commune=commune, file_name="ho.csv", sha256="0" * 64)
    calls = []

    def fake_start(*, actor, commune, uploaded_file):
        calls.append((actor, commune, uploaded_file.name))
        return job

    monkeypatch.setattr(imports, "household_import_start", fake_start)
    client.force_login(official)
    upload = SimpleUploadedFile("ho.csv", b"ma_ho\n", content_type="text/csv")
    response = client.post(url("import_upload", commune.code), {"file": upload})
    assert response.status_code == 302
    assert response["Location"] == url("import_status", job.pk)
    assert calls == [(official, commune, "ho.csv")]


def test_import_status_running_refreshes_itself(client, official, commune):
    job = HouseholdImport.objects.create(
        commune=commune, file_name="ho.xlsx", sha256="1" * 64,
        status=HouseholdImport.Status.RUNNING, total=200, processed=50,
    )  # fmt: skip
    client.force_login(official)
    response = client.get(url("import_status", job.pk))
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert 'max="200" value="50"' in html
    assert "Đã xử lý: 25%" in html
    assert_accessible(html)


def test_import_status_failed_shows_the_error_table(client, official, commune, other_commune):
    job = HouseholdImport.objects.create(
        commune=commune, file_name="ho.xlsx", sha256="2" * 64,
        status=HouseholdImport.Status.FAILED, total=3, processed=3,
        errors=[{"row": 7, "column": "CCCD", "message": "Số CCCD phải gồm 12 chữ số."}],
    )  # fmt: skip
    client.force_login(official)
    html = client.get(url("import_status", job.pk)).content.decode()
    assert 'http-equiv="refresh"' not in html
    for text in ("Dòng", "Cột", "Lỗi", "<td>7</td>", "Số CCCD phải gồm 12 chữ số."):
        assert text in html
    foreign = HouseholdImport.objects.create(commune=other_commune, file_name="x", sha256="3" * 64)
    assert client.get(url("import_status", foreign.pk)).status_code == 404


# --- audit -------------------------------------------------------------------------------------


def test_audit_page_lists_the_communes_entries(client, official, commune, other_commune):
    record(actor=official, action="village.create", object_type="territory.village",
           object_id=1, commune_id=commune.pk)  # fmt: skip
    record(actor=official, action="secret.elsewhere", object_type="x", object_id=2,
           commune_id=other_commune.pk)  # fmt: skip
    client.force_login(official)
    response = client.get(url("audit", commune.code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "village.create" in html
    assert "secret.elsewhere" not in html


def test_audit_page_needs_audit_view(client, front_officer, commune):
    client.force_login(front_officer)
    assert client.get(url("audit", commune.code)).status_code == 403


# --- error handlers ----------------------------------------------------------------------------


def test_error_handlers_answer_in_vietnamese(rf):
    from danchu.web.views import handler403, handler404, handler500

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert handler404(request, None).status_code == 404
    assert handler403(request, None).status_code == 403
    response = handler500(request)
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.content.decode()


def test_import_of_a_file_with_wrong_columns_ends_on_the_error_table(
    client, official, commune, django_capture_on_commit_callbacks
):
    """Through the real import service (tasks run inline in tests): nothing imported, errors."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(official)
    upload = SimpleUploadedFile("ho.csv", b"cot_la,cot_khac\n1,2\n", "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import_upload", commune.code), {"file": upload})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    job = HouseholdImport.objects.get(commune=commune)
    assert job.status == HouseholdImport.Status.FAILED
    assert '<th scope="col">Dòng</th>' in html
    assert 'http-equiv="refresh"' not in html


def test_import_upload_over_the_size_limit_is_a_field_error(client, official, commune, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(official)
    upload = SimpleUploadedFile("ho.csv", b"x" * (1024 * 1024 + 1), content_type="text/csv")
    response = client.post(url("import_upload", commune.code), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp quá lớn (tối đa 1 MB)." in html
    assert_accessible(html)
    assert not HouseholdImport.objects.exists()
