"""The quarterly register (Law 10/2022 Art. 13(2)) as DOCX (NĐ 30/2020 format) and XLSX.

The data set is made through the services; the files are read back with python-docx and
openpyxl. Quarter boundaries: an act that ended on the last day of the previous quarter is not
in the quarter; one that started before and is still up is.
"""

from __future__ import annotations

import datetime
import io

import docx
import openpyxl
import pytest
from django.utils import translation
from docx.oxml.ns import qn

from danchu.core.management.commands.compile_translations import compile_all
from danchu.disclosure import exports, selectors, services
from danchu.disclosure.rules import Category, Channel
from danchu.disclosure.tests.factories import make_disclosure
from danchu.territory.tests.factories import CommuneFactory, VillageFactory

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = 2026
Q3 = (D(2026, 7, 1), D(2026, 9, 30))


@pytest.fixture(autouse=True, scope="module")
def _catalogues():
    """The Vietnamese catalogues, compiled (the register is a Vietnamese document)."""
    if compile_all():
        translation.trans_real._translations = {}


def _record(official, disclosure, channel, started, ended=None, village=None, **kw):
    return services.publishing_record_add(
        actor=official, version=disclosure.public_version, channel=channel,
        started_on=started, ended_on=ended, village=village, **kw,
    )  # fmt: skip


@pytest.fixture
def commune():
    return CommuneFactory(name="Xã Can Lộc", unit_type="Xã")


@pytest.fixture
def villages(commune):
    return [VillageFactory(commune=commune, name=n) for n in ("Thôn Đông", "Thôn Tây")]


@pytest.fixture
def register(commune, villages, official):
    """Disclosures around the third quarter of 2026."""
    east, west = villages
    made = {}
    # Ended on 30 June (the last day of Q2): not in Q3.
    made["ended_before"] = d = make_disclosure(
        official, commune, publish=True, title="Kế hoạch phát triển kinh tế năm 2026",
        category=Category.PLANS, source_issued_on=D(2026, 5, 20),
    )  # fmt: skip
    _record(official, d, Channel.COMMUNE_OFFICE, D(2026, 6, 1), D(2026, 6, 30))
    # Started in June and still up: in Q3.
    made["still_up"] = d = make_disclosure(
        official, commune, publish=True, title="Dự toán ngân sách xã năm 2026",
        category=Category.BUDGET, source_issued_on=D(2026, 6, 10),
        source_document="Nghị quyết số 05/NQ-HĐND",
    )  # fmt: skip
    _record(official, d, Channel.COMMUNE_OFFICE, D(2026, 6, 15))
    _record(official, d, Channel.VILLAGE_POINT, D(2026, 7, 1), D(2026, 7, 31), village=east)
    # Broadcast and relayed inside Q3.
    made["inside"] = d = make_disclosure(
        official, commune, publish=True, title="Danh sách hộ nghèo, hộ cận nghèo năm 2026",
        category=Category.SOCIAL_SUPPORT, source_issued_on=D(2026, 7, 1),
    )  # fmt: skip
    _record(official, d, Channel.LOUDSPEAKER, D(2026, 7, 2), D(2026, 7, 4))
    _record(official, d, Channel.VILLAGE_HEAD, D(2026, 7, 5), D(2026, 7, 5), village=west)
    _record(official, d, Channel.OTHER, D(2026, 7, 6), D(2026, 7, 6), note="Hội nghị thôn")
    # Ended on 1 July (the first day of Q3) and started on 30 September (the last): both in.
    made["first_day"] = d = make_disclosure(
        official, commune, publish=True, title="Mức thu phí chợ",
        category=Category.FEES, source_issued_on=D(2026, 6, 1),
    )  # fmt: skip
    _record(official, d, Channel.COMMUNE_OFFICE, D(2026, 6, 1), D(2026, 7, 1))
    made["last_day"] = d = make_disclosure(
        official, commune, publish=True, title="Thủ tục đăng ký khai sinh",
        category=Category.ADMIN_PROCEDURES, source_issued_on=D(2026, 9, 28),
    )  # fmt: skip
    _record(official, d, Channel.COMMUNE_OFFICE, D(2026, 9, 30))
    # Started in Q4: not in Q3.
    made["later"] = d = make_disclosure(
        official, commune, publish=True, title="Kết quả gọi công dân nhập ngũ",
        category=Category.MILITARY_SERVICE, source_issued_on=D(2026, 10, 1),
    )  # fmt: skip
    _record(official, d, Channel.COMMUNE_OFFICE, D(2026, 10, 1))
    # A draft has no acts of publishing.
    made["draft"] = make_disclosure(official, commune, title="Dự thảo quy chế dân chủ")
    return made


