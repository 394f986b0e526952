"""The papers of a closed community decision, as DOCX (and the decision as PDF).

* :func:`decision_docx` / :func:`decision_pdf` — the community decision (quyết định của cộng
  đồng dân cư) of one village, with every field Law 10/2022/QH15 Art. 20(2) requires: the time;
  the total households of the village; the household representatives present (meeting) or
  participating (ballot, online); the households not represented; the matter; the form of
  decision; the vote result; the decision; the signatures of the village head, the head of the
  village Front working committee and two household representatives. It is written as minutes
  (biên bản, Art. 20(1)): of the meeting, of the ballots' count, or of the online vote.
* :func:`counting_record_docx` — the counting record of Decree 59/2023/NĐ-CP: form 02 (a
  meeting's secret ballot, Art. 3(5)(c)), 03 (online vote, Art. 5(4)(a)), 04 (household ballots,
  Art. 4(6)), with the decree's field names.

The layout follows NĐ 30/2020/NĐ-CP Annex I (legal-spec §5) through the helpers of
:mod:`danchu.core.documents` (A4, margins 20/20/30/15 mm, Times New Roman everywhere, the
header table with the issuing body and the national title and motto, the italic place and date).
These are official forms posted and filed in Vietnamese: their wording is the law's, not
translated (the pass rule and the form's name come from :mod:`danchu.decisions.rules` rendered
in Vietnamese). Counts come from :func:`danchu.decisions.selectors.matter_outcome` only.

WeasyPrint needs Pango from the system; where it cannot load, :class:`DocumentUnavailable` (a
:class:`~danchu.disclosure.notice.NoticeUnavailable`) lets the page answer 503.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation

from danchu.core.documents import (
    DOCX_CONTENT_TYPE,
    HEAD_LEFT_MM,
    HEAD_RIGHT_MM,
    TEXT_WIDTH_MM,
    StateDocx,
    render_pdf,
)
from danchu.core.text import fold_vi
from danchu.decisions import rules
from danchu.decisions.models import Ballot, MatterVillage, Option, SecretChoice, Vote
from danchu.decisions.recognition import decided_on
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.selectors import MatterOutcome, VillageOutcome
from danchu.disclosure.notice import NoticeUnavailable, place_and_date
from danchu.territory.models import Resident, Village

__all__ = [
    "DOCX_CONTENT_TYPE",
    "DecisionFacts",
    "DocumentUnavailable",
    "day_text",
    "issuer_name",
    "kind_word",
    "moment_text",
    "counting_record_docx",
    "decision_docx",
    "decision_facts",
    "decision_html",
    "decision_pdf",
    "document_filename",
]

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
LAW = "Luật Thực hiện dân chủ ở cơ sở"
DOTS = "……………"

# The village's kind as it is written in the issuer's name (thôn, tổ dân phố, ấp, bản, …).
KIND_WORDS = {
    Village.Kind.THON: "Thôn", Village.Kind.LANG: "Làng", Village.Kind.AP: "Ấp",
    Village.Kind.BAN: "Bản", Village.Kind.BUON: "Buôn", Village.Kind.BON: "Bon",
    Village.Kind.PHUM: "Phum", Village.Kind.SOC: "Sóc", Village.Kind.TO_DAN_PHO: "Tổ dân phố",
    Village.Kind.KHU_PHO: "Khu phố", Village.Kind.KHOI_PHO: "Khối phố", Village.Kind.KHOM: "Khóm",
    Village.Kind.TIEU_KHU: "Tiểu khu",
}  # fmt: skip
# Law 10/2022 Art. 20(1): the decision is written as minutes; the title says of what.
DECISION_TITLES = {
    Form.MEETING: "BIÊN BẢN HỌP CỘNG ĐỒNG DÂN CƯ",
    Form.BALLOT: "BIÊN BẢN KIỂM PHIẾU",
    Form.ONLINE: "BIÊN BẢN BIỂU QUYẾT TRỰC TUYẾN",
}
# Decree 59/2023 annex forms of the counting records.
RECORD_FORMS = {Form.MEETING: "02", Form.ONLINE: "03", Form.BALLOT: "04"}
RECORD_TITLES = {
    Form.MEETING: "BIÊN BẢN KIỂM PHIẾU",
    Form.ONLINE: "BIÊN BẢN KẾT QUẢ BIỂU QUYẾT TRỰC TUYẾN",
    Form.BALLOT: "BIÊN BẢN KIỂM PHIẾU LẤY Ý KIẾN HỘ GIA ĐÌNH",
}
SIGN_HINT = "(Ký, ghi rõ họ tên)"
_RETURNED = (
    Ballot.Status.RETURNED, Ballot.Status.COUNTED, Ballot.Status.BLANK, Ballot.Status.SPOILED,
    Ballot.Status.MISMATCH,
)  # fmt: skip


class DocumentUnavailable(NoticeUnavailable):
    """The PDF engine cannot run here (WeasyPrint or its system libraries are missing)."""


@dataclass
class Signature:
    title: str
    name: str = ""


@dataclass
class DecisionFacts:
    """Everything printed on the decision (and on the counting record), computed once."""

    commune_upper: str
    issuer: str
    kind_word: str  # thôn, tổ dân phố, ấp, … (lower case, as in running text)
    head_title: str  # TRƯỞNG THÔN / TỔ TRƯỞNG TỔ DÂN PHỐ
    place_and_date: str
    title: str
    summary: str
    form: str
    form_label: str
    clause: int
    total_households: int
    participants: int
    not_represented: int
    participants_label: str
    time_lines: list[str]
    matter_lines: list[str]
    results: list[tuple[str, int, str]]  # option, count, share of all households
    decision_lines: list[str]
    signatures: list[Signature]
    adopted: bool
    result_hash: str
    team: list[str] = field(default_factory=list)
    witnesses: list[str] = field(default_factory=list)


def document_filename(matter_village: MatterVillage, kind: str, ext: str) -> str:
    """A safe download name, e.g. ``bien-ban-12-345.docx``."""
    return f"{kind}-{matter_village.matter_id}-{matter_village.village_id}.{ext}"


def _village_outcome(matter_village: MatterVillage, outcome: MatterOutcome) -> VillageOutcome:
    for result in outcome.villages:
        if result.matter_village.pk == matter_village.pk:
            return result
    raise ValueError("the outcome does not concern this village")


def kind_word(village: Village) -> str:
    return KIND_WORDS.get(Village.Kind(village.kind), "Thôn") if village.kind else "Thôn"


def issuer_name(village: Village) -> str:
    """ "THÔN ĐÔNG" for a village named "Đông"; a name already starting with its kind stays."""
    word = kind_word(village)
    name = village.name.strip()
    if fold_vi(name).startswith(fold_vi(word) + " "):
        return name.upper()
    return f"{word} {name}".upper()


def _share(count: int, total: int) -> str:
    """A share of all households, Vietnamese style: "66,67%"."""
    if total <= 0:
        return "0%"
    return f"{count * 100 / total:.2f}".replace(".", ",") + "%"


def day_text(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day is not None else DOTS


def moment_text(moment: datetime | None) -> str:
    if moment is None:
        return DOTS
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _ballot_counts(mv: MatterVillage) -> dict[str, int]:
    rows = (
        Ballot.objects.filter(matter_village=mv)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {status: n for status, n in rows}


def _participants(mv: MatterVillage, result: VillageOutcome) -> int:
    """Art. 20(2): representatives present at the meeting, or households that took part (a
    returned ballot, an online vote)."""
    if mv.form == Form.MEETING:
        return mv.present
    if mv.form == Form.BALLOT:
        counts = _ballot_counts(mv)
        return sum(counts.get(s, 0) for s in _RETURNED)
    return result.turnout


def _effect_line(matter_type: int, commune_wide: bool) -> str:
    """Law 10/2022 Art. 21(2): when the decision takes effect."""
    if matter_type in (MatterType.CONTRIBUTIONS, MatterType.COMMUNITY_FINANCES) and commune_wide:
        return (
            "Quyết định có hiệu lực từ ngày do Ủy ban nhân dân xã quyết định sau khi tổng hợp "
            "kết quả của các thôn, tổ dân phố (Điều 21 khoản 2 " + LAW + ")."
        )
    if matter_type in (MatterType.CONVENTION, MatterType.VILLAGE_HEAD):
        return (
            "Quyết định có hiệu lực từ ngày Ủy ban nhân dân xã ban hành quyết định công nhận "
            "(Điều 21 khoản 2 " + LAW + ")."
        )
    if matter_type == MatterType.BOARD_MEMBERS:
        return (
            "Quyết định có hiệu lực từ ngày Ủy ban Mặt trận Tổ quốc Việt Nam xã ban hành quyết "
            "định công nhận (Điều 21 khoản 2 " + LAW + ")."
        )
    return (
        "Quyết định có hiệu lực kể từ ngày cộng đồng dân cư biểu quyết (Điều 21 khoản 2 "
        + LAW
        + ")."
    )


def decision_facts(matter_village: MatterVillage, outcome: MatterOutcome) -> DecisionFacts:
    """The facts of the village's decision, in Vietnamese (three or four queries)."""
    with translation.override("vi"):
        return _facts(matter_village, outcome)


