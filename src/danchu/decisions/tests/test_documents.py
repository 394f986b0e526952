"""The community decision (Law 10/2022 Art. 20(2)) and the counting records (Decree 59/2023
forms 02, 03, 04) in the state format of NĐ 30/2020 (legal-spec §5)."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import sys

import pytest

from danchu.decisions import documents, selectors, services
from danchu.decisions.models import Option
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.tests.factories import (
    TEAM,
    WITNESSES,
    deadline_passes,
    households_of,
    in_hours,
    make_matter,
    make_village,
    matter_village,
    option,
    prepare_election,
    representative,
)

pytestmark = pytest.mark.django_db
HELD = datetime.date(2026, 2, 5)  # place and date: "ngày 05 tháng 02 năm 2026"
SIGNATURES = ("TRƯỞNG THÔN", "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN", "ĐẠI DIỆN HỘ GIA ĐÌNH")


def _open_docx(data: bytes):
    import docx

    assert data[:2] == b"PK"
    return docx.Document(io.BytesIO(data))


def _paragraphs(doc) -> list:
    found = list(doc.paragraphs)

    def walk(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    found.extend(cell.paragraphs)
                    walk(cell.tables)

    walk(doc.tables)
    return found


def _text(doc) -> str:
    return "\n".join(p.text for p in _paragraphs(doc))


def _result_rows(doc) -> list[list[str]]:
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "TT")
    return [[c.text for c in row.cells] for row in table.rows[1:]]


def _meeting(official, village, present, counts, matter_type=MatterType.OTHER, **result):
    matter = make_matter(official, [village], matter_type)
    services.matter_open(
        actor=official, matter=matter, form=Form.MEETING, notice_on=HELD - datetime.timedelta(4),
        held_on=HELD,
    )  # fmt: skip
    mv = services.meeting_attendance_record(
        actor=official, matter_village=matter_village(matter),
        household_ids=[h.pk for h in households_of(village)[:present]],
    )  # fmt: skip
    by_kind = {option(matter, kind).pk: n for kind, n in counts.items()}
    services.meeting_result_record(actor=official, matter_village=mv, counts=by_kind, **result)
    matter = services.matter_close(actor=official, matter=matter)
    return matter_village(matter), selectors.matter_outcome(matter)


@pytest.fixture
def meeting(commune, official):
    """5 households, 4 present: 3 agree, 1 disagrees — adopted (3 of 5 > half)."""
    village = make_village(commune, households=5, name="Thôn Đông")
    return _meeting(
        official, village, 4, {Option.Kind.APPROVE: 3, Option.Kind.REJECT: 1}, secret=True,
        team=TEAM, witnesses=WITNESSES, team_approved_by=3,
    )  # fmt: skip


@pytest.fixture
def ballot(commune, official, chair):
    """Contributions by household ballot, 5 households: 2 agree, 1 disagrees, 1 blank, 1 not
    returned — not adopted (2 of 5 < two thirds)."""
    village = make_village(commune, households=5, name="Tây")
    matter = make_matter(official, [village], MatterType.CONTRIBUTIONS)
    services.matter_open(
        actor=official, matter=matter, form=Form.BALLOT, notice_on=HELD - datetime.timedelta(3),
        held_on=HELD, closes_at=in_hours(24), team=TEAM,
    )  # fmt: skip
    mv = matter_village(matter)
    ballots = services.ballots_issue(actor=official, matter_village=mv)
    entries = [option(matter).pk, option(matter).pk, option(matter, Option.Kind.REJECT).pk, "blank"]
    for paper, entry in zip(ballots, entries, strict=False):
        services.ballot_enter(actor=official, ballot=paper, entry=entry)
        services.ballot_enter(actor=chair, ballot=paper, entry=entry)
    services.count_witnesses_record(actor=official, matter_village=mv, witnesses=WITNESSES)
    deadline_passes(mv)
    matter = services.matter_close(actor=official, matter=matter)
    return matter_village(matter), selectors.matter_outcome(matter)


@pytest.fixture
def online(commune, official):
    """4 households, 3 opted in; 3 vote: agree, disagree, another opinion — not adopted."""
    village = make_village(commune, households=4)
    matter = make_matter(official, [village])
    mv = matter_village(matter)
    households = households_of(village)
    for household in households[:3]:
        services.online_opt_in_record(
            actor=official, matter_village=mv, household=household, agrees=True
        )
    services.matter_open(
        actor=official, matter=matter,
        plans={village.pk: services.VillagePlan(Form.ONLINE, closes_at=in_hours(24), team=TEAM)},
    )  # fmt: skip
    mv = matter_village(matter)
    reps = [representative(h) for h in households[:3]]
    services.vote_cast(actor=reps[0], matter_village=mv, option=option(matter))
    services.vote_cast(actor=reps[1], matter_village=mv, option=option(matter, Option.Kind.REJECT))
    services.vote_cast(
        actor=reps[2], matter_village=mv, option=option(matter, Option.Kind.OTHER),
        other_opinion="Nên làm vào mùa khô",
    )  # fmt: skip
    deadline_passes(mv)
    matter = services.matter_close(actor=official, matter=matter)
    names = [r.resident.full_name for r in reps]
    return matter_village(matter), selectors.matter_outcome(matter), names


# --- the community decision (Art. 20(2)) ------------------------------------------------------


def test_the_meeting_decision_has_every_field_of_article_20(meeting):
    mv, outcome = meeting
    doc = _open_docx(documents.decision_docx(mv, outcome))
    text = _text(doc)
    assert "BIÊN BẢN HỌP CỘNG ĐỒNG DÂN CƯ" in text
    assert f"Về việc: {outcome.matter.title}" in text
    # The issuer: the village under its commune.
    assert mv.commune.name.upper() in text
    assert "THÔN ĐÔNG" in text
    assert "THÔN THÔN" not in text
    # Art. 20(2): time, households, present, not represented, matter, form, result, decision.
    assert "Thời gian: ngày 05/02/2026." in text
    assert "Tổng số hộ gia đình của thôn: 5 hộ." in text
    assert "Số đại diện hộ gia đình tham dự: 4 hộ." in text
    assert "Số hộ gia đình không có đại diện tham gia: 1 hộ." in text
    assert outcome.matter.question in text
    assert "khoản 6 Điều 15" in text
    assert "Hình thức quyết định: " in text
    assert _result_rows(doc) == [
        ["1", "Đồng ý", "3", "60,00%"],
        ["2", "Không đồng ý", "1", "20,00%"],
        ["3", "Ý kiến khác", "0", "0,00%"],
    ]
    assert "Nội dung trên ĐƯỢC THÔNG QUA với 3/5 hộ gia đình tán thành" in text
    assert "Điều 21(1)" in text
    assert "kể từ ngày cộng đồng dân cư biểu quyết" in text  # clause 6: Art. 21(2)
    # Four signatures: village head, Front working committee head, two representatives.
    titles = [p.text for p in _paragraphs(doc)]
    assert titles.count("TRƯỞNG THÔN") == 1
    assert titles.count("TRƯỞNG BAN CÔNG TÁC MẶT TRẬN") == 1
    assert titles.count("ĐẠI DIỆN HỘ GIA ĐÌNH") == 2


def test_the_decision_follows_the_state_format(meeting):
    from docx.oxml.ns import qn

    mv, outcome = meeting
    doc = _open_docx(documents.decision_docx(mv, outcome))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin,
               section.right_margin)  # fmt: skip
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    runs = list(doc.element.body.iter(qn("w:r")))
    assert runs
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            assert fonts.get(qn(key)) == "Times New Roman"
    texts = {p.text: p for p in _paragraphs(doc)}
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    place = next(p for text, p in texts.items() if "ngày 05 tháng 02 năm 2026" in text)
    assert all(run.italic for run in place.runs)


def test_the_ballot_decision_counts_participating_households(ballot):
    mv, outcome = ballot
    doc = _open_docx(documents.decision_docx(mv, outcome))
    text = _text(doc)
    assert "BIÊN BẢN KIỂM PHIẾU" in text
    assert "THÔN TÂY" in text
    assert "Tổng số hộ gia đình của thôn: 5 hộ." in text
    assert "Số đại diện hộ gia đình tham gia (số phiếu thu về): 4 hộ." in text
    assert "Số hộ gia đình không có đại diện tham gia: 1 hộ." in text
    assert "Thời gian phát phiếu: ngày 05/02/2026." in text
    assert [row[2] for row in _result_rows(doc)] == ["2", "1", "0"]
    assert "KHÔNG ĐƯỢC THÔNG QUA với 2/5 hộ gia đình tán thành (40,00%" in text
    assert "khoản 1 Điều 15" in text


def test_the_online_decision(online):
    mv, outcome, _names = online
    text = _text(_open_docx(documents.decision_docx(mv, outcome)))
    assert "BIÊN BẢN BIỂU QUYẾT TRỰC TUYẾN" in text
    assert "Tổng số hộ gia đình của thôn: 4 hộ." in text
    assert "Số đại diện hộ gia đình tham gia biểu quyết: 3 hộ." in text
    assert "Số hộ gia đình không có đại diện tham gia: 1 hộ." in text
    assert "KHÔNG ĐƯỢC THÔNG QUA với 1/4 hộ gia đình tán thành" in text


def test_an_election_names_the_elected_and_awaits_recognition(commune, official):
    village = make_village(commune, households=5)
    matter = make_matter(official, [village], MatterType.VILLAGE_HEAD, candidates=["Lê Văn Cử"])
    prepare_election(matter, HELD)
    services.matter_open(
        actor=official, matter=matter, form=Form.MEETING, notice_on=HELD - datetime.timedelta(8),
        held_on=HELD,
    )  # fmt: skip
    mv = services.meeting_attendance_record(
        actor=official, matter_village=matter_village(matter),
        household_ids=[h.pk for h in households_of(village)],
    )  # fmt: skip
    candidate = option(matter, Option.Kind.CANDIDATE)
    services.meeting_result_record(actor=official, matter_village=mv, counts={candidate.pk: 3})
    matter = services.matter_close(actor=official, matter=matter)
    outcome = selectors.matter_outcome(matter)
    text = _text(_open_docx(documents.decision_docx(matter_village(matter), outcome)))
    assert "Ông (bà) Lê Văn Cử được bầu với 3/5 hộ gia đình tán thành" in text
    assert "Ủy ban nhân dân xã ban hành quyết định công nhận" in text


def test_a_residential_group_is_headed_by_its_leader(commune, official):
    from danchu.territory.models import Village

    village = make_village(commune, households=3, name="Số 7", kind=Village.Kind.TO_DAN_PHO)
    mv, outcome = _meeting(official, village, 3, {Option.Kind.APPROVE: 2})
    text = _text(_open_docx(documents.decision_docx(mv, outcome)))
    assert "TỔ DÂN PHỐ SỐ 7" in text
    assert "TỔ TRƯỞNG TỔ DÂN PHỐ" in text
    assert "Tổng số hộ gia đình của tổ dân phố: 3 hộ." in text


def test_the_decision_as_pdf(meeting):
    mv, outcome = meeting
    try:
        pdf = documents.decision_pdf(mv, outcome)
    except documents.DocumentUnavailable:
        pytest.skip("WeasyPrint cannot run here")
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    text = re.sub(r"\s+", " ", text)
    assert "BIÊN BẢN HỌP CỘNG ĐỒNG DÂN CƯ" in text
    assert "Tổng số hộ gia đình của thôn: 5 hộ." in text
    assert "Số đại diện hộ gia đình tham dự: 4 hộ." in text
    assert "không có đại diện tham gia: 1 hộ." in text
    assert "ngày 05 tháng 02 năm 2026" in text
    assert "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN" in text


def test_without_weasyprint_the_pdf_is_unavailable(meeting, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import raises ImportError
    with pytest.raises(documents.DocumentUnavailable):
        documents.decision_pdf(*meeting)


# --- the counting records (Decree 59/2023 forms 02, 03, 04) ----------------------------------


def test_the_meetings_secret_ballot_record_is_form_02(meeting):
    mv, outcome = meeting
    doc = _open_docx(documents.counting_record_docx(mv, outcome))
    text = _text(doc)
    assert "Mẫu số 02" in text
    assert "BIÊN BẢN KIỂM PHIẾU" in text
    for name in TEAM + WITNESSES:
        assert name in text
    assert "Số phiếu phát ra: 4." in text
    assert "Số phiếu hợp lệ: 4." in text
    assert [row[2] for row in _result_rows(doc)] == ["3", "1", "0"]
    assert outcome.matter.result_hash in text
    titles = [p.text for p in _paragraphs(doc)]
    assert titles.count("NGƯỜI CHỨNG KIẾN") == 2
    assert "TRƯỞNG BAN KIỂM PHIẾU" in titles


def test_the_household_ballot_record_is_form_04(ballot):
    mv, outcome = ballot
    doc = _open_docx(documents.counting_record_docx(mv, outcome))
    text = _text(doc)
    assert "Mẫu số 04" in text
    assert "BIÊN BẢN KIỂM PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH" in text
    assert "Số phiếu phát ra: 5." in text
    assert "Số phiếu thu về: 4." in text
    assert "Số phiếu hợp lệ: 3." in text
    assert "Số phiếu trắng: 1." in text
    assert "Số phiếu không hợp lệ: 0." in text
    assert [row[2] for row in _result_rows(doc)] == ["2", "1", "0"]
    for name in TEAM + WITNESSES:
        assert name in text
    titles = [p.text for p in _paragraphs(doc)]
    assert "TỔ TRƯỞNG TỔ PHÁT PHIẾU" in titles
    assert titles.count("NGƯỜI CHỨNG KIẾN") == 2


def test_the_online_record_is_form_03_with_names_only(online):
    mv, outcome, names = online
    doc = _open_docx(documents.counting_record_docx(mv, outcome))
    text = _text(doc)
    assert "Mẫu số 03" in text
    assert "Thời gian bắt đầu: " in text
    assert "Thời gian kết thúc: " in text
    assert "Số đại diện hộ gia đình đã biểu quyết: 3." in text
    assert "Số đồng ý: 1." in text
    assert "Số không đồng ý: 1." in text
    assert "Số ý kiến khác: 1." in text
    assert "- Nên làm vào mùa khô" in text
    assert "Danh sách đại diện hộ gia đình tham gia biểu quyết:" in text
    listed = [p.text for p in _paragraphs(doc) if re.match(r"^\d+\. ", p.text)]
    # Names only, in alphabetical order: nothing links a name to a choice.
    for name in names:
        assert any(line.endswith(f". {name}") for line in listed)
    household_codes = [h.code for h in households_of(mv.village)]
    assert not any(code in text for code in household_codes)