def _rows(official, commune, quarter=3, year=YEAR):
    return selectors.quarterly_register(
        actor=official, commune=commune, year=year, quarter=quarter, today=D(2026, 11, 30)
    )


def _title(disclosure):
    return disclosure.public_version.title


# ---------------------------------------------------------------------------------------------
# The rows (the selector's quarter boundaries, as the exports receive them)


def test_quarter_boundaries(register, official, commune):
    titles = [row.version.title for row in _rows(official, commune)]
    assert _title(register["still_up"]) in titles
    assert _title(register["inside"]) in titles
    assert _title(register["first_day"]) in titles
    assert _title(register["last_day"]) in titles
    assert _title(register["ended_before"]) not in titles
    assert _title(register["later"]) not in titles
    assert "Dự thảo quy chế dân chủ" not in titles


# ---------------------------------------------------------------------------------------------
# DOCX


def _open(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def _all_paragraphs(document):
    found = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(cell.paragraphs)
    return found


def _texts(document) -> list[str]:
    return [p.text for p in _all_paragraphs(document)]


def test_docx_is_in_the_state_format(register, official, commune):
    rows = _rows(official, commune)
    content = exports.quarterly_register_docx(
        rows, commune=commune, year=YEAR, quarter=3, issued_on=D(2026, 10, 5),
        issued_by="Nguyễn Văn Chủ",
    )  # fmt: skip
    document = _open(content)
    section = document.sections[0]
    # A4 portrait; margins 20/20/30/15 mm (NĐ 30/2020 Annex I).
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.page_width < section.page_height
    assert section.top_margin.mm == pytest.approx(20, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(20, abs=0.1)
    assert section.left_margin.mm == pytest.approx(30, abs=0.1)
    assert section.right_margin.mm == pytest.approx(15, abs=0.1)

    texts = _texts(document)
    assert "ỦY BAN NHÂN DÂN" in texts
    assert "XÃ CAN LỘC" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert "Can Lộc, ngày 05 tháng 10 năm 2026" in texts  # zero-padded, without "Xã"
    assert "Số:      /DM-UBND" in texts  # left blank for the clerk
    assert "DANH MỤC" in texts
    assert "Thông tin đã công khai quý III năm 2026" in texts
    assert "./." in texts
    assert "Nơi nhận:" in texts
    assert "- Thường trực HĐND xã;" in texts
    assert "- Lưu: VT." in texts
    assert "TM. ỦY BAN NHÂN DÂN" in texts
    assert "CHỦ TỊCH" in texts
    assert "Nguyễn Văn Chủ" in texts

    # The list: a heading row, then one row per register row, in the register's order.
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT", "Nội dung công khai", "Khoản (Điều 11)", "Hình thức công khai",
        "Thời gian công khai",
    ]  # fmt: skip
    assert len(table.rows) == 1 + len(rows)
    listed = [r.cells[1].paragraphs[0].text for r in table.rows[1:]]
    assert listed == [row.version.title for row in rows]
    assert _title(register["ended_before"]) not in "\n".join(texts)
    assert [r.cells[0].text for r in table.rows[1:]] == [str(n) for n in range(1, len(rows) + 1)]


def test_docx_lists_forms_and_dates_one_per_line(register, official, commune):
    rows = _rows(official, commune)
    document = _open(exports.quarterly_register_docx(rows, commune=commune, year=YEAR, quarter=3))
    table = document.tables[1]
    by_title = {r.cells[1].paragraphs[0].text: r for r in table.rows[1:]}

    budget = by_title[_title(register["still_up"])]
    assert budget.cells[1].paragraphs[1].text == "Nghị quyết số 05/NQ-HĐND ngày 10/06/2026"
    assert budget.cells[2].text == "2"
    forms = [p.text for p in budget.cells[3].paragraphs]
    dates = [p.text for p in budget.cells[4].paragraphs]
    assert forms == [
        "Niêm yết tại trụ sở xã",
        "Niêm yết tại nhà văn hóa thôn, tổ dân phố (Thôn Đông)",
    ]
    assert dates == ["từ 15/06/2026", "01/07/2026 - 31/07/2026"]

    poor = by_title[_title(register["inside"])]
    forms = [p.text for p in poor.cells[3].paragraphs]
    dates = [p.text for p in poor.cells[4].paragraphs]
    assert forms == [
        "Hệ thống truyền thanh",
        "Thông qua trưởng thôn, tổ trưởng tổ dân phố (Thôn Tây)",
        "Hình thức khác (Hội nghị thôn)",
    ]
    assert dates == ["02/07/2026 - 04/07/2026", "05/07/2026", "06/07/2026"]
    # The website posting of publication day (30 November) is in Q4, not here.
    assert "Trang thông tin điện tử của xã" not in forms


def test_docx_fonts_are_times_new_roman_everywhere(register, official, commune):
    document = _open(
        exports.quarterly_register_docx(
            _rows(official, commune), commune=commune, year=YEAR, quarter=3
        )
    )
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    normal_fonts = normal.element.rPr.rFonts
    assert normal_fonts.get(qn("w:eastAsia")) == "Times New Roman"
    assert normal_fonts.get(qn("w:cs")) == "Times New Roman"
    runs = [run for p in _all_paragraphs(document) for run in p.runs]
    assert len(runs) > 40
    for run in runs:
        assert run.font.name == "Times New Roman", run.text
        fonts = run._element.rPr.rFonts
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            assert fonts.get(qn(slot)) == "Times New Roman", (slot, run.text)
    # No theme font left to override the named face.
    assert "asciiTheme" not in document.styles.element.xml


def test_docx_styles_of_the_header_and_footer(register, official, commune):
    document = _open(
        exports.quarterly_register_docx(
            _rows(official, commune), commune=commune, year=YEAR, quarter=3
        )
    )
    runs = {run.text: run for p in _all_paragraphs(document) for run in p.runs}
    assert runs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].bold
    assert runs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].font.size.pt in (12, 13)
    assert runs["Độc lập - Tự do - Hạnh phúc"].bold
    assert runs["Độc lập - Tự do - Hạnh phúc"].font.size.pt in (13, 14)
    assert runs["XÃ CAN LỘC"].bold
    date_run = next(r for t, r in runs.items() if ", ngày " in t)
    assert date_run.italic
    assert runs["Nơi nhận:"].italic
    assert runs["Nơi nhận:"].bold
    assert runs["Nơi nhận:"].font.size.pt == 12
    assert runs["- Lưu: VT."].font.size.pt == 11
    assert runs["TM. ỦY BAN NHÂN DÂN"].bold
    assert runs["CHỦ TỊCH"].bold
    assert runs["DANH MỤC"].bold
    # The header and footer tables have no borders; the list has.
    header, listing, footer = document.tables
    for table in (header, footer):
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert borders is not None
        assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    assert listing.style.name == "Table Grid"