def _facts(matter_village: MatterVillage, outcome: MatterOutcome) -> DecisionFacts:
    result = _village_outcome(matter_village, outcome)
    mv = result.matter_village
    matter = outcome.matter
    commune = matter.commune
    village = mv.village
    form = Form(mv.form)
    total = mv.total_households
    participants = _participants(mv, result)
    day = decided_on(mv) or timezone.localdate()
    word = kind_word(village)
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    results = [
        (o.label, result.counts.get(o.pk, 0), _share(result.counts.get(o.pk, 0), total))
        for o in options
    ]
    if form == Form.MEETING:
        time_lines = [f"Thời gian: ngày {day_text(mv.held_on)}."]
        participants_label = "Số đại diện hộ gia đình tham dự"
    elif form == Form.BALLOT:
        time_lines = [
            f"Thời gian phát phiếu: ngày {day_text(mv.held_on)}.",
            f"Thời hạn thu phiếu: {moment_text(mv.closes_at)}.",
        ]
        participants_label = "Số đại diện hộ gia đình tham gia (số phiếu thu về)"
    else:
        time_lines = [
            f"Thời gian bắt đầu biểu quyết: {moment_text(matter.opened_at)}.",
            f"Thời gian kết thúc biểu quyết: {moment_text(mv.closes_at)}.",
        ]
        participants_label = "Số đại diện hộ gia đình tham gia biểu quyết"
    clause = int(matter.matter_type)
    matter_lines = [f"Nội dung: {matter.title}."]
    if matter.question:
        matter_lines.append(f"Câu hỏi lấy ý kiến: {matter.question}")
    matter_lines.append(
        f"Nội dung thuộc khoản {clause} Điều 15 {LAW}"
        + (", trong phạm vi toàn xã." if matter.commune_wide else ".")
    )
    matter_lines.append(f"Hình thức quyết định: {form.label}.")
    rule, article = rules.rule_text(matter.matter_type)
    is_election = any(o.kind == Option.Kind.CANDIDATE for o in options)
    if is_election:
        if result.elected:
            # Every elected candidate (a board elects up to its seats), with their own count.
            verdict = (
                "; ".join(
                    f"Ông (bà) {o.label} được bầu với {result.counts.get(o.pk, 0)}/{total} hộ gia "
                    f"đình tán thành ({_share(result.counts.get(o.pk, 0), total)} tổng số hộ gia "
                    "đình)"
                    for o in result.elected
                )
                + "."
            )
        else:
            verdict = (
                "Không có người được bầu: không ai đạt trên 50% tổng số hộ gia đình tán thành."
            )
    else:
        verdict = (
            f"Nội dung trên {'ĐƯỢC THÔNG QUA' if result.adopted else 'KHÔNG ĐƯỢC THÔNG QUA'} "
            f"với {result.approvals}/{total} hộ gia đình tán thành "
            f"({_share(result.approvals, total)} tổng số hộ gia đình)."
        )
    decision_lines = [verdict, f"Căn cứ {article}: {rule}"]
    if matter.commune_wide:
        decision_lines.append(
            f"{rules.commune_rule_text()} Kết quả chung toàn xã: "
            f"{'được thông qua' if outcome.adopted else 'không được thông qua'}."
        )
    decision_lines.append(_effect_line(matter.matter_type, matter.commune_wide))
    decision_lines.append(
        "Biên bản được gửi Ủy ban nhân dân xã và Ủy ban Mặt trận Tổ quốc Việt Nam xã trong "
        f"thời hạn 05 ngày làm việc (Điều 20 khoản 3 {LAW})."
    )
    head_title = "TỔ TRƯỞNG TỔ DÂN PHỐ" if village.kind == Village.Kind.TO_DAN_PHO else (
        f"TRƯỞNG {word.upper()}"
    )  # fmt: skip
    # Law 10/2022 Art. 20(2): four signatures.
    signatures = [
        Signature(head_title),
        Signature("TRƯỞNG BAN CÔNG TÁC MẶT TRẬN"),
        Signature("ĐẠI DIỆN HỘ GIA ĐÌNH"),
        Signature("ĐẠI DIỆN HỘ GIA ĐÌNH"),
    ]
    return DecisionFacts(
        commune_upper=commune.name.upper(),
        issuer=issuer_name(village),
        kind_word=word.lower(),
        head_title=head_title,
        place_and_date=place_and_date(commune, day),
        title=DECISION_TITLES[form],
        summary=f"Về việc: {matter.title}",
        form=str(form),
        form_label=str(form.label),
        clause=clause,
        total_households=total,
        participants=participants,
        not_represented=max(0, total - participants),
        participants_label=participants_label,
        time_lines=time_lines,
        matter_lines=matter_lines,
        results=results,
        decision_lines=decision_lines,
        signatures=signatures,
        adopted=result.adopted,
        result_hash=matter.result_hash,
        team=list(mv.team or []),
        witnesses=list(mv.witnesses or []),
    )


