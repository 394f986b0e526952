"""The review report as a state document (NĐ 30/2020 Annex I, Mẫu 1.4): DOCX fields read back
with python-docx, the PDF's header and its number."""

from __future__ import annotations

import io
import re
import zlib
from datetime import date

import pytest

from danchu.reporting import reviews
from danchu.reporting.models import ReviewReport
from danchu.reporting.periods import Period
from danchu.reporting.review_documents import (
    DocumentUnavailable,
    document_filename,
    review_docx,
    review_facts,
    review_html,
    review_pdf,
)
from danchu.reporting.tests.review_fakes import fake_facts_fixture  # noqa: F401
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory, VillageFactory


@pytest.fixture
def can_loc(db):
    province = ProvinceFactory(name="Tỉnh Hà Tĩnh")
    return CommuneFactory(name="Xã Can Lộc", unit_type="Xã", parent=province)


@pytest.fixture
def can_loc_chair(can_loc):
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(commune=can_loc, role=Role.COMMUNE_CHAIR).user


def _report(fake_facts, commune, chair, *, issue: bool) -> ReviewReport:
    east = VillageFactory(commune=commune, name="Thôn Đông")
    west = VillageFactory(commune=commune, name="Thôn Tây")
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 3, 2), 12_500_000,
                   east.pk)  # fmt: skip
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 3, 2), 5_000_000,
                   west.pk)  # fmt: skip
    fake_facts.add("requests.received_denunciation", commune.pk, date(2026, 3, 2), 2)
    fake_facts.add("requests.resolved", commune.pk, date(2026, 3, 2), 8)
    fake_facts.add("requests.resolved_on_time", commune.pk, date(2026, 3, 2), 7)
    report = reviews.review_create(
        actor=chair, unit=commune, kind=ReviewReport.Kind.HALF_YEAR, period=Period.half(2026, 1)
    )
    report = reviews.review_update(
        actor=chair, report=report,
        text=reviews.ReviewText(
            title=report.title, place=report.place, results="Các thôn tổ chức tốt hội nghị.",
            limitations="Một số thôn chậm niêm yết.\nNguyên nhân: thiếu bảng tin.",
            lessons="", next_tasks="Tiếp tục công khai đúng hạn.",
            recommendations="Đề nghị tỉnh hỗ trợ kinh phí bảng tin.",
            recipients=report.recipients, signer_authority=report.signer_authority,
            signer_title=report.signer_title, signer_name="Nguyễn Văn An",
        ),
    )  # fmt: skip
    if issue:
        report = reviews.review_issue(actor=chair, report=report, issued_on=date(2026, 7, 3))
    return report


def _docx(data: bytes):
    import docx

    return docx.Document(io.BytesIO(data))


def _texts(document) -> list[str]:
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                out.extend(p.text for p in cell.paragraphs)
    return out


def test_issued_docx_has_the_state_format(fake_facts, can_loc, can_loc_chair):
    report = _report(fake_facts, can_loc, can_loc_chair, issue=True)
    document = _docx(review_docx(report))
    texts = _texts(document)
    header = document.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in header.cell(0, 1).paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN", "XÃ CAN LỘC"]
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(1, 0).text == "Số: 01/BC-UBND"
    # Annex I box 4: italic; days below 10 zero-padded; month 7 is not.
    date_paragraph = header.cell(1, 1).paragraphs[0]
    assert date_paragraph.text == "Can Lộc, ngày 03 tháng 7 năm 2026"
    assert date_paragraph.runs[0].italic
    assert "DỰ THẢO" not in texts
    assert "BÁO CÁO" in texts
    assert "Sơ kết 6 tháng đầu năm 2026 thực hiện dân chủ ở cơ sở" in texts
    assert "I. KẾT QUẢ ĐẠT ĐƯỢC" in texts
    assert "II. HẠN CHẾ, NGUYÊN NHÂN" in texts
    assert "III. NHIỆM VỤ, GIẢI PHÁP KỲ TỚI" in texts  # no lessons written: no empty section
    assert "IV. KIẾN NGHỊ, ĐỀ XUẤT" in texts
    assert "Nguyên nhân: thiếu bảng tin." in texts
    assert "./." in texts
    # The figures in a sentence and in the tables.
    assert any("đóng góp 17.500.000 đồng" in t for t in texts)
    assert any("7 đơn đúng thời hạn (đạt 87,5%)" in t for t in texts)
    assert "17.500.000" in texts
    assert "Thôn Đông" in texts
    assert "12.500.000" in texts
    # Nơi nhận (box 9b): bold italic head, "- …;" lines, the last "- Lưu: VT."
    assert "Nơi nhận:" in texts
    assert "- Sở Nội vụ;" in texts
    assert "- Lưu: VT." in texts
    assert "TM. ỦY BAN NHÂN DÂN" in texts
    assert "CHỦ TỊCH" in texts
    assert "Nguyễn Văn An" in texts
    assert document.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)
    # Page numbers in the top margin, not on the first page (Annex I).
    assert document.sections[0].different_first_page_header_footer
    assert 'w:instr="PAGE"' in document.sections[0].header._element.xml
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_draft_is_marked_and_unnumbered(fake_facts, can_loc, can_loc_chair):
    report = _report(fake_facts, can_loc, can_loc_chair, issue=False)
    document = _docx(review_docx(report))
    texts = _texts(document)
    assert texts[0] == "DỰ THẢO"
    assert document.tables[0].cell(1, 0).text == "Số:      /BC-UBND"
    assert document.tables[0].cell(1, 1).text == "Can Lộc, ngày      tháng      năm 2026"
    assert document_filename(report, "docx") == f"du-thao-bao-cao-{report.pk}.docx"