def test_docx_number_and_empty_quarter(commune, official):
    content = exports.quarterly_register_docx(
        [], commune=commune, year=2025, quarter=1, number=5, issued_on=D(2025, 4, 2)
    )
    document = _open(content)
    texts = _texts(document)
    assert "Số: 05/DM-UBND" in texts  # numbers below 10 get a leading 0
    blank = _open(exports.quarterly_register_docx([], commune=commune, year=2025, quarter=1))
    run = blank.tables[0].cell(1, 0).paragraphs[0].runs[0]
    assert run.text == "Số:      /DM-UBND"
    assert run._element.find(qn("w:t")).get(qn("xml:space")) == "preserve"  # Word keeps it
    assert "Thông tin đã công khai quý I năm 2025" in texts
    assert "Không có nội dung nào được công khai trong quý này." in texts
    assert "Can Lộc, ngày 02 tháng 04 năm 2025" in texts
    assert "Nguyễn" not in "\n".join(texts)  # no signer given: the space stays blank


def test_docx_for_a_ward_names_the_ward(official):
    ward = CommuneFactory(name="Phường Thành Sen", unit_type="Phường")
    texts = _texts(_open(exports.quarterly_register_docx([], commune=ward, year=2026, quarter=4)))
    assert "PHƯỜNG THÀNH SEN" in texts
    assert "- Thường trực HĐND phường;" in texts
    assert any(t.startswith("Thành Sen, ngày ") for t in texts)


def test_docx_survives_odd_characters(commune, official):
    disclosure = make_disclosure(
        official, commune, publish=True, title="Thông báo <số 1> & \"khẩn\"",
        source_issued_on=D(2026, 7, 1),
    )  # fmt: skip
    _record(official, disclosure, Channel.COMMUNE_OFFICE, D(2026, 7, 2))
    rows = _rows(official, commune)
    texts = _texts(_open(exports.quarterly_register_docx(rows, commune=commune, year=YEAR,
                                                         quarter=3)))  # fmt: skip
    assert 'Thông báo <số 1> & "khẩn"' in texts