# ---------------------------------------------------------------------------------------------
# DOCX


class _Paper(StateDocx):
    """A village's document on the shared NĐ 30/2020 building blocks
    (:mod:`danchu.core.documents`)."""

    def __init__(self, facts: DecisionFacts) -> None:
        super().__init__()
        self.facts = facts

    def start(self, title: str, form_number: str | None = None) -> None:
        self.page_setup(f"{title} - {self.facts.summary}")
        if form_number:
            number = f"Mẫu số {form_number}"
            self.paragraph(self.doc, number, size=12, bold=True, align="right", first=True)
            decree = "(Nghị định số 59/2023/NĐ-CP)"
            self.paragraph(self.doc, decree, size=11, italic=True, align="right")
        self._village_header()
        from docx.shared import Pt

        spacer = self.paragraph(self.doc)
        spacer.paragraph_format.space_before = Pt(12)
        self.paragraph(self.doc, title, size=14, bold=True)
        self.paragraph(self.doc, self.facts.summary, size=14, bold=True)
        self.rule(self.doc, TEXT_WIDTH_MM / 4, TEXT_WIDTH_MM)
        self.paragraph(self.doc)

    def _village_header(self) -> None:
        """NĐ 30/2020 Annex I: the parent body (the commune) and the issuer (the village) on the
        left; the national title and motto on the right; place and date below, italic."""
        facts = self.facts
        table = self.table(2, (HEAD_LEFT_MM, HEAD_RIGHT_MM), borders=False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        self.paragraph(left, facts.commune_upper, size=13, first=True)
        self.paragraph(left, facts.issuer, size=13, bold=True)
        self.rule(left, HEAD_LEFT_MM / 3, HEAD_LEFT_MM)
        self.paragraph(right, NATIONAL_TITLE, size=12, bold=True, first=True)
        self.paragraph(right, MOTTO, size=13, bold=True)
        self.rule(right, 56, HEAD_RIGHT_MM)
        self.paragraph(table.cell(1, 1), facts.place_and_date, size=13, italic=True, first=True)

    def heading(self, text: str) -> None:
        from docx.shared import Pt

        paragraph = self.paragraph(self.doc, text, size=14, bold=True, align="left")
        paragraph.paragraph_format.space_before = Pt(6)

    def line(self, text: str, *, bold: bool = False, italic: bool = False) -> None:
        from docx.shared import Mm, Pt

        paragraph = self.paragraph(
            self.doc, text, size=14, bold=bold, italic=italic, align="justify"
        )
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Mm(12.7)
        fmt.space_after = Pt(6)

    def grid(self, heads: Sequence[str], rows: Sequence[Sequence[Any]],
             widths: Sequence[float]) -> None:  # fmt: skip
        table = self.table(1 + len(rows), widths, borders=True)
        for cell, head in zip(table.rows[0].cells, heads, strict=True):
            self.paragraph(cell, head, size=13, bold=True, first=True)
        for line, values in zip(table.rows[1:], rows, strict=True):
            for index, (cell, value) in enumerate(zip(line.cells, values, strict=True)):
                align = "left" if index == 1 else "center"
                self.paragraph(cell, str(value), size=13, align=align, first=True)
        self.paragraph(self.doc)

    def names(self, label: str, names: Sequence[str]) -> None:
        self.line(f"{label}:" if names else f"{label}: {DOTS}")
        for number, name in enumerate(names, start=1):
            self.line(f"{number}. {name}")

    def signatures(self, signatures: Sequence[Signature]) -> None:
        self.paragraph(self.doc, "./.", size=13, align="left")
        self.paragraph(self.doc)
        pairs = [signatures[i : i + 2] for i in range(0, len(signatures), 2)]
        half = TEXT_WIDTH_MM / 2
        table = self.table(len(pairs), (half, half), borders=False)
        for row, pair in zip(table.rows, pairs, strict=True):
            for cell, signature in zip(row.cells, pair, strict=False):
                self.paragraph(cell, signature.title, size=13, bold=True, first=True)
                self.paragraph(cell, SIGN_HINT, size=13, italic=True)
                for _blank in range(4):  # room for the signature
                    self.paragraph(cell)
                if signature.name:
                    self.paragraph(cell, signature.name, size=13, bold=True)
                self.paragraph(cell)

    def render(self) -> bytes:
        return self.to_bytes()


def decision_docx(matter_village: MatterVillage, outcome: MatterOutcome) -> bytes:
    """The community decision of ``matter_village`` (Law 10/2022 Art. 20(2)) as a Word file."""
    facts = decision_facts(matter_village, outcome)
    paper = _Paper(facts)
    paper.start(facts.title)
    paper.heading("I. THỜI GIAN, THÀNH PHẦN")
    for line in facts.time_lines:
        paper.line(line)
    paper.line(f"Tổng số hộ gia đình của {facts.kind_word}: {facts.total_households} hộ.")
    paper.line(f"{facts.participants_label}: {facts.participants} hộ.")
    paper.line(f"Số hộ gia đình không có đại diện tham gia: {facts.not_represented} hộ.")
    paper.heading("II. NỘI DUNG BÀN VÀ QUYẾT ĐỊNH")
    for line in facts.matter_lines:
        paper.line(line)
    paper.heading("III. KẾT QUẢ BIỂU QUYẾT")
    paper.grid(
        ("TT", "Phương án", "Số hộ", "Tỷ lệ so với tổng số hộ"),
        [(n, label, count, share) for n, (label, count, share) in enumerate(facts.results, 1)],
        (12, 83, 25, 45),
    )
    paper.heading("IV. QUYẾT ĐỊNH CỦA CỘNG ĐỒNG DÂN CƯ")
    for line in facts.decision_lines:
        paper.line(line)
    paper.signatures(facts.signatures)
    return paper.render()


def counting_record_docx(matter_village: MatterVillage, outcome: MatterOutcome) -> bytes:
    """The counting record of Decree 59/2023: form 02 (a meeting's secret ballot), 03 (online
    vote) or 04 (household ballots), chosen by the village's form."""
    facts = decision_facts(matter_village, outcome)
    mv = _village_outcome(matter_village, outcome).matter_village
    form = Form(mv.form)
    paper = _Paper(facts)
    paper.start(RECORD_TITLES[form], RECORD_FORMS[form])
    total = facts.total_households
    counts = [(label, count, share) for label, count, share in facts.results]
    if form == Form.MEETING:
        _record_02(paper, facts, mv, counts)
    elif form == Form.ONLINE:
        _record_03(paper, facts, mv, outcome)
    else:
        _record_04(paper, facts, mv, counts)
    paper.grid(
        ("TT", "Phương án", "Số phiếu", "Tỷ lệ so với tổng số hộ"),
        [(n, label, count, share) for n, (label, count, share) in enumerate(counts, 1)],
        (12, 83, 25, 45),
    )
    paper.line(f"Tổng số hộ gia đình của {facts.kind_word}: {total} hộ.")
    for line in facts.decision_lines[:2]:
        paper.line(line)
    if facts.result_hash:
        paper.line(f"Mã niêm phong kết quả trên hệ thống (SHA-256): {facts.result_hash}",
                   italic=True)  # fmt: skip
    signatures = _record_signatures(facts, form)
    paper.signatures(signatures)
    return paper.render()


def _record_02(paper: _Paper, facts: DecisionFacts, mv: MatterVillage,
               counts: list[tuple[str, int, str]]) -> None:  # fmt: skip
    """Decree 59/2023 Art. 3(5)(c): the counting committee counts before 2 witnesses."""
    valid = sum(count for _label, count, _share in counts)
    paper.line(f"Thời gian: ngày {day_text(mv.held_on)}.")
    paper.names("Ban kiểm phiếu gồm", facts.team)
    paper.names("Người chứng kiến (đại diện hộ gia đình)", facts.witnesses)
    paper.line(f"Số đại diện hộ gia đình tham dự: {mv.present}.")
    paper.line(f"Số phiếu phát ra: {mv.present}.")
    paper.line(f"Số phiếu thu vào: {DOTS}")
    paper.line(f"Số phiếu hợp lệ: {valid}.")
    paper.line(f"Số phiếu không hợp lệ: {DOTS}")
    paper.line("Kết quả kiểm phiếu:", bold=True)


def _online_voters(mv: MatterVillage) -> tuple[list[str], list[str]]:
    """Decree 59/2023 Art. 5(2)(c), 5(4)(a): the participating household representatives, by
    name only and in alphabetical order (not the order of voting: nothing links a name to a
    choice); and the other opinions, without names."""
    votes = list(
        Vote.objects.filter(matter_village=mv)
        .select_related("household", "cast_by__resident", "option")
        .order_by("pk")
    )
    representatives = dict(
        Resident.objects.filter(
            household_id__in=[v.household_id for v in votes], is_representative=True
        ).values_list("household_id", "full_name")
    )
    names = []
    for vote in votes:
        resident = getattr(vote.cast_by, "resident", None) if vote.cast_by else None
        name = getattr(resident, "full_name", "") or representatives.get(vote.household_id, "")
        names.append(name or f"Hộ {vote.household.code}")
    opinions = sorted(
        v.other_opinion.strip()
        for v in votes
        if v.option is not None and v.option.kind == Option.Kind.OTHER and v.other_opinion.strip()
    )
    if mv.matter.secret:
        # A secret ballot's opinions are on its unlinked choices (they name no household).
        texts = SecretChoice.objects.filter(
            matter_village=mv, option__kind=Option.Kind.OTHER
        ).values_list("other_opinion", flat=True)
        opinions = sorted(t.strip() for t in texts if t.strip())
    return sorted(names, key=fold_vi), opinions


def _record_03(paper: _Paper, facts: DecisionFacts, mv: MatterVillage,
               outcome: MatterOutcome) -> None:  # fmt: skip
    """Decree 59/2023 Art. 5(4)(a): start and end time, number who voted, agree / disagree /
    other opinions, and the list of participating household representatives."""
    options = list(Option.objects.filter(matter=outcome.matter).order_by("position"))
    result = _village_outcome(mv, outcome)

    def by_kind(kind: str) -> int:
        return sum(result.counts.get(o.pk, 0) for o in options if o.kind == kind)

    names, opinions = _online_voters(mv)
    paper.line(f"Thời gian bắt đầu: {moment_text(outcome.matter.opened_at)}.")
    paper.line(f"Thời gian kết thúc: {moment_text(mv.closes_at)}.")
    paper.names("Tổ biểu quyết trực tuyến gồm", facts.team)
    paper.line(f"Số đại diện hộ gia đình đã biểu quyết: {result.turnout}.")
    paper.line(f"Số đồng ý: {by_kind(Option.Kind.APPROVE)}.")
    paper.line(f"Số không đồng ý: {by_kind(Option.Kind.REJECT)}.")
    paper.line(f"Số ý kiến khác: {by_kind(Option.Kind.OTHER)}.")
    for opinion in opinions:
        paper.line(f"- {opinion}")
    paper.names("Danh sách đại diện hộ gia đình tham gia biểu quyết", names)
    paper.line("Kết quả biểu quyết:", bold=True)


def _record_04(paper: _Paper, facts: DecisionFacts, mv: MatterVillage,
               counts: list[tuple[str, int, str]]) -> None:  # fmt: skip
    """Decree 59/2023 Art. 4(6): the ballot team counts before 2 household witnesses."""
    ballots = _ballot_counts(mv)
    paper.line(f"Thời gian phát phiếu: ngày {day_text(mv.held_on)}; thời hạn thu phiếu: "
               f"{moment_text(mv.closes_at)}.")  # fmt: skip
    paper.names("Tổ phát phiếu gồm", facts.team)
    paper.names("Người chứng kiến (đại diện hộ gia đình)", facts.witnesses)
    paper.line(f"Số phiếu phát ra: {sum(ballots.values())}.")
    paper.line(f"Số phiếu thu về: {sum(ballots.get(s, 0) for s in _RETURNED)}.")
    paper.line(f"Số phiếu hợp lệ: {ballots.get(Ballot.Status.COUNTED, 0)}.")
    paper.line(f"Số phiếu trắng: {ballots.get(Ballot.Status.BLANK, 0)}.")
    paper.line(f"Số phiếu không hợp lệ: {ballots.get(Ballot.Status.SPOILED, 0)}.")
    paper.line("Kết quả kiểm phiếu:", bold=True)


def _record_signatures(facts: DecisionFacts, form: Form) -> list[Signature]:
    team = facts.team + [""] * 2
    witnesses = facts.witnesses + [""] * 2
    if form == Form.ONLINE:
        return [Signature("TỔ TRƯỞNG TỔ BIỂU QUYẾT TRỰC TUYẾN", team[0]),
                Signature(facts.head_title)]  # fmt: skip
    leader = "TRƯỞNG BAN KIỂM PHIẾU" if form == Form.MEETING else "TỔ TRƯỞNG TỔ PHÁT PHIẾU"
    member = "THÀNH VIÊN BAN KIỂM PHIẾU" if form == Form.MEETING else "THÀNH VIÊN TỔ PHÁT PHIẾU"
    return [
        Signature(leader, team[0]),
        Signature(member, team[1]),
        Signature("NGƯỜI CHỨNG KIẾN", witnesses[0]),
        Signature("NGƯỜI CHỨNG KIẾN", witnesses[1]),
    ]


# ---------------------------------------------------------------------------------------------
# PDF


def decision_html(matter_village: MatterVillage, outcome: MatterOutcome) -> str:
    """The decision as HTML for the PDF engine, always in Vietnamese (it is filed and posted)."""
    facts = decision_facts(matter_village, outcome)
    with translation.override("vi"):
        return render_to_string(
            "decisions/documents/decision.html",
            {"facts": facts},
        )


def decision_pdf(matter_village: MatterVillage, outcome: MatterOutcome) -> bytes:
    """The community decision as PDF bytes. Nothing is fetched: the fetcher refuses every
    scheme but ``data:``."""
    return render_pdf(decision_html(matter_village, outcome), unavailable=DocumentUnavailable)
