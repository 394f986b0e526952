"""Pages of contribution campaigns.

Public, without sign-in (Law 10/2022 Art. 11(5)): the commune's campaigns and each campaign's
ledger. Officials: the books as XLSX and a receipt's printable slip (PDF). Views only parse,
read through the selectors and render, in a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from danchu.accounts.permissions import Action, require
from danchu.contributions import documents, selectors
from danchu.contributions.models import Campaign, ContributorKind, Kind, Receipt, Spending
from danchu.core.errors import NotFound
from danchu.territory.models import AdministrativeUnit
from danchu.territory.selectors import commune_public
from danchu.web.views.common import paginate, permission_errors

__all__ = ["books_export", "public_ledger", "public_list", "receipt_slip"]


def _commune(code: str) -> AdministrativeUnit:
    try:
        return commune_public(code)
    except NotFound as error:
        raise Http404(error.message) from error


def _amount(value: int, kind: str) -> str:
    return documents.vnd(value) if kind == Kind.MONEY else f"{value:,}".replace(",", ".")


@require_safe
def public_list(request: HttpRequest, code: str) -> HttpResponse:
    commune = _commune(code)
    page_obj = paginate(request, selectors.campaigns_public(commune))
    return render(
        request, "contributions/public/list.html", {"commune": commune, "page_obj": page_obj}
    )


@require_safe
def public_ledger(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One campaign's public ledger, in a fixed number of queries whatever the receipts."""
    commune = _commune(code)
    campaign = Campaign.objects.select_related("decision").filter(commune=commune, pk=pk).first()
    if campaign is None:
        raise Http404
    ledger = selectors.campaign_ledger(campaign)
    kinds = [p.kind for p in ledger.progress]
    for p in ledger.progress:
        p.target_text = _amount(p.target, p.kind) if p.target else "—"  # type: ignore[attr-defined]
        p.pledged_text = _amount(p.pledged, p.kind)  # type: ignore[attr-defined]
        p.received_text = _amount(p.received, p.kind)  # type: ignore[attr-defined]
    labels = dict(ContributorKind.choices)
    context: dict[str, Any] = {
        "commune": commune,
        "campaign": campaign,
        "ledger": ledger,
        "progress": ledger.progress,
        "villages": list(campaign.villages.order_by("name")),
        "level_per_household": documents.vnd(campaign.level_per_household or 0),
        "money_received": documents.vnd(ledger.money_received),
        "money_spent": documents.vnd(ledger.money_spent),
        "balance": documents.vnd(ledger.balance),
        "village_rows": [
            {"name": v.name, "values": [_amount(v.totals.get(k, 0), k) for k in kinds]}
            for v in ledger.villages
        ],
        "contributor_rows": [
            {
                "name": c.name,
                "village": c.village_name,
                "land_waived": c.land_waived,
                "values": [_amount(c.totals.get(k, 0), k) for k in kinds],
            }
            for c in ledger.contributors
        ],
        "spending_rows": [{"row": s, "amount": documents.vnd(s.amount)} for s in ledger.spendings],
        "recognition": [
            {"label": labels[kind], "rows": rows} for kind, rows in ledger.recognition().items()
        ],
    }
    return render(request, "contributions/public/ledger.html", context)


@require_safe
@permission_errors
def books_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's books for the commune's accounts (with every name)."""
    campaign = selectors.campaign_for_actor(request.user, pk, Action.RECEIPT_VIEW)
    receipts = selectors.receipts_for_actor(request.user, campaign)
    spendings = Spending.objects.filter(campaign=campaign).select_related("village")
    content = documents.books_xlsx(
        campaign, selectors.campaign_ledger(campaign), receipts, spendings.order_by("spent_on")
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="so-dong-gop-{campaign.pk}.xlsx"'
    return response


@require_safe
@permission_errors
def receipt_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt's printable slip (PDF)."""
    receipt = (
        Receipt.objects.select_related("campaign__commune", "village", "cancels")
        .filter(pk=pk)
        .first()
    )
    if receipt is None:
        raise Http404
    require(request.user, Action.RECEIPT_VIEW, receipt)
    try:
        pdf = documents.receipt_slip_pdf(receipt)
    except documents.DocumentUnavailable:
        return HttpResponse(
            documents.receipt_slip_html(receipt), content_type="text/html; charset=utf-8"
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="bien-nhan-{receipt.number}-{receipt.year}.pdf"'
    )
    return response
