"""The register's back office: create → edit → publish → new version, the compliance matrix,
records, attachments, registers, field errors, permissions and query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.disclosure import services
from danchu.disclosure.models import (
    Attachment,
    Disclosure,
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
)
from danchu.disclosure.rules import Category, Channel
from danchu.disclosure.tests.factories import make_disclosure, pdf_file, png_file
from danchu.territory.tests.factories import VillageFactory
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def url(name, *args):
    return reverse(f"disclosure:{name}", args=args)


def fields(**overrides):
    values = {
        "category": str(int(Category.SOCIAL_SUPPORT)),
        "title": "Danh sách hộ nghèo năm 2026",
        "summary": "Kết quả bình xét.",
        "body": "Danh sách kèm theo.",
        "source_document": "Quyết định số 12/QĐ-UBND",
        "source_issued_on": (today() - 2 * DAY).isoformat(),
        "sector_rule": "",
        "sector_deadline": "",
        "change_note": "",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def other_village(commune):
    return VillageFactory(commune=commune)


@pytest.fixture
def village_head(village):
    return RoleAssignmentFactory(
        commune=village.commune, village=village, role=Role.VILLAGE_HEAD
    ).user


@pytest.fixture
def inspector(commune):
    return RoleAssignmentFactory(commune=commune, role=Role.INSPECTION_BOARD).user


@pytest.fixture
def foreign_official(other_commune):
    return RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_OFFICIAL).user


@pytest.fixture
def published(official, commune, village, other_village):
    """A published social-support disclosure (clause 7: every channel) for the whole commune,
    issued 40 days ago so that its deadline has passed."""
    return make_disclosure(official, commune, publish=True, source_issued_on=today() - 40 * DAY)


# --- the whole flow through the pages -----------------------------------------------------------


def test_create_edit_publish_and_change_makes_a_new_version(client, official, commune, village):
    client.force_login(official)
    page = client.get(url("bo_create", commune.code))
    assert page.status_code == 200
    assert_accessible(page.content)
    assert "7. Chính sách an sinh xã hội" in page.content.decode()

    created = client.post(url("bo_create", commune.code), fields(villages=[village.pk]))
    assert created.status_code == 302
    disclosure = Disclosure.objects.get(commune=commune)
    assert created["Location"] == url("bo_detail", disclosure.pk)
    assert disclosure.status == Disclosure.Status.DRAFT
    detail = client.get(created["Location"])
    assert detail.status_code == 200
    assert_accessible(detail.content)
    assert "Đã lưu bản nháp" in detail.content.decode()

    # A draft is edited in place.
    edit = client.get(url("bo_edit", disclosure.pk))
    assert edit.status_code == 200
    assert_accessible(edit.content)
    edited = client.post(url("bo_edit", disclosure.pk), fields(title="Danh sách hộ nghèo (sửa)"))
    assert edited.status_code == 302
    assert DisclosureVersion.objects.filter(disclosure=disclosure).count() == 1
    disclosure.refresh_from_db()
    assert disclosure.current_version.title == "Danh sách hộ nghèo (sửa)"
    assert disclosure.current_version.all_villages  # no village chosen: the whole commune

    published = client.post(url("bo_publish", disclosure.pk))
    assert published.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.status == Disclosure.Status.PUBLISHED
    v1 = disclosure.public_version
    assert v1.number == 1
    assert v1.published_at is not None

    # Editing a published disclosure explains Art. 14 and asks what changed.
    edit = client.get(url("bo_edit", disclosure.pk)).content.decode()
    assert "sẽ tạo phiên bản 2" in edit
    assert "Điều 14" in edit
    no_note = client.post(url("bo_edit", disclosure.pk), fields(title="Danh sách mới"))
    assert no_note.status_code == 400
    assert 'id="id_change_note_error"' in no_note.content.decode()
    assert "Hãy ghi nội dung thay đổi" in no_note.content.decode()
    changed = client.post(
        url("bo_edit", disclosure.pk),
        fields(title="Danh sách mới", change_note="Bổ sung 2 hộ."),
    )
    assert changed.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.current_version.number == 2
    assert disclosure.current_version.published_at is None
    assert disclosure.public_version_id == v1.pk  # the public keeps reading version 1
    v1.refresh_from_db()
    assert v1.title == "Danh sách hộ nghèo (sửa)"  # frozen: unchanged
    html = client.get(url("bo_detail", disclosure.pk)).content.decode()
    assert "Bổ sung 2 hộ." in html
    assert "Công khai phiên bản 2" in html  # the publish button for the new version

    assert client.post(url("bo_publish", disclosure.pk)).status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.public_version.number == 2
    v1.refresh_from_db()
    assert v1.title == "Danh sách hộ nghèo (sửa)"
    assert v1.published_at is not None
    # Publishing twice is refused with a message, not a 500.
    again = client.post(url("bo_publish", disclosure.pk))
    assert again.status_code == 400
    assert "Phiên bản này đã được công khai" in again.content.decode()


def test_publish_needs_post(client, official, commune):
    disclosure = make_disclosure(official, commune)
    client.force_login(official)
    assert client.get(url("bo_publish", disclosure.pk)).status_code == 405


# --- field errors -------------------------------------------------------------------------------


def test_missing_title_and_future_issue_date_are_field_errors(client, official, commune):
    client.force_login(official)
    response = client.post(url("bo_create", commune.code), fields(title=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_title_error"' in html
    assert "Hãy nhập tiêu đề nội dung công khai." in html
    # The service refuses an issue date in the future; its message lands on the field.
    response = client.post(
        url("bo_create", commune.code), fields(source_issued_on=(today() + 3 * DAY).isoformat())
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_source_issued_on_error"' in html
    assert "không được là ngày trong tương lai" in html
    assert not Disclosure.objects.exists()
    bad_date = client.post(url("bo_create", commune.code), fields(source_issued_on="31/02/2026"))
    assert bad_date.status_code == 400
    assert 'id="id_source_issued_on_error"' in bad_date.content.decode()


def test_a_village_of_another_commune_is_refused(client, official, commune, other_commune):
    client.force_login(official)
    foreign = VillageFactory(commune=other_commune)
    response = client.post(url("bo_create", commune.code), fields(villages=[foreign.pk]))
    assert response.status_code == 400
    assert 'id="id_villages_error"' in response.content.decode()
    assert not Disclosure.objects.exists()


def test_sector_deadline_needs_its_rule(client, official, commune):
    client.force_login(official)
    response = client.post(
        url("bo_create", commune.code), fields(sector_deadline=(today() + 20 * DAY).isoformat())
    )
    assert response.status_code == 400
    assert "Hãy ghi quy định chuyên ngành" in response.content.decode()
    ok = client.post(
        url("bo_create", commune.code),
        fields(
            sector_rule="Luật Ngân sách, Điều 15", sector_deadline=(today() + 20 * DAY).isoformat()
        ),
    )
    assert ok.status_code == 302
    html = client.get(ok["Location"]).content.decode()
    assert "Luật Ngân sách, Điều 15" in html


def test_attachments_checked_by_type_and_size(client, official, commune, settings):
    disclosure = make_disclosure(official, commune)
    client.force_login(official)
    target = url("bo_attachment_add", disclosure.pk)
    # A Windows program renamed to .pdf: its first bytes give it away.
    exe = SimpleUploadedFile("quyet-dinh.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(target, {"file": exe})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert "Nội dung tệp không khớp với loại tệp (.pdf)" in html
    plain_exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00")
    response = client.post(target, {"file": plain_exe})
    assert response.status_code == 400
    assert "Chỉ chấp nhận tệp PDF, DOCX, XLSX, PNG và JPEG." in response.content.decode()
    assert client.post(target, {}).status_code == 400  # no file at all
    settings.DISCLOSURE_FILE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    response = client.post(target, {"file": big})
    assert response.status_code == 400
    assert "Tệp lớn hơn 1 MB." in response.content.decode()
    assert not Attachment.objects.exists()

    ok = client.post(target, {"file": pdf_file()})
    assert ok.status_code == 302
    attachment = Attachment.objects.get()
    html = client.get(url("bo_detail", disclosure.pk)).content.decode()
    assert "quyet-dinh.pdf" in html
    assert url("attachment", attachment.pk) in html
    download = client.get(url("attachment", attachment.pk))  # a draft's file: officials only
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert client.post(url("bo_attachment_remove", attachment.pk)).status_code == 302
    assert not Attachment.objects.exists()


def test_a_published_versions_attachments_cannot_be_removed(client, official, commune):
    disclosure = make_disclosure(official, commune)
    services.attachment_add(actor=official, disclosure=disclosure, uploaded_file=pdf_file())
    services.disclosure_publish(actor=official, disclosure=disclosure)
    attachment = Attachment.objects.get()
    client.force_login(official)
    html = client.get(url("bo_detail", disclosure.pk)).content.decode()
    assert url("bo_attachment_remove", attachment.pk) not in html
    response = client.post(url("bo_attachment_remove", attachment.pk))
    assert response.status_code == 400
    assert "Phiên bản đã công khai không thể sửa" in response.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def _record(client, disclosure, **overrides):
    values = {
        "version": str(disclosure.public_version.number),
        "channel": Channel.COMMUNE_OFFICE,
        "village": "",
        "started_on": (today() - 5 * DAY).isoformat(),
        "ended_on": "",
        "performed_by": "Văn phòng UBND",
        "note": "",
    }
    values.update(overrides)
    return client.post(url("bo_record_add", disclosure.pk), values)


def test_record_errors_are_field_level(client, official, commune, village, other_village):
    disclosure = make_disclosure(official, commune, publish=True, village_ids=[village.pk])
    client.force_login(official)
    response = _record(
        client, disclosure, started_on=(today() - 3 * DAY).isoformat(),
        ended_on=(today() - 5 * DAY).isoformat(),
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_ended_on_error"' in html
    assert "Ngày kết thúc không được trước ngày bắt đầu." in html
    outside = _record(client, disclosure, channel=Channel.VILLAGE_POINT, village=other_village.pk)
    assert outside.status_code == 400
    assert 'id="id_village_error"' in outside.content.decode()
    assert "Thôn, tổ dân phố này không thuộc phạm vi công khai." in outside.content.decode()
    future = _record(client, disclosure, started_on=(today() + 2 * DAY).isoformat())
    assert future.status_code == 400
    assert 'id="id_started_on_error"' in future.content.decode()
    no_channel = _record(client, disclosure, channel="")
    assert no_channel.status_code == 400
    assert "Hãy chọn hình thức công khai." in no_channel.content.decode()
    # Only the website record made by publishing exists.
    assert list(PublishingRecord.objects.values_list("channel", flat=True)) == [Channel.WEBSITE]


def test_compliance_matrix_in_words_with_records_and_proofs(
    client, official, commune, village, other_village, published
):
    version = published.public_version
    client.force_login(official)
    ok = _record(
        client, published, started_on=(today() - 35 * DAY).isoformat(),
        ended_on=(today() - 31 * DAY).isoformat(), performed_by="Chị Lan",
    )  # fmt: skip
    assert ok.status_code == 302
    # A posting still up at the village: running, with proof photos.
    running = client.post(
        url("bo_record_add", published.pk),
        {
            "version": "1",
            "channel": Channel.VILLAGE_POINT,
            "village": village.pk,
            "started_on": (today() - 20 * DAY).isoformat(),
            "proofs": [png_file("bang-tin-1.png"), png_file("bang-tin-2.png")],
        },
    )
    assert running.status_code == 302
    record = PublishingRecord.objects.get(channel=Channel.VILLAGE_POINT)
    assert record.proofs.count() == 2
    html = client.get(url("bo_detail", published.pk)).content.decode()
    assert_accessible(html)
    assert "đang thực hiện (20/30 ngày)" in html
    assert "chưa đủ thời gian (4/30 ngày)" in html
    assert "Đã thực hiện nhưng muộn" in html  # the website: published today, the deadline long past
    assert "Chưa thực hiện, đã quá hạn" in html  # the loudspeaker, the other village, the relays
    assert "Chị Lan" in html
    assert "bang-tin-1.png" in html
    for proof in record.proofs.all():
        assert url("attachment", proof.pk) in html
    # 5 working days after the issue date (Art. 12(3)).
    assert version.deadline.strftime("%d/%m/%Y") in html
    assert "5 ngày làm việc" in html
    # Ending the open posting.
    assert url("bo_record_end", record.pk) in html
    too_early = client.post(
        url("bo_record_end", record.pk),
        {f"end-{record.pk}-ended_on": (today() - 25 * DAY).isoformat()},
    )
    assert too_early.status_code == 400
    assert "Ngày kết thúc không được trước ngày bắt đầu." in too_early.content.decode()
    ended = client.post(
        url("bo_record_end", record.pk), {f"end-{record.pk}-ended_on": today().isoformat()}
    )
    assert ended.status_code == 302
    record.refresh_from_db()
    assert record.ended_on == today()


def test_withdraw_needs_a_reason(client, official, commune, published):
    client.force_login(official)
    response = client.post(url("bo_withdraw", published.pk), {"reason": ""})
    assert response.status_code == 400
    assert "Hãy nêu lý do thu hồi." in response.content.decode()
    response = client.post(url("bo_withdraw", published.pk), {"reason": "Nhầm văn bản"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Disclosure.Status.WITHDRAWN
    # A withdrawn disclosure is not edited again: refused with a message.
    edit = client.post(url("bo_edit", published.pk), fields(change_note="x"))
    assert edit.status_code == 400
    assert "Nội dung công khai này đã bị thu hồi." in edit.content.decode()


# --- permissions --------------------------------------------------------------------------------


def test_village_head_records_only_at_their_village(
    client, official, commune, village, other_village, village_head, published
):
    client.force_login(village_head)
    html = client.get(url("bo_detail", published.pk)).content.decode()
    assert f'<option value="{village.pk}"' in html
    assert f'<option value="{other_village.pk}"' not in html
    assert f'<option value="{Channel.COMMUNE_OFFICE}"' not in html
    mine = _record(client, published, channel=Channel.VILLAGE_POINT, village=village.pk)
    assert mine.status_code == 302
    other = _record(client, published, channel=Channel.VILLAGE_POINT, village=other_village.pk)
    assert other.status_code == 403
    assert "Bạn không có quyền thực hiện việc này." in other.content.decode()
    office = _record(client, published, channel=Channel.COMMUNE_OFFICE)
    assert office.status_code == 403
    assert PublishingRecord.objects.filter(recorded_by=village_head).count() == 1
    # Ending a record: only at their village.
    office_record = PublishingRecord.objects.create(
        commune=commune, version=published.public_version, channel=Channel.COMMUNE_OFFICE,
        started_on=today() - 3 * DAY,
    )  # fmt: skip
    refused = client.post(
        url("bo_record_end", office_record.pk),
        {f"end-{office_record.pk}-ended_on": today().isoformat()},
    )
    assert refused.status_code == 403
    office_record.refresh_from_db()
    assert office_record.ended_on is None
    # No editing, publishing or quarterly register for a village head.
    assert client.get(url("bo_edit", published.pk)).status_code == 403
    assert client.get(url("bo_create", commune.code)).status_code == 403
    assert client.get(url("bo_quarterly", commune.code)).status_code == 403


def test_inspection_board_reads_but_does_not_edit(
    client, official, commune, village, inspector, published
):
    client.force_login(inspector)
    assert client.get(url("bo_list", commune.code)).status_code == 200
    html = client.get(url("bo_detail", published.pk)).content.decode()
    assert url("bo_edit", published.pk) not in html
    assert url("bo_record_add", published.pk) not in html
    assert url("bo_withdraw", published.pk) not in html
    assert client.get(url("bo_create", commune.code)).status_code == 403
    assert client.post(url("bo_create", commune.code), fields()).status_code == 403
    assert client.get(url("bo_edit", published.pk)).status_code == 403
    assert client.post(url("bo_edit", published.pk), fields(change_note="x")).status_code == 403
    assert client.post(url("bo_publish", published.pk)).status_code == 403
    assert client.post(url("bo_withdraw", published.pk), {"reason": "x"}).status_code == 403
    assert (
        client.post(url("bo_attachment_add", published.pk), {"file": pdf_file()}).status_code == 403
    )
    refused = _record(client, published)
    assert refused.status_code == 403
    assert "Bạn không có quyền thực hiện việc này." in refused.content.decode()
    assert PublishingRecord.objects.count() == 1  # the website's
    # The inspection board supervises: the quarterly register is open to it (Art. 35).
    assert client.get(url("bo_quarterly", commune.code)).status_code == 200
    # It does not answer information requests.
    assert client.get(url("bo_requests", commune.code)).status_code == 403


def test_another_communes_official_gets_404_everywhere(
    client, official, commune, village, foreign_official, published
):
    draft = make_disclosure(official, commune)
    services.attachment_add(actor=official, disclosure=draft, uploaded_file=pdf_file())
    attachment = Attachment.objects.get()
    record = PublishingRecord.objects.get(version=published.public_version)
    asked = InformationRequest.objects.create(
        commune=commune, requester=official, subject="s", message="m", reason="not_yet",
        due_on=today(),
    )  # fmt: skip
    client.force_login(foreign_official)
    gets = [
        url("bo_list", commune.code),
        url("bo_create", commune.code),
        url("bo_detail", published.pk),
        url("bo_edit", published.pk),
        url("bo_village_register", commune.code, village.pk),
        url("bo_quarterly", commune.code),
        url("bo_quarterly_download", commune.code, "docx"),
        url("bo_requests", commune.code),
        url("bo_request_answer", asked.pk),
    ]
    for target in gets:
        assert client.get(target).status_code == 404, target
    posts = [
        (url("bo_create", commune.code), fields()),
        (url("bo_edit", published.pk), fields(change_note="x")),
        (url("bo_publish", draft.pk), {}),
        (url("bo_withdraw", published.pk), {"reason": "x"}),
        (url("bo_attachment_add", draft.pk), {"file": pdf_file()}),
        (url("bo_attachment_remove", attachment.pk), {}),
        (url("bo_record_add", published.pk), {"channel": "commune_office"}),
        (url("bo_record_end", record.pk), {f"end-{record.pk}-ended_on": today().isoformat()}),
        (url("bo_request_answer", asked.pk), {"answer": "x"}),
    ]
    for target, data in posts:
        assert client.post(target, data).status_code == 404, target
    draft.refresh_from_db()
    assert draft.status == Disclosure.Status.DRAFT
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_village_register_of_another_communes_village_is_404(
    client, official, commune, other_commune
):
    client.force_login(official)
    foreign = VillageFactory(commune=other_commune)
    assert client.get(url("bo_village_register", commune.code, foreign.pk)).status_code == 404
    assert client.get(url("bo_village_register", commune.code, 999999)).status_code == 404


def test_the_commune_menu_links_by_role(client, official, inspector, commune):
    client.force_login(official)
    html = client.get(url("bo_list", commune.code)).content.decode()
    assert url("bo_requests", commune.code) in html
    assert "Yêu cầu thông tin" in html
    assert url("bo_list", commune.code) in client.get(reverse("web:backoffice")).content.decode()
    client.force_login(inspector)
    html = client.get(url("bo_list", commune.code)).content.decode()
    assert url("bo_requests", commune.code) not in html
    board = RoleAssignmentFactory(commune=commune, role=Role.SUPERVISION_BOARD).user
    client.force_login(board)
    nav = client.get(reverse("web:villages", args=[commune.code])).content.decode()
    assert url("bo_list", commune.code) not in nav
    assert client.get(url("bo_list", commune.code)).status_code == 403


# --- the list and the registers -----------------------------------------------------------------


def test_list_filters_and_shows_compliance(client, official, commune, village, published):
    make_disclosure(official, commune, title="Biểu phí chợ", category=Category.FEES)
    client.force_login(official)
    page = client.get(url("bo_list", commune.code))
    assert page.status_code == 200
    assert_accessible(page.content)
    html = page.content.decode()
    assert "Danh sách hộ nghèo" in html
    assert "Biểu phí chợ" in html
    assert url("bo_village_register", commune.code, village.pk) in html
    assert url("bo_quarterly", commune.code) in html
    assert url("bo_create", commune.code) in html
    # The published one: website done (late) out of 5 duties, problems counted.
    assert "1/7" in html  # website done (late) of 7 duties: 2 villages, clause 7
    assert "7 vấn đề" in html  # done late counts as a problem
    drafts = client.get(url("bo_list", commune.code), {"status": "draft"}).content.decode()
    assert "Biểu phí chợ" in drafts
    assert "Danh sách hộ nghèo" not in drafts
    by_word = client.get(url("bo_list", commune.code), {"q": "bieu phi"}).content.decode()
    assert "Biểu phí chợ" in by_word
    assert "Danh sách hộ nghèo" not in by_word
    by_category = client.get(url("bo_list", commune.code), {"category": "12"}).content.decode()
    assert "Biểu phí chợ" in by_category
    assert "Danh sách hộ nghèo" not in by_category
    assert client.get(url("bo_list", commune.code), {"status": "nonsense"}).status_code == 400


def _queries(client, target):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow(client, official, commune, village, other_village):
    def add(count):
        for n in range(count):
            d = make_disclosure(
                official, commune, title=f"Nội dung {n}", publish=n % 2 == 0,
                village_ids=[village.pk] if n % 3 == 0 else [],
            )  # fmt: skip
            if d.public_version is not None:
                PublishingRecord.objects.create(
                    commune=commune, version=d.public_version, channel=Channel.VILLAGE_POINT,
                    village=village, started_on=today() - 3 * DAY,
                )  # fmt: skip

    client.force_login(official)
    add(5)
    small = _queries(client, url("bo_list", commune.code))
    add(35)
    large = _queries(client, url("bo_list", commune.code))
    assert Disclosure.objects.count() == 40
    assert large == small


def test_village_register_shows_the_villages_duties(
    client, official, commune, village, other_village, published
):
    PublishingRecord.objects.create(
        commune=commune, version=published.public_version, channel=Channel.VILLAGE_POINT,
        village=village, started_on=today() - 36 * DAY, ended_on=today() - DAY,
    )  # fmt: skip
    client.force_login(official)
    page = client.get(url("bo_village_register", commune.code, village.pk))
    assert page.status_code == 200
    assert_accessible(page.content)
    html = page.content.decode()
    assert "Danh sách hộ nghèo" in html
    assert "Đã thực hiện" in html  # the notice board: 35 days, started on time
    assert "Chưa thực hiện, đã quá hạn" in html  # the relay through the village head
    assert "badge-ok" in html
    other = client.get(url("bo_village_register", commune.code, other_village.pk)).content.decode()
    assert "Danh sách hộ nghèo" in other
    assert "badge-ok" not in other


def test_quarterly_register_page_and_downloads(client, official, commune, village, published):
    started = today() - 5 * DAY
    PublishingRecord.objects.create(
        commune=commune, version=published.public_version, channel=Channel.VILLAGE_POINT,
        village=village, started_on=started,
    )  # fmt: skip
    client.force_login(official)
    page = client.get(url("bo_quarterly", commune.code))  # the current quarter by default
    assert page.status_code == 200
    assert_accessible(page.content)
    html = page.content.decode()
    assert "Danh sách hộ nghèo" in html
    assert "Quyết định số 12/QĐ-UBND" in html
    assert f"({village.name}) {started.strftime('%d/%m/%Y')}–" in html
    assert "Khoản 7" in html
    quarter = (started.month - 1) // 3 + 1
    assert url("bo_quarterly_download", commune.code, "docx") in html
    empty = client.get(url("bo_quarterly", commune.code), {"year": 2001, "quarter": 1})
    assert "Danh sách hộ nghèo" not in empty.content.decode()
    bad = client.get(url("bo_quarterly", commune.code), {"year": "x", "quarter": 9})
    assert bad.status_code == 400
    assert 'id="id_quarter_error"' in bad.content.decode()
    assert client.get(url("bo_quarterly_download", commune.code, "pdf")).status_code == 404
    assert client.get(url("bo_quarterly_download", commune.code, "exe")).status_code == 404
    query = {"year": started.year, "quarter": quarter}
    assert (
        client.get(url("bo_quarterly_download", commune.code, "docx"), {"year": "x"}).status_code
        == 400
    )
    docx = client.get(url("bo_quarterly_download", commune.code, "docx"), query)
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.word")
    assert "attachment" in docx["Content-Disposition"]
    assert docx.content.startswith(b"PK")
    xlsx = client.get(url("bo_quarterly_download", commune.code, "xlsx"), query)
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].endswith("spreadsheetml.sheet")
    assert xlsx.content.startswith(b"PK")
