"""The reported-figures page: upload, errors, template, removal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danchu.reporting.models import ReportedFigure
from danchu.reporting.tests.rollup_fakes import FakeSource, fake_source  # noqa: F401
from danchu.reporting.tests.test_history import sheet

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name: str = "bc.xlsx"):
    return client.post(
        reverse("reporting:history_upload"),
        {"file": SimpleUploadedFile(name, content), "note": "Báo cáo năm"},
    )


def test_upload_page_imports_all_or_lists_the_errors(
    client,
    official,
    commune,
    fake_source: FakeSource,  # noqa: F811
) -> None:
    client.force_login(official)
    page = client.get(reverse("reporting:history_upload"))
    assert page.status_code == 200
    template = client.get(reverse("reporting:history_template"))
    assert template.status_code == 200
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = upload(client, sheet([commune.code, "", "fake.count", "01/08/2025", "x", 1, ""]))
    assert bad.status_code == 400
    assert "Dòng 2, cột “Đến ngày”" in bad.content.decode()
    assert upload(client, b"xx", name="a.csv").status_code == 400
    good = upload(
        client, sheet([commune.code, "", "fake.count", "01/08/2025", "31/08/2025", 4, ""])
    )
    assert good.status_code == 302
    figure = ReportedFigure.objects.get()
    assert (figure.value, figure.entered_by, figure.source_file) == (4, official, "bc.xlsx")
    listed = client.get(reverse("reporting:history_upload"))
    assert "bc.xlsx" in listed.content.decode()
    removed = client.post(reverse("reporting:history_delete", args=[figure.batch]))
    assert removed.status_code == 302
    assert not ReportedFigure.objects.exists()
    assert client.post(reverse("reporting:history_delete", args=["nope"])).status_code == 404


def test_only_review_writers_can_upload(client, commune, village) -> None:
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    assert client.get(reverse("reporting:history_upload")).status_code == 302  # sign in
    head = RoleAssignmentFactory(commune=commune, village=village, role=Role.VILLAGE_HEAD).user
    client.force_login(head)
    assert client.get(reverse("reporting:history_upload")).status_code == 403
    assert client.get(reverse("reporting:history_template")).status_code == 403
