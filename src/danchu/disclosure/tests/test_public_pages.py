"""Public pages of the disclosure register: list, filters, detail, versions, feed, notice, files."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.disclosure import files, notice, services
from danchu.disclosure.models import Attachment, Disclosure
from danchu.disclosure.rules import Category, Channel
from danchu.disclosure.tests.factories import (
    PDF_BYTES,
    data,
    make_disclosure,
    pdf_file,
    png_file,
)
from danchu.territory.tests.factories import VillageFactory
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _parse(content: bytes) -> ET.Element:
    # Our own feed, generated in the test: not untrusted input.
    return ET.fromstring(content)  # noqa: S314


@pytest.fixture(autouse=True)
def _empty_cache():
    # The printed notice is cached; each test starts without it.
    cache.clear()
    yield
    cache.clear()


def _list_url(commune):
    return reverse("disclosure:public_list", args=[commune.code])


def _detail_url(disclosure):
    return reverse("disclosure:public_detail", args=[disclosure.commune.code, disclosure.pk])


def _with_document(official, commune, name="Quyết định ngân sách.pdf", **overrides):
    """A disclosure with one attached document, published."""
    disclosure = make_disclosure(official, commune, **overrides)
    attachment = services.attachment_add(
        actor=official, disclosure=disclosure, uploaded_file=pdf_file(name)
    )
    disclosure = services.disclosure_publish(actor=official, disclosure=disclosure)
    return disclosure, attachment


def _new_version(official, disclosure, **overrides):
    overrides.setdefault("change_note", "Bổ sung hai hộ.")
    return services.disclosure_update(actor=official, disclosure=disclosure, data=data(**overrides))


# ---------------------------------------------------------------------------------------------
# The list


def test_list_shows_only_published_disclosures_with_feed_link(client, commune, official):
    make_disclosure(official, commune, publish=True, title="Kế hoạch phát triển năm 2027")
    make_disclosure(official, commune, title="Bản nháp chưa công khai")
    withdrawn = make_disclosure(official, commune, publish=True, title="Nội dung bị thu hồi")
    services.disclosure_withdraw(actor=official, disclosure=withdrawn, reason="Nhầm xã.")

    response = client.get(_list_url(commune))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kế hoạch phát triển năm 2027" in html
    assert "Bản nháp chưa công khai" not in html
    assert "Nội dung bị thu hồi" not in html
    feed = reverse("disclosure:public_feed", args=[commune.code])
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html
    assert 'scope="col"' in html
    page = assert_accessible(response.content)
    assert page.html_lang == "vi"
    assert "Công khai thông tin" in html


def test_list_filters_by_category_and_village(client, commune, official):
    first = VillageFactory(commune=commune, name="Thôn Đông")
    second = VillageFactory(commune=commune, name="Thôn Tây")
    VillageFactory(commune=commune, name="Thôn Cũ", is_active=False)
    make_disclosure(
        official, commune, publish=True, title="Hỗ trợ thôn Đông", village_ids=[first.pk]
    )
    make_disclosure(
        official, commune, publish=True, title="Hỗ trợ thôn Tây", village_ids=[second.pk]
    )
    make_disclosure(
        official, commune, publish=True, title="Thu phí chợ toàn xã", category=Category.FEES
    )

    html = client.get(_list_url(commune)).content.decode()
    assert "Thôn Đông" in html
    assert "Thôn Tây" in html
    assert "Thôn Cũ" not in html  # only active villages in the select

    by_village = client.get(_list_url(commune), {"village": first.pk})
    assert by_village.status_code == 200
    html = by_village.content.decode()
    assert "Hỗ trợ thôn Đông" in html
    assert "Thu phí chợ toàn xã" in html  # the whole commune includes every village
    assert "Hỗ trợ thôn Tây" not in html

    by_category = client.get(_list_url(commune), {"category": Category.FEES.value})
    html = by_category.content.decode()
    assert "Thu phí chợ toàn xã" in html
    assert "Hỗ trợ thôn Đông" not in html
    assert_accessible(by_category.content)


def test_search_ignores_diacritics_and_case(client, commune, official):
    make_disclosure(
        official, commune, publish=True, title="Dự toán ngân sách xã năm 2027",
        category=Category.BUDGET,
    )  # fmt: skip
    make_disclosure(official, commune, publish=True, title="Danh sách gọi nhập ngũ")

    response = client.get(_list_url(commune), {"q": "NGAN sach"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dự toán ngân sách xã năm 2027" in html
    assert "Danh sách gọi nhập ngũ" not in html
    accented = client.get(_list_url(commune), {"q": "dự toán"}).content.decode()
    assert "Dự toán ngân sách xã năm 2027" in accented


def test_list_filters_by_publication_date(client, commune, official):
    old = make_disclosure(official, commune, publish=True, title="Thông báo tháng Một")
    make_disclosure(official, commune, publish=True, title="Thông báo mới")
    when = timezone.make_aware(datetime.datetime(2026, 1, 15, 9, 0))
    Disclosure.objects.filter(pk=old.pk).update(published_at=when)

    html = client.get(
        _list_url(commune), {"date_from": "2026-01-01", "date_to": "2026-01-31"}
    ).content.decode()
    assert "Thông báo tháng Một" in html
    assert "Thông báo mới" not in html

    html = client.get(_list_url(commune), {"date_from": "2026-02-01"}).content.decode()
    assert "Thông báo tháng Một" not in html
    assert "Thông báo mới" in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "99"}, "category"),
        ({"category": "abc"}, "category"),
        ({"village": "abc"}, "village"),
        ({"village": "999999"}, "village"),
        ({"date_from": "hôm qua"}, "date_from"),
        ({"date_to": "2026-02-30"}, "date_to"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_bad_filters_are_field_errors_and_a_400(client, commune, params, field):
    response = client.get(_list_url(commune), params)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert f'id="id_{field}_error"' in html  # the message sits next to its field
    assert response.context["form"].errors.get(field)
    assert_accessible(response.content)


def test_a_village_of_another_commune_is_refused(client, commune, other_commune):
    elsewhere = VillageFactory(commune=other_commune)
    response = client.get(_list_url(commune), {"village": elsewhere.pk})
    assert response.status_code == 400
    assert response.context["form"].errors.get("village")


def test_unknown_commune_is_a_404(client):
    assert client.get(reverse("disclosure:public_list", args=["00000"])).status_code == 404
    assert client.get(reverse("disclosure:public_feed", args=["00000"])).status_code == 404


def test_pages_of_50(client, commune, official):
    for n in range(51):
        make_disclosure(official, commune, publish=True, title=f"Thông báo số {n}")
    first = client.get(_list_url(commune)).content.decode()
    assert first.count("/cong-khai/") >= 50
    assert "Thông báo số 50" in first  # newest first
    assert "Thông báo số 0<" not in first
    second = client.get(_list_url(commune), {"page": 2}).content.decode()
    assert "Thông báo số 0<" in second


def _count_list_queries(client, commune):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_list_url(commune), {"q": "thong bao"})
    assert response.status_code == 200
    return len(queries), response


def test_list_query_count_does_not_grow_with_rows(
    client, commune, official, django_assert_max_num_queries
):
    VillageFactory.create_batch(3, commune=commune)
    for n in range(10):
        make_disclosure(official, commune, publish=True, title=f"Thông báo {n}")
    small, response = _count_list_queries(client, commune)
    assert response.context["page_obj"].paginator.count == 10

    for n in range(10, 60):
        make_disclosure(official, commune, publish=True, title=f"Thông báo {n}")
    large, response = _count_list_queries(client, commune)
    assert response.context["page_obj"].paginator.count == 60
    assert len(response.context["page_obj"].object_list) == 50

    assert small == large
    with django_assert_max_num_queries(5):
        client.get(_list_url(commune), {"q": "thong bao"})


# ---------------------------------------------------------------------------------------------
# One disclosure


def test_detail_shows_content_attachments_and_the_publishing_record(
    client, commune, official, village
):
    disclosure, attachment = _with_document(
        official, commune, summary="Có 12 hộ nghèo <b>mới</b>.", body="Dòng một\nDòng hai"
    )
    version = disclosure.public_version
    today = timezone.localdate()
    office = services.publishing_record_add(
        actor=official, version=version, channel=Channel.COMMUNE_OFFICE,
        started_on=today - datetime.timedelta(days=3), proofs=[png_file("anh-bang-tin.png")],
    )  # fmt: skip
    services.publishing_record_add(
        actor=official, version=version, channel=Channel.VILLAGE_POINT, village=village,
        started_on=today - datetime.timedelta(days=2), ended_on=today - datetime.timedelta(days=1),
    )  # fmt: skip
    proof = Attachment.objects.get(record=office)

    response = client.get(_detail_url(disclosure))

    assert response.status_code == 200
    html = response.content.decode()
    assert version.title in html
    assert str(Category(version.category).label) in html
    assert "Quyết định số 12/QĐ-UBND" in html
    assert "02/11/2026" in html  # the source document's issue date
    assert "Có 12 hộ nghèo &lt;b&gt;mới&lt;/b&gt;." in html  # escaped
    assert "Dòng một<br>Dòng hai" in html
    assert reverse("disclosure:attachment", args=[attachment.pk]) in html
    assert "Quyết định ngân sách.pdf" in html
    # The record: channel labels, place, dates; still-missing channels show as not recorded.
    assert "Niêm yết tại trụ sở xã" in html
    assert "Niêm yết tại nhà văn hóa thôn, tổ dân phố" in html
    assert village.name in html
    assert (today - datetime.timedelta(days=3)).strftime("%d/%m/%Y") in html
    assert (today - datetime.timedelta(days=1)).strftime("%d/%m/%Y") in html
    assert "Hệ thống truyền thanh" in html
    assert "chưa ghi nhận" in html
    # Proofs are not public.
    assert reverse("disclosure:attachment", args=[proof.pk]) not in html
    assert "anh-bang-tin.png" not in html
    assert reverse("disclosure:public_notice_pdf", args=[commune.code, disclosure.pk]) in html
    assert reverse("disclosure:request_create", args=[commune.code]) not in html  # anonymous
    assert_accessible(response.content)


def test_detail_hides_a_pending_change(client, commune, official):
    disclosure = make_disclosure(official, commune, publish=True, title="Danh sách hộ nghèo")
    _new_version(official, disclosure, title="Danh sách sửa, chưa công khai")

    html = client.get(_detail_url(disclosure)).content.decode()

    assert "Danh sách hộ nghèo" in html
    assert "chưa công khai" not in html
    assert reverse("disclosure:public_version", args=[commune.code, disclosure.pk, 1]) not in html


def test_signed_in_resident_gets_a_link_to_ask_for_information(client, commune, official, village):
    disclosure = make_disclosure(official, commune, publish=True)
    resident = RoleAssignmentFactory(commune=commune, village=village, role=Role.RESIDENT).user
    client.force_login(resident)

    html = client.get(_detail_url(disclosure)).content.decode()

    expected = reverse("disclosure:request_create", args=[commune.code])
    assert f'href="{expected}?disclosure={disclosure.pk}"' in html


@pytest.mark.parametrize("page", ["detail", "pdf", "version"])
def test_draft_and_withdrawn_disclosures_are_not_public(client, commune, official, page):
    draft = make_disclosure(official, commune)
    withdrawn = make_disclosure(official, commune, publish=True)
    services.disclosure_withdraw(actor=official, disclosure=withdrawn, reason="Nhầm nội dung.")
    for disclosure in (draft, withdrawn):
        url = {
            "detail": _detail_url(disclosure),
            "pdf": reverse("disclosure:public_notice_pdf", args=[commune.code, disclosure.pk]),
            "version": reverse("disclosure:public_version", args=[commune.code, disclosure.pk, 1]),
        }[page]
        assert client.get(url).status_code == 404, (page, disclosure.status)


def test_another_communes_disclosure_under_this_code_is_a_404(
    client, commune, other_commune, official
):
    other_official = RoleAssignmentFactory(commune=other_commune).user
    theirs = make_disclosure(other_official, other_commune, publish=True)
    for name in ("public_detail", "public_notice_pdf"):
        url = reverse(f"disclosure:{name}", args=[commune.code, theirs.pk])
        assert client.get(url).status_code == 404
    url = reverse("disclosure:public_version", args=[commune.code, theirs.pk, 1])
    assert client.get(url).status_code == 404
    assert client.get(_detail_url(theirs)).status_code == 200  # under its own code


def test_an_old_version_stays_readable_and_says_it_was_replaced(client, commune, official):
    disclosure = make_disclosure(official, commune, publish=True, title="Danh sách lần đầu")
    disclosure = _new_version(official, disclosure, title="Danh sách đã bổ sung")
    disclosure = services.disclosure_publish(actor=official, disclosure=disclosure)
    old_url = reverse("disclosure:public_version", args=[commune.code, disclosure.pk, 1])

    current = client.get(_detail_url(disclosure)).content.decode()
    assert "Danh sách đã bổ sung" in current
    assert "Bổ sung hai hộ." in current  # what changed
    assert old_url in current

    response = client.get(old_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Danh sách lần đầu" in html
    assert "Đây là phiên bản cũ" in html
    assert f'href="{_detail_url(disclosure)}"' in html
    assert_accessible(response.content)

    newest = reverse("disclosure:public_version", args=[commune.code, disclosure.pk, 2])
    assert client.get(newest).status_code == 302
    missing = reverse("disclosure:public_version", args=[commune.code, disclosure.pk, 9])
    assert client.get(missing).status_code == 404


def test_pending_version_is_not_readable_by_number(client, commune, official):
    disclosure = make_disclosure(official, commune, publish=True)
    _new_version(official, disclosure, title="Bản sửa chưa công khai")
    url = reverse("disclosure:public_version", args=[commune.code, disclosure.pk, 2])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# The feed


def test_atom_feed_lists_published_disclosures(client, commune, official):
    first = make_disclosure(official, commune, publish=True, title="Kế hoạch năm 2027")
    second = make_disclosure(
        official, commune, publish=True, title="Thu phí <chợ>", summary="Mức phí & lệ phí."
    )
    make_disclosure(official, commune, title="Bản nháp")

    response = client.get(reverse("disclosure:public_feed", args=[commune.code]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = _parse(response.content)
    assert root.tag == f"{ATOM}feed"
    assert commune.name in root.findtext(f"{ATOM}title")
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Thu phí <chợ>", "Kế hoạch năm 2027"]
    newest = entries[0]
    link = newest.find(f"{ATOM}link").get("href")
    assert link.endswith(_detail_url(second))
    assert link.startswith("http")
    assert newest.findtext(f"{ATOM}summary") == "Mức phí &amp; lệ phí."  # HTML-escaped text
    updated = datetime.datetime.fromisoformat(newest.findtext(f"{ATOM}updated"))
    second.refresh_from_db()
    assert abs(updated - second.published_at) < datetime.timedelta(seconds=1)
    assert entries[1].find(f"{ATOM}link").get("href").endswith(_detail_url(first))


def test_atom_feed_keeps_the_30_newest(client, commune, official):
    for n in range(31):
        make_disclosure(official, commune, publish=True, title=f"Tin {n}")
    root = _parse(client.get(reverse("disclosure:public_feed", args=[commune.code])).content)
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert len(titles) == 30
    assert "Tin 0" not in titles
    assert titles[0] == "Tin 30"


# ---------------------------------------------------------------------------------------------
# The printable notice


def test_notice_pdf_is_an_inline_pdf(client, commune, official):
    disclosure = make_disclosure(official, commune, publish=True, title="Danh sách hộ nghèo")
    url = reverse("disclosure:public_notice_pdf", args=[commune.code, disclosure.pk])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename=")
    assert disposition.isascii()
    assert f"thong-bao-{disclosure.pk}-v1-danh-sach-ho-ngheo.pdf" in disposition
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Danh sách hộ nghèo" in " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_notice_html_follows_the_state_format(commune, official, village):
    disclosure = make_disclosure(
        official, commune, publish=True, title="Danh sách hộ nghèo", village_ids=[village.pk],
        summary="Kết quả bình xét <hộ nghèo>.",
    )  # fmt: skip
    disclosure.refresh_from_db()
    url = "https://danchu.example.vn/xa/1/cong-khai/1/"

    html = notice.notice_html(disclosure, disclosure.public_version, url)

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert "ỦY BAN NHÂN DÂN" in html
    assert commune.name.upper() in html
    assert "THÔNG BÁO" in html
    assert "Danh sách hộ nghèo" in html
    assert "Kết quả bình xét &lt;hộ nghèo&gt;." in html
    assert "Quyết định số 12/QĐ-UBND" in html
    assert village.name in html
    assert '"Times New Roman"' in html
    assert "margin: 20mm 15mm 20mm 30mm" in html
    assert "size: A4" in html
    assert 'src="data:image/svg+xml' in html
    assert url in html
    assert 'lang="vi"' in html


def test_notice_place_and_date_follow_nd_30():
    from danchu.territory.tests.factories import CommuneFactory

    commune = CommuneFactory.build(name="Xã Can Lộc", unit_type="Xã")
    assert notice.place_and_date(commune, datetime.date(2026, 1, 5)) == (
        "Can Lộc, ngày 05 tháng 01 năm 2026"
    )
    assert notice.place_and_date(commune, datetime.date(2026, 11, 30)) == (
        "Can Lộc, ngày 30 tháng 11 năm 2026"
    )
    assert notice.place_and_date(commune, datetime.date(2026, 3, 9)).endswith(
        "ngày 09 tháng 3 năm 2026"
    )


def test_notice_qr_code_encodes_the_page_address():
    uri = notice.qr_data_uri("https://danchu.example.vn/xa/18406/cong-khai/7/")
    assert uri.startswith("data:image/svg+xml")


def test_notice_pdf_answers_503_when_weasyprint_cannot_load(client, commune, official, monkeypatch):
    disclosure = make_disclosure(official, commune, publish=True)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import raises ImportError

    response = client.get(
        reverse("disclosure:public_notice_pdf", args=[commune.code, disclosure.pk])
    )

    assert response.status_code == 503
    assert "Không tạo được bản in" in response.content.decode()
    assert_accessible(response.content)


# ---------------------------------------------------------------------------------------------
# Stored files


def _download(client, attachment):
    return client.get(reverse("disclosure:attachment", args=[attachment.pk]))


def test_a_published_document_is_public(client, commune, official):
    _, attachment = _with_document(official, commune)

    response = _download(client, attachment)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Quyet_dinh_ngan_sach.pdf"' in disposition
    assert "filename*=UTF-8''" + quote("Quyết định ngân sách.pdf") in disposition
    assert disposition.isascii()


def test_a_draft_document_is_only_for_the_communes_officials(
    client, commune, other_commune, official, village
):
    draft = make_disclosure(official, commune)
    attachment = services.attachment_add(actor=official, disclosure=draft, uploaded_file=pdf_file())
    assert _download(client, attachment).status_code == 404

    client.force_login(RoleAssignmentFactory(commune=other_commune).user)
    assert _download(client, attachment).status_code == 404

    resident = RoleAssignmentFactory(commune=commune, village=village, role=Role.RESIDENT).user
    client.force_login(resident)
    assert _download(client, attachment).status_code == 404

    client.force_login(official)
    response = _download(client, attachment)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_proof_is_not_public(client, commune, official):
    disclosure = make_disclosure(official, commune, publish=True)
    record = services.publishing_record_add(
        actor=official, version=disclosure.public_version, channel=Channel.COMMUNE_OFFICE,
        started_on=timezone.localdate(), proofs=[png_file()],
    )  # fmt: skip
    proof = Attachment.objects.get(record=record)

    assert _download(client, proof).status_code == 404
    client.force_login(official)
    response = _download(client, proof)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_documents_of_withdrawn_disclosures_and_pending_changes_are_not_public(
    client, commune, official
):
    withdrawn, attachment = _with_document(official, commune)
    services.disclosure_withdraw(actor=official, disclosure=withdrawn, reason="Nhầm xã.")
    assert _download(client, attachment).status_code == 404

    changed, published = _with_document(official, commune)
    changed = _new_version(official, changed)
    copy = Attachment.objects.get(version=changed.current_version)
    assert _download(client, published).status_code == 200  # the published version's file
    assert _download(client, copy).status_code == 404  # the same file in the pending change


def test_a_missing_file_is_a_404(client, commune, official):
    _, attachment = _with_document(official, commune)
    files.stored_path(attachment.path).unlink()
    assert _download(client, attachment).status_code == 404
    assert client.get(reverse("disclosure:attachment", args=[999999])).status_code == 404


# ---------------------------------------------------------------------------------------------
# The commune home


def test_commune_home_shows_the_five_newest_disclosures(client, commune, official):
    home = reverse("web:commune_home", args=[commune.code])
    with CaptureQueriesContext(connection) as empty:
        assert "Chưa có tin mới" in client.get(home).content.decode()

    for n in range(7):
        make_disclosure(official, commune, publish=True, title=f"Tin công khai {n}")
    make_disclosure(official, commune, title="Tin nháp")
    with CaptureQueriesContext(connection) as full:
        response = client.get(home)

    html = response.content.decode()
    assert "Tin công khai 6" in html
    assert "Tin công khai 2" in html
    assert "Tin công khai 1" not in html
    assert "Tin nháp" not in html
    assert _list_url(commune) in html
    assert len(empty) == len(full)
    assert_accessible(response.content)
