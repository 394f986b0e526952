"""Back office of contribution campaigns: open a campaign, record receipts and spending, cancel
a receipt by a counter-entry, finish the campaign (Law 10/2022 Art. 11(5), 15(1)).

Every view: parse a form → authorize through the permission layer → call a service → render.
Another commune's objects answer 404; a refusal becomes a form error with 400, never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danchu.accounts.permissions import Action, can, require, restrict
from danchu.contributions import selectors, services
from danchu.contributions.documents import vnd
from danchu.contributions.forms import CampaignForm, CancelForm, ReceiptForm, SpendingForm
from danchu.contributions.models import Campaign, Receipt
from danchu.core.errors import ApplicationError
from danchu.territory.models import Household, Village
from danchu.web.forms import add_application_error
from danchu.web.views.backoffice import backoffice_view
from danchu.web.views.common import commune_for, paginate

__all__ = ["campaign_books", "campaign_close", "campaign_list", "receipt_cancel"]


def _decisions(commune: Any) -> Any:
    from danchu.decisions.models import Matter
    from danchu.decisions.rules import MatterType

    # Closed contributions matters; the service checks that the one chosen was adopted.
    return Matter.objects.filter(
        commune=commune, matter_type=MatterType.CONTRIBUTIONS, status=Matter.Status.CLOSED
    ).order_by("-closed_at")


@backoffice_view
def campaign_list(request: HttpRequest, code: str) -> HttpResponse:
    """The commune's campaigns; the form to open one (``campaign.manage``)."""
    commune = commune_for(request, code, Action.CAMPAIGN_LIST)
    user = request.user
    may_create = can(user, Action.CAMPAIGN_MANAGE, commune)
    villages = Village.objects.filter(commune=commune, is_active=True).order_by("name", "pk")
    posted = request.method == "POST"
    form = CampaignForm(
        request.POST if posted else None, villages=villages, decisions=_decisions(commune)
    )
    status = 200
    if posted:
        require(user, Action.CAMPAIGN_MANAGE, commune)
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            for name in ("target_money", "target_land_m2", "target_workdays", "target_materials"):
                data[name] = data[name] or 0
            try:
                campaign = services.campaign_create(
                    actor=user, commune=commune, villages=list(data.pop("villages")), **data
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                return redirect("contributions:bo_books", pk=campaign.pk)
    page_obj = paginate(request, selectors.campaigns_for_actor(user, commune))
    context = {"commune": commune, "page_obj": page_obj, "form": form, "may_create": may_create}
    return render(request, "contributions/backoffice/list.html", context, status=status)


def _household(campaign: Campaign, code: str) -> Household | None:
    return (
        Household.objects.select_related("village")
        .filter(commune_id=campaign.commune_id, code=code.strip())
        .first()
    )


def _record_receipt(request: HttpRequest, campaign: Campaign, form: ReceiptForm) -> bool:
    data = form.cleaned_data
    household = None
    if data["household_code"]:
        household = _household(campaign, data["household_code"])
        if household is None:
            form.add_error("household_code", _("Choose a household of this commune."))
            return False
    who = services.Contributor(
        kind=data["contributor_kind"], name=data["contributor_name"], household=household,
        village=data["village"], anonymous=data["anonymous"],
    )  # fmt: skip
    try:
        receipt = services.receipt_issue(
            actor=request.user, campaign=campaign, contributor=who, kind=data["kind"],
            amount=data["amount"], received_on=data["received_on"],
            land_parcel=data["land_parcel"], compensation_waived=data["compensation_waived"],
        )  # fmt: skip
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(
        request, _("Receipt %(number)s recorded.") % {"number": f"{receipt.number}/{receipt.year}"}
    )
    return True


def _record_spending(request: HttpRequest, campaign: Campaign, form: SpendingForm) -> bool:
    try:
        services.spending_record(actor=request.user, campaign=campaign, **form.cleaned_data)
    except ApplicationError as error:
        add_application_error(form, error)
        return False
    messages.success(request, _("Spending recorded."))
    return True


@backoffice_view
def campaign_books(request: HttpRequest, pk: int) -> HttpResponse:
    """One campaign's books: the receipts (with every name), the forms to record a receipt or
    a spending. Queries do not grow with the receipts (one page)."""
    campaign = selectors.campaign_for_actor(request.user, pk, Action.RECEIPT_VIEW)
    user = request.user
    villages = restrict(
        Village.objects.filter(commune_id=campaign.commune_id, is_active=True),
        user,
        Action.RECEIPT_ISSUE,
    ).order_by("name", "pk")
    which = request.POST.get("form") if request.method == "POST" else None
    receipt_form = ReceiptForm(request.POST if which == "receipt" else None, villages=villages)
    spending_form = SpendingForm(request.POST if which == "spending" else None, villages=villages)
    status = 200
    if which == "receipt":
        require(user, Action.RECEIPT_ISSUE, campaign)
        if receipt_form.is_valid() and _record_receipt(request, campaign, receipt_form):
            return redirect("contributions:bo_books", pk=campaign.pk)
        status = 400
    elif which == "spending":
        require(user, Action.SPENDING_RECORD, campaign)
        if spending_form.is_valid() and _record_spending(request, campaign, spending_form):
            return redirect("contributions:bo_books", pk=campaign.pk)
        status = 400
    context = {
        "campaign": campaign,
        "commune": campaign.commune,
        "page_obj": paginate(request, selectors.receipts_for_actor(user, campaign)),
        "balance": vnd(services.campaign_balance(campaign)),
        "receipt_form": receipt_form,
        "spending_form": spending_form,
        "cancel_form": CancelForm(),
        "may_issue": can(user, Action.RECEIPT_ISSUE, campaign) and campaign.status == "open",
        "may_spend": can(user, Action.SPENDING_RECORD, campaign),
        "may_close": can(user, Action.CAMPAIGN_MANAGE, campaign) and campaign.status == "open",
    }
    return render(request, "contributions/backoffice/books.html", context, status=status)


@require_POST
@backoffice_view
def receipt_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a receipt by a reasoned counter-entry."""
    receipt = Receipt.objects.filter(pk=pk).select_related("campaign").first()
    if receipt is None:
        from django.http import Http404

        raise Http404
    require(request.user, Action.RECEIPT_ISSUE, receipt)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the cancellation."))
    else:
        try:
            counter = services.receipt_cancel(
                actor=request.user, receipt=receipt, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Receipt cancelled by counter-entry %(number)s.")
                % {"number": f"{counter.number}/{counter.year}"},
            )
    return redirect("contributions:bo_books", pk=receipt.campaign_id)


@require_POST
@backoffice_view
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_for_actor(request.user, pk, Action.CAMPAIGN_MANAGE)
    try:
        services.campaign_close(actor=request.user, campaign=campaign)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The campaign is finished."))
    return redirect("contributions:bo_books", pk=campaign.pk)