def test_non_public_indicators_only_for_those_allowed(fake_facts, can_loc, can_loc_chair):
    report = _report(fake_facts, can_loc, can_loc_chair, issue=True)
    full = review_facts(report)
    public = review_facts(report, public_only=True)
    assert "Đơn tố cáo tiếp nhận" in [r.name for r in full.rows]
    assert "Đơn tố cáo tiếp nhận" not in [r.name for r in public.rows]
    assert "Đơn tố cáo tiếp nhận" not in review_html(report, public_only=True)


def test_chart_bars_scale_to_the_longest(fake_facts, can_loc, can_loc_chair):
    report = _report(fake_facts, can_loc, can_loc_chair, issue=True)
    facts = review_facts(report)
    assert [(b.name, b.display) for b in facts.bars] == [
        ("Thôn Đông", "12.500.000"),
        ("Thôn Tây", "5.000.000"),
    ]
    assert [b.share for b in facts.bars] == [1.0, 0.4]
    assert 'style="width: 40%"' in review_html(report)


def test_pdf_starts_with_header_and_carries_the_number(fake_facts, can_loc, can_loc_chair):
    report = _report(fake_facts, can_loc, can_loc_chair, issue=True)
    html = review_html(report)
    assert "Số: 01/BC-UBND" in html
    assert "Can Lộc, ngày 03 tháng 7 năm 2026" in html
    try:
        pdf = review_pdf(report)
    except DocumentUnavailable:  # pragma: no cover - WeasyPrint's system libraries missing
        pytest.skip("WeasyPrint cannot run here")
    assert pdf.startswith(b"%PDF")
    # The document's title (metadata) names the report by its number; the body's text is read
    # with pypdf where it is installed.
    assert "01/BC-UBND".encode("utf-16-be").hex() in _pdf_bytes(pdf).decode("latin-1")
    try:
        import pypdf
    except ImportError:
        return
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "01/BC-UBND" in text


def test_province_document(fake_facts, can_loc):
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    province = can_loc.parent
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, commune=None, unit=province).user
    CommuneFactory(name="Xã Thiên Lộc", parent=province)
    fake_facts.add("contributions.money_received_vnd", can_loc.pk, date(2026, 2, 2), 3_000)
    report = reviews.review_create(
        actor=reader, unit=province, kind=ReviewReport.Kind.ANNUAL, period=Period.year(2026)
    )
    texts = _texts(_docx(review_docx(report)))
    assert "TỈNH HÀ TĨNH" in texts
    assert "Xã, phường" in texts
    assert "Xã Can Lộc" in texts
    assert "Xã Thiên Lộc" in texts
    assert "Hà Tĩnh, ngày      tháng      năm 2026" in texts


def _pdf_bytes(pdf: bytes) -> bytes:
    """The PDF with its Flate streams inflated (to find the metadata)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(chunks)


def test_chart_shading_sits_where_the_schema_puts_it(fake_facts, can_loc, can_loc_chair):
    """w:shd before w:ind and w:jc in w:pPr (ECMA-376 order): Word refuses a file otherwise."""
    report = _report(fake_facts, can_loc, can_loc_chair, issue=True)
    document = _docx(review_docx(report))
    shaded = [p for p in document.element.body.iter() if p.tag.endswith("}pPr")
              and any(c.tag.endswith("}shd") for c in p)]  # fmt: skip
    assert len(shaded) == 2  # one bar per village with a value
    for ppr in shaded:
        names = [c.tag.rsplit("}", 1)[1] for c in ppr]
        assert names.index("shd") < names.index("ind") < names.index("jc")