def test_invalid_quarter_is_refused(commune):
    with pytest.raises(ValueError, match="quarter"):
        exports.quarterly_register_docx([], commune=commune, year=YEAR, quarter=5)
    with pytest.raises(ValueError, match="quarter"):
        exports.quarterly_register_xlsx([], commune=commune, year=YEAR, quarter=0)


# ---------------------------------------------------------------------------------------------
# XLSX


def _sheet(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Danh mục công khai"]
    return book["Danh mục công khai"]


def test_xlsx_has_one_row_per_act_with_real_types(register, official, commune):
    rows = _rows(official, commune)
    sheet = _sheet(exports.quarterly_register_xlsx(rows, commune=commune, year=YEAR, quarter=3))
    assert sheet["A1"].value == "Thông tin đã công khai quý III năm 2026 - Xã Can Lộc"
    assert [c.value for c in sheet[2]] == [
        "STT", "Tiêu đề", "Văn bản", "Khoản (Điều 11)", "Hình thức", "Thôn, tổ dân phố",
        "Từ ngày", "Đến ngày", "Kết quả",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["B"].width >= 40
    data = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(data) == sum(len(row.records) for row in rows)

    budget = [r for r in data if r[1] == _title(register["still_up"])]
    assert len(budget) == 2
    office, village = sorted(budget, key=lambda r: r[6])
    assert office[0] == next(
        row.number for row in rows if row.version.title == _title(register["still_up"])
    )
    assert office[2] == "Nghị quyết số 05/NQ-HĐND"
    assert office[3] == 2
    assert office[4] == "Niêm yết tại trụ sở xã"
    assert office[5] in ("", None)
    assert office[6] == datetime.datetime(2026, 6, 15)
    assert office[7] is None  # still up
    assert office[8] == "Đã thực hiện"  # posted within 5 working days, up ever since
    assert village[4] == "Niêm yết tại nhà văn hóa thôn, tổ dân phố"
    assert village[5] == "Thôn Đông"
    assert village[6] == datetime.datetime(2026, 7, 1)
    assert village[7] == datetime.datetime(2026, 7, 31)
    assert village[8] == "Đã thực hiện nhưng muộn"  # 30 days, but started after the deadline

    poor = {r[4]: r for r in data if r[1] == _title(register["inside"])}
    assert poor["Hình thức khác"][8] == "Hình thức bổ sung"  # not required by Art. 13
    assert poor["Hệ thống truyền thanh"][8] == "Đã thực hiện"
    assert poor["Thông qua trưởng thôn, tổ trưởng tổ dân phố"][5] == "Thôn Tây"

    # Real cell types and the Vietnamese date format.
    first = sheet.cell(row=3, column=1)
    assert first.data_type == "n"
    assert isinstance(first.value, int)
    started = sheet.cell(row=3, column=7)
    assert started.is_date
    assert started.number_format == "dd/mm/yyyy"
    assert sheet.cell(row=3, column=4).data_type == "n"


def test_xlsx_text_is_never_a_formula(commune, official):
    disclosure = make_disclosure(
        official, commune, publish=True, title="=HYPERLINK(\"http://x\",\"bấm\")",
        source_issued_on=D(2026, 7, 1),
    )  # fmt: skip
    _record(official, disclosure, Channel.COMMUNE_OFFICE, D(2026, 7, 2))
    rows = _rows(official, commune)
    sheet = _sheet(exports.quarterly_register_xlsx(rows, commune=commune, year=YEAR, quarter=3))
    cell = sheet.cell(row=3, column=2)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","bấm")'


def test_xlsx_of_an_empty_quarter(commune):
    sheet = _sheet(exports.quarterly_register_xlsx([], commune=commune, year=YEAR, quarter=1))
    assert sheet["A1"].value.startswith("Thông tin đã công khai quý I năm 2026")
    assert sheet.max_row == 2


def test_exports_stay_vietnamese_for_an_english_reader(register, official, commune):
    rows = _rows(official, commune)
    with translation.override("en"):
        content = exports.quarterly_register_docx(rows, commune=commune, year=YEAR, quarter=3)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _texts(_open(content))


def test_register_filename(commune):
    name = exports.register_filename(commune, 2026, 3, "docx")
    assert name == f"danh-muc-cong-khai-{commune.code}-2026-Q3.docx"
