"""Documents of a campaign: the books as XLSX for the commune's accounts, the receipt slip as PDF.

The XLSX carries every receipt (with the names of anonymous contributors: the books are the
commune's, not the public's), the spending and the totals, as real integers and dates. The slip
is the paper the collector hands over (biên nhận), always in Vietnamese.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from types import ModuleType
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from danchu.contributions.models import Campaign, ContributorKind, Kind, Receipt, Spending
from danchu.contributions.selectors import Ledger, unit_label

__all__ = ["DocumentUnavailable", "books_xlsx", "receipt_slip_html", "receipt_slip_pdf", "vnd"]

_DATE_FORMAT = "dd/mm/yyyy"
_FORMULA = re.compile(r"^[=+\-@\t\r]")


class DocumentUnavailable(RuntimeError):
    """The PDF engine (WeasyPrint with Pango) is not installed on this server."""


def vnd(amount: int) -> str:
    """1234567 → "1.234.567" (the Vietnamese thousands separator)."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")


def _text(cell: Any, value: str) -> None:
    # A name starting with "=" stays text, never a formula (CSV/XLSX injection).
    text = str(value)
    cell.value = "'" + text if _FORMULA.match(text) else text
    cell.data_type = "s"


def _sheet(book: Any, title: str, heads: Iterable[str], rows: Iterable[list[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title[:31])
    heads = list(heads)
    for column, head in enumerate(heads, start=1):
        cell = sheet.cell(row=1, column=column)
        _text(cell, head)
        cell.font = Font(bold=True)
    line = 2
    for values in rows:
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column)
            if isinstance(value, bool):
                _text(cell, _("yes") if value else "")
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = _DATE_FORMAT
            elif isinstance(value, int):
                cell.value = value
                cell.number_format = "#,##0"
            else:
                _text(cell, value or "")
        line += 1
    sheet.freeze_panes = "A2"
    for column in range(1, len(heads) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18


def books_xlsx(
    campaign: Campaign,
    ledger: Ledger,
    receipts: Iterable[Receipt],
    spendings: Iterable[Spending],
    *,
    language: str = "vi",
) -> bytes:
    """The campaign's books: totals, receipts (counter-entries negative), spending."""
    from openpyxl import Workbook

    with translation.override(language):
        book = Workbook()
        default = book.active
        if default is not None:
            book.remove(default)
        _sheet(
            book,
            _("Totals"),
            (_("Contribution kind"), _("Unit"), _("Target"), _("Pledged"), _("Received")),
            [[str(p.label), p.unit, p.target, p.pledged, p.received] for p in ledger.progress]
            + [
                [_("Money spent"), _("VND"), "", "", ledger.money_spent],
                [_("Balance"), _("VND"), "", "", ledger.balance],
            ],
        )
        kinds = dict(Kind.choices)
        who = dict(ContributorKind.choices)
        _sheet(
            book,
            _("Receipts"),
            (
                _("Receipt number"),
                _("Year"),
                _("received on"),
                _("contributor name"),
                _("contributor type"),
                _("Village"),
                _("contribution kind"),
                _("quantity"),
                _("Unit"),
                _("land parcel"),
                _("compensation waived"),
                _("collector"),
                _("appear anonymously in public"),
                _("cancels receipt"),
                _("reason for the cancellation"),
            ),  # fmt: skip
            [
                [
                    r.number,
                    r.year,
                    r.received_on,
                    r.contributor_name,
                    str(who.get(r.contributor_kind, "")),
                    r.village.name if r.village else "",
                    str(kinds.get(r.kind, "")),
                    r.amount,
                    unit_label(campaign, r.kind),
                    r.land_parcel,
                    r.compensation_waived,
                    r.collector_name,
                    r.anonymous,
                    f"{r.cancels.number}/{r.cancels.year}" if r.cancels else "",
                    r.cancel_reason,
                ]
                for r in receipts
            ],  # fmt: skip
        )
        _sheet(
            book,
            _("Spending"),
            (
                _("spent on"),
                _("what was paid for"),
                _("paid to"),
                _("supporting document"),
                _("Village"),
                _("amount (VND)"),
            ),  # fmt: skip
            [
                [
                    s.spent_on,
                    s.description,
                    s.payee,
                    s.document,
                    s.village.name if s.village else "",
                    s.amount,
                ]
                for s in spendings
            ],  # fmt: skip
        )
        buffer = io.BytesIO()
        book.save(buffer)
    return buffer.getvalue()


def _weasyprint() -> ModuleType:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango/HarfBuzz libraries not found
        raise DocumentUnavailable(str(error)) from error
    return weasyprint


def receipt_slip_html(receipt: Receipt) -> str:
    """The slip as HTML, always in Vietnamese (it is handed to the contributor)."""
    campaign = receipt.campaign
    with translation.override("vi"):
        return render_to_string(
            "contributions/documents/receipt.html",
            {
                "receipt": receipt,
                "campaign": campaign,
                "commune": campaign.commune,
                "kind_label": Kind(receipt.kind).label,
                "unit": unit_label(campaign, receipt.kind),
                "amount": vnd(receipt.amount),
            },
        )


def receipt_slip_pdf(receipt: Receipt) -> bytes:
    """The receipt slip as PDF bytes; nothing is fetched (only ``data:`` URLs)."""
    weasyprint = _weasyprint()
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    try:
        pdf = weasyprint.HTML(string=receipt_slip_html(receipt), url_fetcher=fetcher).write_pdf()
    except OSError as error:
        raise DocumentUnavailable(str(error)) from error
    assert isinstance(pdf, bytes)
    return pdf
