"""A review report as a state document (NĐ 30/2020/NĐ-CP Annex I, Mẫu 1.4 "Văn bản có tên
loại"; legal-spec §5), as DOCX and PDF.

Layout: the header table (issuing body and ``Số: 05/BC-UBND`` on the left; the national title,
the motto and the italic place and date on the right), "BÁO CÁO" and the summary with a short
rule, the body (I. results with the figures in sentences, the table by pillar against the
previous period, the table by village or commune, a bar chart, the key tasks and the awards;
II. limitations and causes; III. lessons; IV. tasks and solutions for the next period; V.
recommendations), "./.", then the footer table ("Nơi nhận:" on the left, the signature block on
the right). A draft carries "DỰ THẢO" and a blank number and day.

Everything printed comes from the report's own fields and its figures snapshot — never from
live data — so an issued report prints the same whatever happens afterwards. The document is a
Vietnamese state paper: its wording is Vietnamese, not translated. The bar chart is drawn with
shaded paragraphs in the DOCX and with boxes in the PDF (no image library needed).
"""

from __future__ import annotations

import io
import os
import re
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from danchu.core.documents import (
    HEAD_LEFT_MM,
    HEAD_RIGHT_MM,
    TEXT_WIDTH_MM,
    StateDocx,
    render_pdf,
    repeat_header,
)
from danchu.disclosure.notice import NoticeUnavailable
from danchu.reporting.models import ReviewReport
from danchu.reporting.review_selectors import visible_indicators

__all__ = [
    "DocumentUnavailable",
    "ReviewFacts",
    "document_filename",
    "review_docx",
    "review_facts",
    "review_html",
    "review_pdf",
]

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT_MARK = "DỰ THẢO"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")

PILLARS = {
    "disclosure": "Công khai thông tin để Nhân dân biết",
    "decisions": "Nhân dân bàn và quyết định",
    "contributions": "Nhân dân đóng góp xây dựng công trình, phúc lợi",
    "petitions": "Tiếp công dân, đối thoại, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh",
    "requests": "Tiếp nhận, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh",
    "reception": "Tiếp công dân",
    "dialogues": "Đối thoại với Nhân dân",
    "mediation": "Hòa giải ở cơ sở",
    "oversight": "Nhân dân kiểm tra, giám sát",
    "consultation": "Nhân dân tham gia ý kiến",
}
UNITS = {"count": "", "vnd": "đồng", "m2": "m²", "workdays": "ngày công", "households": "hộ",
         "rate": "%"}  # fmt: skip
# The figures in sentences: for each, the first wording whose codes are all in the catalogue.
SENTENCES: tuple[tuple[str, ...], ...] = (
    (
        "Công khai {disclosure.items_due} nội dung thuộc diện phải công khai, trong đó "
        "{disclosure.items_on_time} nội dung công khai đúng thời hạn (đạt "
        "{disclosure.on_time_rate}).",
    ),
    ("Tiếp nhận và trả lời {disclosure.info_requests} yêu cầu cung cấp thông tin của công dân.",),
    (
        "Tổ chức cho Nhân dân bàn và quyết định {decisions.decided} nội dung, trong đó "
        "{decisions.passed} nội dung được thông qua; tỷ lệ hộ gia đình tham gia đạt "
        "{decisions.turnout}.",
        "Tổ chức cho Nhân dân bàn và quyết định {decisions.decided} nội dung.",
    ),
    (
        "Nhân dân tự nguyện đóng góp {contributions.money_received_vnd} đồng, hiến "
        "{contributions.land_received_m2} m² đất và {contributions.workdays_received} ngày công "
        "xây dựng công trình, phúc lợi.",
        "Nhân dân tự nguyện đóng góp {contributions.money_received_vnd} đồng xây dựng công "
        "trình, phúc lợi.",
    ),
    (
        "Tiếp nhận {requests.received} đơn khiếu nại, tố cáo, kiến nghị, phản ánh; đã giải quyết "
        "{requests.resolved} đơn, trong đó {requests.resolved_on_time} đơn đúng thời hạn (đạt "
        "{requests.on_time_rate}).",
        "Đã giải quyết {requests.resolved} đơn khiếu nại, tố cáo, kiến nghị, phản ánh, trong đó "
        "{requests.resolved_on_time} đơn đúng thời hạn (đạt {requests.on_time_rate}).",
    ),
    (
        "Tổ chức tiếp công dân định kỳ {reception.days_held}/{reception.days_required} ngày "
        "theo quy định.",
    ),
    (
        "Tổ chức {dialogues.held} cuộc đối thoại với Nhân dân; đã thực hiện "
        "{dialogues.commitments_fulfilled}/{dialogues.commitments} nội dung đã cam kết.",
    ),
    (
        "Các tổ hòa giải ở cơ sở tiếp nhận {mediation.cases} vụ việc, hòa giải thành "
        "{mediation.successful} vụ việc (đạt {mediation.success_rate}).",
    ),
    (
        "Ban Thanh tra nhân dân, Ban Giám sát đầu tư của cộng đồng thực hiện "
        "{oversight.inspections} cuộc kiểm tra, giám sát, đưa ra {oversight.recommendations} "
        "kiến nghị, trong đó {oversight.recommendations_answered_on_time} kiến nghị được trả "
        "lời đúng thời hạn.",
    ),
    (
        "Lấy ý kiến Nhân dân về {consultation.held} dự thảo, tiếp nhận {consultation.opinions} "
        "ý kiến, tiếp thu {consultation.opinions_accepted} ý kiến.",
    ),
)
_PLACEHOLDER = re.compile(r"\{([a-z_]+\.[a-z_0-9]+)\}")


