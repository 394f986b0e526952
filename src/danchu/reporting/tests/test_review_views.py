"""The review pages: list, create (field errors in Vietnamese), write, refresh, issue,
download; permissions and constant query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.reporting import reviews
from danchu.reporting.models import ReviewReport
from danchu.reporting.periods import Period
from danchu.reporting.tests.review_fakes import fake_facts_fixture  # noqa: F401

H1 = Period.half(2026, 1)


def _list(commune):
    return reverse("reporting:review_list", args=["xa", commune.code])


def _draft(actor, commune):
    return reviews.review_create(
        actor=actor, unit=commune, kind=ReviewReport.Kind.HALF_YEAR, period=H1
    )


def test_create_write_refresh_issue_download(fake_facts, client, chair, commune):
    client.force_login(chair)
    page = client.get(reverse("reporting:review_create", args=["xa", commune.code]))
    assert page.status_code == 200
    created = client.post(
        reverse("reporting:review_create", args=["xa", commune.code]),
        {"kind": ReviewReport.Kind.HALF_YEAR, "period": "2026-H1"},
    )
    assert created.status_code == 302
    report = ReviewReport.objects.get()
    detail = reverse("reporting:review_detail", args=[report.pk])
    assert created["Location"] == detail
    assert client.get(detail).status_code == 200
    form = {
        "title": report.title, "results": "Kết quả nổi bật.", "place": "Can Lộc",
        "recipients": "Sở Nội vụ\nLưu: VT", "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH", "signer_name": "Trần Thị Bình",
    }  # fmt: skip
    saved = client.post(reverse("reporting:review_edit", args=[report.pk]), form)
    assert saved.status_code == 302
    fake_facts.add("decisions.decided", commune.pk, date(2026, 2, 2), 6)
    refreshed = client.post(reverse("reporting:review_refresh", args=[report.pk]))
    assert refreshed.status_code == 302
    report.refresh_from_db()
    assert report.snapshot["values"]["decisions.decided"] == 6
    issued = client.post(
        reverse("reporting:review_issue", args=[report.pk]), {"issued_on": "2026-07-06"}
    )
    assert issued.status_code == 302
    report.refresh_from_db()
    assert report.reference == "01/BC-UBND"
    page = client.get(detail)
    assert "Số: 01/BC-UBND" in page.content.decode()
    docx = client.get(reverse("reporting:review_document", args=[report.pk, "docx"]))
    assert docx.status_code == 200
    assert docx["Content-Disposition"] == 'attachment; filename="bao-cao-01-2026.docx"'
    pdf = client.get(reverse("reporting:review_document", args=[report.pk, "pdf"]))
    assert pdf.status_code in (200, 503)
    if pdf.status_code == 200:
        assert pdf.content.startswith(b"%PDF")
    # Frozen: no more writing, refreshing or issuing.
    assert client.post(reverse("reporting:review_edit", args=[report.pk]), form).status_code == 409
    assert client.post(reverse("reporting:review_refresh", args=[report.pk])).status_code == 409
    again = client.post(reverse("reporting:review_issue", args=[report.pk]), {"issued_on": ""})
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("period", "kind", "message"),
    [
        ("2026-H3", ReviewReport.Kind.HALF_YEAR, "Không hiểu kỳ báo cáo"),
        ("", ReviewReport.Kind.HALF_YEAR, "Trường này là bắt buộc"),
        ("2026", ReviewReport.Kind.HALF_YEAR, "Báo cáo sơ kết 6 tháng"),
        ("2099", ReviewReport.Kind.ANNUAL, "Kỳ báo cáo chưa bắt đầu"),
    ],
)
def test_bad_period_is_a_field_error(fake_facts, client, chair, commune, period, kind, message):
    client.force_login(chair)
    response = client.post(
        reverse("reporting:review_create", args=["xa", commune.code]),
        {"kind": kind, "period": period}, HTTP_ACCEPT_LANGUAGE="vi",
    )  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReviewReport.objects.exists()


def test_issue_errors_are_shown(fake_facts, client, chair, commune):
    report = _draft(chair, commune)
    client.force_login(chair)
    response = client.post(
        reverse("reporting:review_issue", args=[report.pk]), {"issued_on": "2026-07-06"}
    )
    assert response.status_code == 400  # no signer yet
    assert ReviewReport.objects.get().status == ReviewReport.Status.DRAFT


def test_permissions(fake_facts, client, commune, chair, official, other_commune):
    report = _draft(chair, commune)
    client.force_login(official)
    issue = client.post(reverse("reporting:review_issue", args=[report.pk]), {})
    assert issue.status_code == 403
    stranger = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR).user
    client.force_login(stranger)
    for url in (
        _list(commune),
        reverse("reporting:review_detail", args=[report.pk]),
        reverse("reporting:review_document", args=[report.pk, "docx"]),
    ):
        assert client.get(url).status_code == 404
    board = RoleAssignmentFactory(commune=commune, role=Role.INSPECTION_BOARD).user
    client.force_login(board)
    assert client.get(_list(commune)).status_code == 200
    create = reverse("reporting:review_create", args=["xa", commune.code])
    assert client.get(create).status_code == 403
    client.logout()
    assert client.get(_list(commune)).status_code == 302  # to the sign-in page


def test_inspection_board_copy_leaves_out_non_public_figures(fake_facts, client, chair, commune):
    fake_facts.add("requests.received_denunciation", commune.pk, date(2026, 3, 3), 4)
    report = _draft(chair, commune)
    board = RoleAssignmentFactory(commune=commune, role=Role.INSPECTION_BOARD).user
    client.force_login(board)
    page = client.get(reverse("reporting:review_detail", args=[report.pk])).content.decode()
    assert "Đơn tố cáo tiếp nhận" not in page
    client.force_login(chair)
    page = client.get(reverse("reporting:review_detail", args=[report.pk])).content.decode()
    assert "Đơn tố cáo tiếp nhận" in page


def test_province_pages(fake_facts, client, commune):
    province = commune.parent
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, commune=None, unit=province).user
    client.force_login(reader)
    url = reverse("reporting:review_create", args=["tinh", province.code])
    created = client.post(url, {"kind": ReviewReport.Kind.ANNUAL, "period": "2025"})
    assert created.status_code == 302
    listed = client.get(reverse("reporting:review_list", args=["tinh", province.code]))
    assert "Tổng kết thực hiện dân chủ ở cơ sở năm 2025" in listed.content.decode()
    assert client.get(_list(commune)).status_code == 200  # the province's communes too
    chair = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
    client.force_login(chair)
    province_list = reverse("reporting:review_list", args=["tinh", province.code])
    assert client.get(province_list).status_code == 404


def test_list_queries_do_not_grow(fake_facts, client, chair, commune):
    client.force_login(chair)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_list(commune)).status_code == 200
        return len(ctx.captured_queries)

    _draft(chair, commune)
    few = count()
    for _ in range(12):
        _draft(chair, commune)
    assert count() == few
    assert few <= 12


def test_detail_queries_do_not_grow_with_the_villages(fake_facts, client, chair, commune):
    from danchu.territory.tests.factories import CommuneFactory, VillageFactory

    client.force_login(chair)

    def count(report) -> int:
        url = reverse("reporting:review_detail", args=[report.pk])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    VillageFactory(commune=commune)
    small = count(_draft(chair, commune))
    bigger = CommuneFactory(parent=commune.parent)
    for _ in range(25):
        VillageFactory(commune=bigger)
    big_chair = RoleAssignmentFactory(commune=bigger, role=Role.COMMUNE_CHAIR).user
    big = _draft(big_chair, bigger)
    assert len(big.snapshot["children"]) == 25
    client.force_login(big_chair)
    assert count(big) == small
    assert small <= 10
