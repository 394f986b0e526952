"""The published synthesis as a state document (NĐ 30/2020/NĐ-CP Annex I, on the shared
building blocks of :mod:`danchu.core.documents`): "Báo cáo tổng hợp, tiếp thu, giải trình ý kiến
Nhân dân" — each group of opinions, how many, and the commune's answer (Law 10/2022 Art. 28(3)).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.consultation.models import Consultation, Opinion, OpinionGroup
from danchu.consultation.rules import Outcome
from danchu.core.documents import HEAD_LEFT_MM, HEAD_RIGHT_MM, TEXT_WIDTH_MM, StateDocx
from danchu.disclosure.notice import place_and_date

__all__ = ["synthesis_docx"]

# Column widths of the synthesis table (mm): No., part and topic, opinions, answer.
_WIDTHS = (12.0, 55.0, 20.0, TEXT_WIDTH_MM - 87.0)


class _SynthesisDocx(StateDocx):
    def __init__(self, consultation: Consultation) -> None:
        super().__init__()
        self.consultation = consultation

    def render(self) -> bytes:
        consultation = self.consultation
        title = _("Synthesis of opinions and the commune's answers")
        self.page_setup(f"{title} - {consultation.title}")
        self._header()
        self.paragraph(self.doc)
        self.paragraph(self.doc, _("REPORT ON THE CONSULTATION"), size=14, bold=True)
        self.paragraph(self.doc, title, size=14, bold=True)
        self.paragraph(self.doc, consultation.title, size=14, bold=True)
        self.rule(self.doc, TEXT_WIDTH_MM / 4, TEXT_WIDTH_MM)
        total = Opinion.objects.filter(consultation=consultation).count()
        self._line(_("Synthesis of %(count)s opinions received.") % {"count": total})
        if consultation.published_on and consultation.closes_on:
            self._line(
                _("Opinions were received from %(start)s to %(end)s.")
                % {"start": consultation.published_on.strftime("%d/%m/%Y"),
                   "end": consultation.closes_on.strftime("%d/%m/%Y")}
            )  # fmt: skip
        self._groups()
        if consultation.decision_issued_on:
            self._line(
                _("Decision: %(reference)s of %(date)s.")
                % {"reference": consultation.decision_reference,
                   "date": consultation.decision_issued_on.strftime("%d/%m/%Y")}
            )  # fmt: skip
            if consultation.departs_from_majority:
                self._line(consultation.departure_explanation)
        self.paragraph(self.doc, "./.", size=13, align="left")
        return self.to_bytes()

    def _header(self) -> None:
        commune = self.consultation.commune
        table = self.table(2, (HEAD_LEFT_MM, HEAD_RIGHT_MM), borders=False)
        left, right = table.cell(0, 0), table.cell(0, 1)
        self.paragraph(left, _("PEOPLE'S COMMITTEE"), size=13, bold=True, first=True)
        self.paragraph(left, commune.name.upper(), size=13, bold=True)
        self.rule(left, HEAD_LEFT_MM / 3, HEAD_LEFT_MM)
        self.paragraph(right, _("SOCIALIST REPUBLIC OF VIET NAM"), size=12, bold=True, first=True)
        self.paragraph(right, _("Independence - Freedom - Happiness"), size=13, bold=True)
        self.rule(right, 56, HEAD_RIGHT_MM)
        day = timezone.localtime(self.consultation.synthesis_published_at or timezone.now()).date()
        self.paragraph(table.cell(1, 1), place_and_date(commune, day), size=13, italic=True,
                       first=True)  # fmt: skip

    def _line(self, text: str) -> None:
        self.paragraph(self.doc, text, size=14, align="justify")

    def _groups(self) -> None:
        groups = list(
            OpinionGroup.objects.filter(consultation=self.consultation)
            .select_related("section")
            .annotate(count=Count("opinions"))
            .order_by("section__position", "id")
        )
        heads = (_("No."), _("Part of the draft"), _("Opinions received"),
                 _("Change made, or why not"))  # fmt: skip
        table = self.table(1 + len(groups), _WIDTHS, borders=True)
        for cell, head in zip(table.rows[0].cells, heads, strict=True):
            self.paragraph(cell, head, size=13, bold=True, first=True)
        for number, (row, group) in enumerate(zip(table.rows[1:], groups, strict=True), start=1):
            part = group.section.heading if group.section else _("The whole draft")
            outcome = str(Outcome(group.outcome).label)
            values = (str(number), f"{part}: {group.topic}",
                      str(group.count), f"{outcome}. {group.answer}")  # type: ignore[attr-defined]  # fmt: skip
            for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                align = "center" if index in (0, 2) else "left"
                self.paragraph(cell, value, size=13, align=align, first=True)
        self.paragraph(self.doc)


def synthesis_docx(consultation: Consultation) -> bytes:
    return _SynthesisDocx(consultation).render()