class DocumentUnavailable(NoticeUnavailable):
    """The PDF engine cannot run here (WeasyPrint or its system libraries are missing)."""


@dataclass
class Row:
    number: str
    name: str
    unit: str
    value: str
    previous: str
    heading: bool = False  # a pillar's heading row


@dataclass
class Bar:
    name: str
    display: str
    share: float  # of the longest bar, 0..1


@dataclass
class ReviewFacts:
    """Everything the DOCX and the PDF print, computed once from the stored report."""

    draft: bool
    reference: str
    parent_body: str
    issuer_lines: list[str]
    number_line: str
    place_and_date: str
    title: str
    intro: str
    sentences: list[str]
    previous_label: str
    rows: list[Row]
    child_heading: str
    child_columns: list[str]
    children: list[list[str]]
    chart_title: str
    bars: list[Bar]
    tasks: list[list[str]]
    awards: list[str]
    next_tasks: list[list[str]]
    sections: list[tuple[str, list[str]]]  # (heading, paragraphs) after section I
    results: list[str]
    next_text: list[str]
    recipients: list[str]
    signer_authority: str
    signer_title: str
    signer_name: str
    next_heading: str = ""
    recommendations: list[str] = field(default_factory=list)
    recommendations_heading: str = ""
    public_only: bool = False


def document_filename(report: ReviewReport, ext: str) -> str:
    """``bao-cao-05-2026.docx`` once issued, ``du-thao-bao-cao-12.docx`` before."""
    if report.number is not None:
        return f"bao-cao-{report.number:02d}-{report.number_year}.{ext}"
    return f"du-thao-bao-cao-{report.pk}.{ext}"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _date_line(report: ReviewReport) -> str:
    """ "Can Lộc, ngày 05 tháng 01 năm 2026" (days below 10 and months 1–2 zero-padded,
    Annex I box 4); a draft leaves the day and month blank."""
    day = report.issued_on
    if day is None:
        year = report.period_last.year
        return f"{report.place}, ngày      tháng      năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{report.place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _issuer_lines(report: ReviewReport) -> list[str]:
    """ "ỦY BAN NHÂN DÂN" / "XÃ CAN LỘC" on two lines, as the heading is printed."""
    name = report.issuer_name
    prefix = "ỦY BAN NHÂN DÂN "
    if name.startswith(prefix):
        return [prefix.strip(), name[len(prefix) :]]
    return [name]


def _sentences(displays: dict[str, str]) -> list[str]:
    out = []
    for wordings in SENTENCES:
        for template in wordings:
            if all(code in displays for code in _PLACEHOLDER.findall(template)):
                out.append(_PLACEHOLDER.sub(lambda m: displays[m.group(1)], template))
                break
    return out


