"""Printed household ballots (Decree 59/2023 Art. 4(5)), the ballots' delivery filter, and the
public download of the decision document (Law 10/2022 Art. 20(2))."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import sys

import pytest
from django.urls import reverse

from danchu.decisions import printing, selectors, services
from danchu.decisions.models import Ballot, Matter
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    households_of,
    make_matter,
    make_village,
    matter_village,
    open_ballot,
    option,
    village_head,
)
from danchu.web.tests.html_checks import assert_accessible

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


@pytest.fixture
def issued(commune, official):
    """A contributions matter by household ballot in a village of 3 households, ballots issued."""
    village = make_village(commune, households=3, name="Đông")
    matter = make_matter(official, [village], MatterType.CONTRIBUTIONS, title="Góp tiền làm đường")
    open_ballot(official, matter)
    mv = matter_village(matter)
    services.ballots_issue(actor=official, matter_village=mv)
    return mv


def test_the_ballots_carry_the_forms_fields_serial_and_qr(issued):
    html = printing.ballots_html(issued)
    serials = list(Ballot.objects.filter(matter_village=issued).values_list("serial", flat=True))
    assert len(serials) == 3  # Law 10/2022 Art. 19(3): one ballot per household
    assert html.count('<p class="doc-type">PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH</p>') == 3
    assert html.count('class="ballot"') == 3
    for serial in serials:
        assert html.count(serial) == 1
    assert html.count("data:image/svg+xml") == 3  # a QR code on each
    # Decree 59/2023 Art. 4(5): question, options, instructions, room for another opinion,
    # deadline; the village head signs a village's ballot.
    matter = issued.matter
    assert matter.question in html
    for label in ("Đồng ý", "Không đồng ý", "Ý kiến khác"):
        assert label in html
    assert "đánh dấu X" in html
    assert 'class="dots"' in html
    assert "Thời hạn nộp phiếu" in html
    assert "TRƯỞNG THÔN" in html
    assert "Đóng dấu" not in html


def test_a_commune_wide_ballot_bears_the_committees_seal_not_the_village_heads_signature(
    commune, chair
):
    villages = [make_village(commune, households=2) for _n in range(3)]
    matter = make_matter(chair, villages, MatterType.CONTRIBUTIONS, commune_wide=True)
    open_ballot(chair, matter)
    mv = matter_village(matter, villages[0])
    services.ballots_issue(actor=chair, matter_village=mv)
    html = printing.ballots_html(mv)
    assert "(Đóng dấu Ủy ban nhân dân xã)" in html
    assert "TRƯỞNG THÔN" not in html


def test_the_qr_code_holds_the_serial_only(issued):
    ballot = Ballot.objects.filter(matter_village=issued).select_related("household").first()
    sheet = next(s for s in printing.ballot_sheets(issued) if s.serial == ballot.serial)
    from danchu.disclosure.notice import qr_data_uri

    assert sheet.qr == qr_data_uri(ballot.serial)


def test_the_ballots_as_pdf(client, official, issued):
    client.force_login(official)
    response = client.get(reverse("decisions:bo_ballots_print", args=[issued.pk]) + "?paper=A4")
    if response.status_code == 503:
        pytest.skip("WeasyPrint cannot run here")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    if text is not None:
        assert text.count("PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH") == 3
        for serial in Ballot.objects.filter(matter_village=issued).values_list("serial", flat=True):
            assert serial in text


def test_printing_needs_issued_ballots_and_the_right_to_manage(client, commune, official, issued):
    village = make_village(commune, households=2)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    empty = matter_village(matter)
    client.force_login(official)
    response = client.get(reverse("decisions:bo_ballots_print", args=[empty.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("decisions:bo_ballots", args=[empty.pk])
    client.force_login(village_head(village))  # the head of another village
    response = client.get(reverse("decisions:bo_ballots_print", args=[issued.pk]))
    assert response.status_code == 403


def test_without_weasyprint_printing_answers_503(client, official, issued, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.force_login(official)
    response = client.get(reverse("decisions:bo_ballots_print", args=[issued.pk]))
    assert response.status_code == 503


def test_the_ballots_page_filters_by_delivery_state(client, official, issued):
    first, second, third = Ballot.objects.filter(matter_village=issued).order_by("serial")
    services.ballot_mark(actor=official, ballot=first, status=Ballot.Status.DELIVERED)
    services.ballot_mark(actor=official, ballot=second, status=Ballot.Status.RETURNED)
    client.force_login(official)
    page = client.get(reverse("decisions:bo_ballots", args=[issued.pk]) + "?status=delivered")
    assert page.status_code == 200
    body = page.content.decode()
    assert first.serial in body
    assert second.serial not in body
    assert third.serial not in body
    assert_accessible(page.content)
    everything = client.get(reverse("decisions:bo_ballots", args=[issued.pk]) + "?status=nope")
    assert everything.status_code == 200
    assert all(b.serial in everything.content.decode() for b in (first, second, third))


# --- the public decision document -----------------------------------------------------------


@pytest.fixture
def decided(commune, official):
    """A closed meeting: 4 households, all present, 3 agree."""
    village = make_village(commune, households=4, name="Tây")
    matter = make_matter(official, [village])
    services.matter_open(
        actor=official, matter=matter, form=Form.MEETING,
        notice_on=datetime.date(2026, 2, 1), held_on=datetime.date(2026, 2, 5),
    )  # fmt: skip
    mv = services.meeting_attendance_record(
        actor=official, matter_village=matter_village(matter),
        household_ids=[h.pk for h in households_of(village)],
    )  # fmt: skip
    counts = {option(matter).pk: 3, option(matter, "reject").pk: 1}
    services.meeting_result_record(
        actor=official, matter_village=mv, counts=counts, secret=True, team=TEAM,
        witnesses=WITNESSES, team_approved_by=3,
    )  # fmt: skip
    services.matter_close(actor=official, matter=matter)
    return matter_village(matter)


def _decision_url(mv, ext):
    matter = mv.matter
    return reverse("decisions:public_decision", args=[matter.commune.code, matter.pk, mv.pk, ext])


def test_anyone_downloads_the_decision_docx_without_signing_in(client, decided):
    import docx

    response = client.get(_decision_url(decided, "docx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    doc = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BIÊN BẢN HỌP CỘNG ĐỒNG DÂN CƯ" in text
    assert "Tổng số hộ gia đình của thôn: 4 hộ." in text


def test_anyone_downloads_the_decision_pdf(client, decided):
    response = client.get(_decision_url(decided, "pdf"))
    if response.status_code == 503:
        pytest.skip("WeasyPrint cannot run here")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_public_page_links_the_decision_documents(client, decided):
    matter = decided.matter
    page = client.get(reverse("decisions:public_detail", args=[matter.commune.code, matter.pk]))
    body = page.content.decode()
    assert _decision_url(decided, "pdf") in body
    assert _decision_url(decided, "docx") in body


def test_no_decision_document_before_the_close_nor_across_communes(
    client, commune, official, other_commune, decided
):
    village = make_village(commune, households=2)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    running = matter_village(matter)
    assert client.get(_decision_url(running, "docx")).status_code == 404
    Matter.objects.filter(pk=decided.matter_id).update(status=Matter.Status.CANCELLED)
    assert client.get(_decision_url(decided, "docx")).status_code == 404
    Matter.objects.filter(pk=decided.matter_id).update(status=Matter.Status.CLOSED)
    matter = decided.matter
    wrong = reverse(
        "decisions:public_decision", args=[other_commune.code, matter.pk, decided.pk, "docx"]
    )
    assert client.get(wrong).status_code == 404
    odd = reverse(
        "decisions:public_decision", args=[matter.commune.code, matter.pk, decided.pk, "exe"]
    )
    assert client.get(odd).status_code == 404
    assert selectors.matter_outcome(matter).villages  # the matter itself is intact


@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_each_ballot_fits_on_one_page(issued, paper):
    try:
        import weasyprint
    except (ImportError, OSError):
        pytest.skip("WeasyPrint cannot run here")
    document = weasyprint.HTML(string=printing.ballots_html(issued, paper)).render()
    assert len(document.pages) == 3


def test_ballots_print_a_hundred_at_a_time(client, commune, official, monkeypatch):
    monkeypatch.setattr(printing, "BATCH_SIZE", 2)
    village = make_village(commune, households=5)
    matter = make_matter(official, [village])
    open_ballot(official, matter)
    mv = matter_village(matter)
    services.ballots_issue(actor=official, matter_village=mv)
    serials = sorted(Ballot.objects.filter(matter_village=mv).values_list("serial", flat=True))
    assert [s.serial for s in printing.ballot_sheets(mv, 3)] == serials[4:]
    assert printing.batch_count(5) == 3
    assert printing.batch_count(4) == 2
    html = printing.ballots_html(mv, "A5", 2)
    assert serials[2] in html
    assert serials[3] in html
    assert serials[1] not in html
    client.force_login(official)
    page = client.get(reverse("decisions:bo_ballots", args=[mv.pk])).content.decode()
    assert "batch=3" in page
    assert "batch=4" not in page
    printed = reverse("decisions:bo_ballots_print", args=[mv.pk])
    for batch in ("0", "4", "x", "²"):
        assert client.get(printed, {"batch": batch}).status_code == 404