def _rows(indicators: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    pillar, heading_number, number = None, 0, 0
    for item in indicators:
        if item["pillar"] != pillar:
            pillar = item["pillar"]
            heading_number += 1
            number = 0
            name = PILLARS.get(pillar or "", pillar or "")
            rows.append(Row(ROMAN[heading_number - 1] if heading_number <= len(ROMAN)
                            else str(heading_number), name, "", "", "", heading=True))  # fmt: skip
        number += 1
        rows.append(
            Row(str(number), item["name"], UNITS.get(item["measure"], ""),
                _plain(item["display"]), _plain(item["previous_display"]))
        )  # fmt: skip
    return rows


def _plain(display: str) -> str:
    """The rate's "%" is in the unit column already."""
    return display[:-1] if display.endswith("%") else display


def _task_rows(lines: list[dict[str, Any]]) -> list[list[str]]:
    out = []
    for number, line in enumerate(lines, start=1):
        deadline = line.get("deadline") or ""
        if deadline:
            y, m, d = deadline.split("-")
            deadline = f"{d}/{m}/{y}"
        status = line.get("status", "")
        if line.get("overdue"):
            status = f"{status} (quá hạn)" if status else "Quá hạn"
        out.append([str(number), line.get("title", ""), line.get("assignees", ""), deadline,
                    status])  # fmt: skip
    return out


def _award_lines(lines: list[dict[str, Any]]) -> list[str]:
    return [
        f"{line.get('kind', '')} tặng {line.get('recipient', '')} ({line.get('decision', '')})."
        for line in lines
    ]


def review_facts(report: ReviewReport, *, public_only: bool = False) -> ReviewFacts:
    """What the documents print, from the stored report only (no live data).
    ``public_only`` leaves out the non-public indicators (for readers without that right)."""
    snapshot = report.snapshot or {}
    indicators = visible_indicators(snapshot, public_only=public_only)
    displays = {i["code"]: i["display"] for i in indicators}
    period_label = snapshot.get("period", {}).get("label", "")
    unit_name = report.issuer_name.title().replace("Ủy Ban Nhân Dân", "Ủy ban nhân dân")
    columns = snapshot.get("child_columns", [])
    child_level = snapshot.get("child_level", "village")
    bars_source = snapshot.get("chart", {}).get("bars", [])
    longest = max((b["value"] for b in bars_source), default=0) or 1
    # Sections II, III and V are printed when written; I and IV always (figures, tasks).
    numbers = iter(ROMAN[1:])
    sections = [
        (f"{next(numbers)}. {heading}", paragraphs)
        for heading, paragraphs in (
            ("HẠN CHẾ, NGUYÊN NHÂN", _paragraphs(report.limitations)),
            ("BÀI HỌC KINH NGHIỆM", _paragraphs(report.lessons)),
        )
        if paragraphs
    ]
    next_heading = f"{next(numbers)}. NHIỆM VỤ, GIẢI PHÁP KỲ TỚI"
    recommendations = _paragraphs(report.recommendations)
    recommendations_heading = f"{next(numbers)}. KIẾN NGHỊ, ĐỀ XUẤT"
    return ReviewFacts(
        draft=not report.is_issued,
        reference=report.reference,
        parent_body=report.parent_body.upper(),
        issuer_lines=_issuer_lines(report),
        number_line=f"Số: {report.reference}" if report.number is not None
        else f"Số:      /{report.symbol}",
        place_and_date=_date_line(report),
        title=report.title,
        intro=f"{unit_name} báo cáo kết quả thực hiện dân chủ ở cơ sở {period_label} như sau:",
        sentences=_sentences(displays),
        previous_label=snapshot.get("previous", {}).get("label", ""),
        rows=_rows(indicators),
        child_heading="Thôn, tổ dân phố" if child_level == "village" else "Xã, phường",
        child_columns=[c["name"] for c in columns],
        children=[
            [row["name"], *(row["display"].get(c["code"], "") for c in columns)]
            for row in snapshot.get("children", [])
        ],
        chart_title=snapshot.get("chart", {}).get("name", ""),
        bars=[Bar(b["name"], b["display"], max(0.0, b["value"] / longest)) for b in bars_source],
        tasks=_task_rows(snapshot.get("tasks", [])),
        awards=_award_lines(snapshot.get("awards", [])),
        next_tasks=_task_rows(snapshot.get("next_tasks", [])),
        sections=sections,
        results=_paragraphs(report.results),
        next_text=_paragraphs(report.next_tasks),
        recipients=_paragraphs(report.recipients),
        signer_authority=report.signer_authority.upper(),
        signer_title=report.signer_title.upper(),
        signer_name=report.signer_name,
        next_heading=next_heading,
        recommendations=recommendations,
        recommendations_heading=recommendations_heading,
        public_only=public_only,
    )  # fmt: skip


def _recipient_line(line: str, last: bool) -> str:
    """ "- Sở Nội vụ;" and the last "- Lưu: VT." (Annex I box 9b)."""
    text = line.lstrip("-–• ").rstrip(";. ")
    return f"- {text}{'.' if last else ';'}"


# ---------------------------------------------------------------------------------------------
# DOCX

# Elements of w:pPr that come after w:shd (ECMA-376 CT_PPrBase order).
_AFTER_SHD = (
    "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_ROW_WIDTHS = (12.0, 73.0, 20.0, 30.0, 30.0)
_TASK_WIDTHS = (10.0, 60.0, 40.0, 22.0, 33.0)


class _ReviewDocx(StateDocx):
    def __init__(self, report: ReviewReport, facts: ReviewFacts) -> None:
        super().__init__()
        self.report, self.facts = report, facts

    def render(self) -> bytes:
        facts = self.facts
        self.page_setup(f"Báo cáo - {facts.title}")
        # The file's dates are the report's, so that the properties do not change either.
        stamp = self.report.issued_at or self.report.figures_at
        if stamp is not None:
            self.doc.core_properties.created = self.doc.core_properties.modified = stamp
        self._page_numbers()
        if facts.draft:
            self.paragraph(self.doc, DRAFT_MARK, size=14, bold=True, align="right")
        self._header()
        self.paragraph(self.doc)
        self.paragraph(self.doc, "BÁO CÁO", size=14, bold=True)
        self.paragraph(self.doc, facts.title, size=14, bold=True)
        self.rule(self.doc, TEXT_WIDTH_MM / 4, TEXT_WIDTH_MM)
        self.paragraph(self.doc)
        self._line(facts.intro)
        self._heading("I. KẾT QUẢ ĐẠT ĐƯỢC")
        for text in facts.results:
            self._line(text)
        self._subheading("1. Kết quả qua các chỉ tiêu")
        for text in facts.sentences:
            self._line(text)
        self._indicator_table()
        self._child_table()
        self._chart()
        self._subheading("2. Kết quả thực hiện các nhiệm vụ trọng tâm")
        self._tasks(facts.tasks)
        self._subheading("3. Công tác thi đua, khen thưởng")
        if facts.awards:
            for text in facts.awards:
                self._line(f"- {text}")
        else:
            self._line("Trong kỳ chưa có khen thưởng được ghi nhận.")
        for heading, paragraphs in facts.sections:
            self._heading(heading)
            for text in paragraphs:
                self._line(text)
        self._heading(facts.next_heading)
        for text in facts.next_text:
            self._line(text)
        if facts.next_tasks:
            self._line("Các nhiệm vụ trọng tâm kỳ tới:")
            self._tasks(facts.next_tasks)
        if facts.recommendations:
            self._heading(facts.recommendations_heading)
            for text in facts.recommendations:
                self._line(text)
        self.paragraph(self.doc, "./.", size=14, align="left")
        self.paragraph(self.doc)
        self._footer()
        return self.to_bytes()

    def _page_numbers(self) -> None:
        """Annex I: Arabic page numbers centred in the top margin, not on the first page."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        paragraph = self.paragraph(section.header, "1", size=13, first=True)
        run = paragraph.runs[0]._r
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run.addprevious(field)
        field.append(run)  # the run (Times New Roman, 13 pt) shows the field's value

    def _header(self) -> None:
        facts = self.facts
        table = self.table(2, (HEAD_LEFT_MM, HEAD_RIGHT_MM), borders=False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        first = True
        if facts.parent_body:
            self.paragraph(left, facts.parent_body, size=13, first=True)
            first = False
        for line in facts.issuer_lines:
            self.paragraph(left, line, size=13, bold=True, first=first)
            first = False
        self.rule(left, HEAD_LEFT_MM / 3, HEAD_LEFT_MM)
        self.paragraph(right, NATIONAL_TITLE, size=12, bold=True, first=True)
        self.paragraph(right, MOTTO, size=13, bold=True)
        self.rule(right, 56, HEAD_RIGHT_MM)
        self.paragraph(table.cell(1, 0), facts.number_line, size=13, first=True)
        self.paragraph(table.cell(1, 1), facts.place_and_date, size=13, italic=True, first=True)

    def _line(self, text: str) -> None:
        from docx.shared import Mm, Pt

        paragraph = self.paragraph(self.doc, text, size=14, align="justify")
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Mm(12.7)  # Annex I box 6: first-line indent 1.27 cm
        fmt.space_after = Pt(6)

    def _heading(self, text: str) -> None:
        from docx.shared import Pt

        paragraph = self.paragraph(self.doc, text, size=14, bold=True, align="left")
        paragraph.paragraph_format.space_before = Pt(6)

    def _subheading(self, text: str) -> None:
        self.paragraph(self.doc, text, size=14, bold=True, align="left")

    def _caption(self, text: str) -> None:
        self.paragraph(self.doc, text, size=13, bold=True, italic=True)

    def _cells(self, row: Any, values: list[str], *, bold: bool = False,
               left: tuple[int, ...] = (1,)) -> None:  # fmt: skip
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            align = "left" if index in left else "center"
            self.paragraph(cell, value, size=12, bold=bold, align=align, first=True)

    def _indicator_table(self) -> None:
        facts = self.facts
        if not facts.rows:
            self._line("Chưa có số liệu chỉ tiêu trong kỳ.")
            return
        self._caption("Bảng 1. Kết quả thực hiện các chỉ tiêu")
        table = self.table(1 + len(facts.rows), _ROW_WIDTHS, borders=True)
        heads = [
            "TT",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Kỳ này",
            f"Cùng kỳ trước ({facts.previous_label})",
        ]
        self._cells(table.rows[0], heads, bold=True, left=())
        repeat_header(table.rows[0])
        for row, line in zip(table.rows[1:], facts.rows, strict=True):
            self._cells(row, [line.number, line.name, line.unit, line.value, line.previous],
                        bold=line.heading)  # fmt: skip
        self.paragraph(self.doc)

    def _child_table(self) -> None:
        facts = self.facts
        if not facts.children or not facts.child_columns:
            return
        self._caption(f"Bảng 2. Kết quả theo {facts.child_heading.lower()}")
        first = 45.0
        other = (TEXT_WIDTH_MM - 10.0 - first) / len(facts.child_columns)
        widths = (10.0, first, *([other] * len(facts.child_columns)))
        table = self.table(1 + len(facts.children), widths, borders=True)
        self._cells(table.rows[0], ["TT", facts.child_heading, *facts.child_columns], bold=True,
                    left=())  # fmt: skip
        repeat_header(table.rows[0])
        for number, (row, values) in enumerate(zip(table.rows[1:], facts.children,
                                                   strict=True), start=1):  # fmt: skip
            self._cells(row, [str(number), *values])
        self.paragraph(self.doc)

    def _chart(self) -> None:
        """A bar per village or commune: a shaded paragraph as long as the value."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm

        facts = self.facts
        if not facts.bars:
            return
        self._caption(f"Biểu đồ. {facts.chart_title} theo {facts.child_heading.lower()}")
        bar_width = 95.0
        table = self.table(len(facts.bars), (40.0, bar_width, TEXT_WIDTH_MM - 40 - bar_width),
                           borders=False)  # fmt: skip
        for row, bar in zip(table.rows, facts.bars, strict=True):
            label, cell, value = row.cells
            self.paragraph(label, bar.name, size=11, align="left", first=True)
            paragraph = self.paragraph(cell, " ", size=11, align="left", first=True)
            paragraph.paragraph_format.right_indent = Mm(bar_width * (1 - bar.share) + 1)
            if bar.share > 0:
                shading = OxmlElement("w:shd")
                for key, val in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "4F6D8F")):
                    shading.set(qn(key), val)
                # The schema fixes the order of w:pPr's children (Word refuses another).
                paragraph._p.get_or_add_pPr().insert_element_before(shading, *_AFTER_SHD)
            self.paragraph(value, bar.display, size=11, align="left", first=True)
        self.paragraph(self.doc)

    def _tasks(self, lines: list[list[str]]) -> None:
        if not lines:
            self._line("Chưa có nhiệm vụ trọng tâm được ghi nhận.")
            return
        table = self.table(1 + len(lines), _TASK_WIDTHS, borders=True)
        heads = ["TT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời hạn", "Tình trạng"]
        self._cells(table.rows[0], heads, bold=True, left=())
        repeat_header(table.rows[0])
        for row, values in zip(table.rows[1:], lines, strict=True):
            self._cells(row, values, left=(1, 2, 4))
        self.paragraph(self.doc)

    def _footer(self) -> None:
        facts = self.facts
        table = self.table(1, (HEAD_LEFT_MM + 10, HEAD_RIGHT_MM - 10), borders=False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        self.paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, align="left",
                       first=True)  # fmt: skip
        for index, line in enumerate(facts.recipients):
            self.paragraph(left, _recipient_line(line, index == len(facts.recipients) - 1),
                           size=11, align="left")  # fmt: skip
        first = True
        for line in (facts.signer_authority, facts.signer_title):
            if line:
                self.paragraph(right, line, size=14, bold=True, first=first)
                first = False
        for _blank in range(4):
            self.paragraph(right, size=14)
        self.paragraph(right, facts.signer_name, size=14, bold=True)


def review_docx(report: ReviewReport, *, public_only: bool = False) -> bytes:
    """The report as DOCX bytes; an issued report gives the same bytes at every download."""
    data = _ReviewDocx(report, review_facts(report, public_only=public_only)).render()
    return _zip_dated(data, report.issued_at or report.figures_at)


def _zip_dated(data: bytes, stamp: datetime | None) -> bytes:
    """``data`` (a zip) with every entry dated ``stamp``: python-docx dates them at the time of
    writing (two-second steps), so two downloads of the same report would differ."""
    when = (1980, 1, 1, 0, 0, 0)
    if stamp is not None:
        local = timezone.localtime(stamp)
        when = (max(local.year, 1980), local.month, local.day, local.hour, local.minute,
                local.second)  # fmt: skip
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            dated = zipfile.ZipInfo(entry.filename, date_time=when)
            dated.compress_type = entry.compress_type
            dated.external_attr = entry.external_attr
            target.writestr(dated, source.read(entry))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# PDF


def review_html(report: ReviewReport, *, public_only: bool = False) -> str:
    """The report as HTML for the PDF engine, always in Vietnamese."""
    facts = review_facts(report, public_only=public_only)
    recipients = [
        _recipient_line(line, index == len(facts.recipients) - 1)
        for index, line in enumerate(facts.recipients)
    ]
    with translation.override("vi"):
        return render_to_string(
            "reporting/review_document.html",
            {"facts": facts, "recipients": recipients},
        )


_FONT_CLOCK = threading.Lock()


@contextmanager
def _font_clock(stamp: datetime | None) -> Iterator[None]:
    """The embedded fonts' "modified" date set to ``stamp``: fontTools writes the time of
    subsetting into each font's ``head`` table unless SOURCE_DATE_EPOCH (the reproducible-builds
    convention) names one, so an issued report's PDF would otherwise differ at every download.
    The lock keeps two renders from restoring each other's value."""
    if stamp is None:
        yield
        return
    with _FONT_CLOCK:
        before = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = before


def review_pdf(report: ReviewReport, *, public_only: bool = False) -> bytes:
    """The report as PDF bytes (:class:`DocumentUnavailable` where WeasyPrint cannot run); an
    issued report gives the same bytes at every download (its fonts dated at issue)."""
    html = review_html(report, public_only=public_only)
    with _font_clock(report.issued_at or report.figures_at):
        return render_pdf(html, unavailable=DocumentUnavailable)
