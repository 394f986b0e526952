"""``/api/v1/`` for contribution campaigns (Law 10/2022/QH15 Art. 11(5), 15(1)).

The campaigns and their ledgers are public (Art. 11(5): contributions mobilised from the people
are publicised): a token, a session or nobody may read them; anonymous contributors stay
anonymous there. The receipts with every name, and every write, are for those who keep the
books, through the permission layer in the services (another commune's rows answer 404).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from danchu.accounts.permissions import Action, require
from danchu.api.auth import actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.contributions import selectors, services
from danchu.contributions.models import Campaign, Pledge, Receipt, Spending
from danchu.contributions.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CancelIn,
    ExemptionIn,
    ExemptionOut,
    FiguresOut,
    FiguresParams,
    LedgerOut,
    PledgeIn,
    PledgeOut,
    ReceiptIn,
    ReceiptOut,
    ReceiptPage,
    SpendingIn,
    SpendingOut,
)
from danchu.core.errors import ApplicationError, NotFound, ValidationFailed
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI
from danchu.territory import selectors as territory
from danchu.territory.models import Household, Village
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["contributions"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])


class _Conflict(ApplicationError):
    """Refused because of the books' state (finished campaign, already cancelled): 409."""

    status = 409


@contextmanager
def _service() -> Iterator[None]:
    try:
        yield
    except ApplicationError as exc:
        if type(exc) is ApplicationError:
            raise _Conflict(exc.message, code=exc.code, fields=exc.fields) from exc
        raise


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


def _campaign_out(campaign: Campaign, code: str, village_ids: list[int]) -> dict[str, Any]:
    return {
        "id": campaign.pk, "commune_code": code, "title": campaign.title,
        "purpose": campaign.purpose, "serves": campaign.serves, "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on, "village_ids": village_ids, "level": campaign.level,
        "decision_id": campaign.decision_id, "level_per_household": campaign.level_per_household,
        "target_money": campaign.target_money, "target_land_m2": campaign.target_land_m2,
        "target_workdays": campaign.target_workdays, "material_name": campaign.material_name,
        "material_unit": campaign.material_unit, "target_materials": campaign.target_materials,
        "status": campaign.status,
    }  # fmt: skip


def _one_campaign_out(campaign: Campaign) -> dict[str, Any]:
    ids = list(campaign.villages.order_by("pk").values_list("pk", flat=True))
    return _campaign_out(campaign, campaign.commune.code, ids)


def _receipt_out(r: Receipt) -> dict[str, Any]:
    return {
        "id": r.pk, "campaign_id": r.campaign_id, "number": r.number, "year": r.year,
        "received_on": r.received_on, "contributor_kind": r.contributor_kind,
        "contributor_name": r.contributor_name, "household_id": r.household_id,
        "village_id": r.village_id, "anonymous": r.anonymous, "kind": r.kind,
        "amount": r.amount, "land_parcel": r.land_parcel,
        "compensation_waived": r.compensation_waived, "collector_name": r.collector_name,
        "cancels_id": r.cancels_id, "cancel_reason": r.cancel_reason,
    }  # fmt: skip


def _spending_out(s: Spending) -> dict[str, Any]:
    return {
        "id": s.pk, "spent_on": s.spent_on, "description": s.description, "payee": s.payee,
        "document": s.document, "amount": s.amount, "village_id": s.village_id,
    }  # fmt: skip


def _campaign(pk: int) -> Campaign:
    campaign = Campaign.objects.select_related("commune").filter(pk=pk).first()
    if campaign is None:
        raise _not_found()
    return campaign


# ---------------------------------------------------------------------------------------------
# Public reads


@router.get(
    "/communes/{code}/campaigns",
    response=with_errors({200: CampaignPage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="campaign_list",
)
def campaign_list(request: HttpRequest, page: Query[PageParams], code: str = CodePath) -> Any:
    """The commune's campaigns, newest first (public). Four queries whatever the size."""
    commune = territory.commune_public(code)
    qs = selectors.campaigns_public(commune).prefetch_related("villages")
    count, items = paginate(qs, page)
    return {
        "count": count,
        "items": [
            _campaign_out(c, commune.code, sorted(v.pk for v in c.villages.all())) for c in items
        ],
    }


@router.get(
    "/campaigns/{campaign_id}/ledger",
    response=with_errors({200: LedgerOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="campaign_ledger",
)
def campaign_ledger(request: HttpRequest, campaign_id: int = IdPath) -> Any:
    """The public ledger: progress against the targets, totals by village, contributors (the
    anonymous without name nor village), spending and the balance (Art. 11(5))."""
    campaign = _campaign(campaign_id)
    ledger = selectors.campaign_ledger(campaign)
    return {
        "campaign": _one_campaign_out(campaign),
        "progress": [
            {
                "kind": p.kind,
                "unit": p.unit,
                "target": p.target,
                "pledged": p.pledged,
                "received": p.received,
                "percent": p.percent,
            }
            for p in ledger.progress
        ],  # fmt: skip
        "villages": [{"village": v.name, "totals": v.totals} for v in ledger.villages],
        "contributors": [
            {
                "name": c.name,
                "contributor_kind": c.contributor_kind,
                "village": c.village_name,
                "anonymous": c.anonymous,
                "totals": c.totals,
                "land_compensation_waived": c.land_waived,
            }
            for c in ledger.contributors
        ],  # fmt: skip
        "spending": [_spending_out(s) for s in ledger.spendings],
        "money_received": ledger.money_received,
        "money_spent": ledger.money_spent,
        "balance": ledger.balance,
        "exemptions": ledger.exemptions,
    }


# ---------------------------------------------------------------------------------------------
# Officials


@router.post(
    "/communes/{code}/campaigns",
    response=with_errors({201: CampaignOut}),
    operation_id="campaign_create",
)
def campaign_create(request: HttpRequest, payload: CampaignIn, code: str = CodePath) -> Any:
    """Open a campaign. A compulsory level cites the adopted community decision (Art. 15(1)),
    or is refused with the article."""
    from danchu.decisions.models import Matter

    actor = actor_of(request)
    commune = territory.commune_public(code)
    require(actor, Action.CAMPAIGN_MANAGE, commune)
    villages = list(Village.objects.filter(commune=commune, pk__in=payload.village_ids))
    if len(villages) != len(set(payload.village_ids)):
        raise ValidationFailed(
            _("Please correct the errors below."),
            fields={"village_ids": [_("Choose active villages of this commune.")]},
        )
    decision = None
    if payload.decision_id is not None:
        decision = Matter.objects.filter(commune=commune, pk=payload.decision_id).first()
        if decision is None:
            raise ValidationFailed(
                _("Please correct the errors below."),
                fields={
                    "decision_id": [
                        _(
                            "Choose a community decision of this commune on contributions "
                            "(Art. 15(1))."
                        )
                    ]
                },  # noqa: E501
            )
    data = payload.dict(exclude={"village_ids", "decision_id"})
    with _service():
        try:
            campaign = services.campaign_create(
                actor=actor, commune=commune, villages=villages, decision=decision, **data
            )
        except ValidationFailed as exc:
            exc.fields = {
                ("decision_id" if k == "decision" else k): v for k, v in exc.fields.items()
            }
            exc.fields = {
                ("village_ids" if k == "villages" else k): v for k, v in exc.fields.items()
            }
            raise
    return Status(201, _one_campaign_out(campaign))


@router.post(
    "/campaigns/{campaign_id}/close",
    response=with_errors({200: CampaignOut}),
    operation_id="campaign_close",
)
def campaign_close(request: HttpRequest, campaign_id: int = IdPath) -> Any:
    """Finish the campaign: no more pledges or receipts."""
    actor = actor_of(request)
    campaign = selectors.campaign_for_actor(actor, campaign_id, Action.CAMPAIGN_MANAGE)
    with _service():
        campaign = services.campaign_close(actor=actor, campaign=campaign)
    return _one_campaign_out(campaign)


@router.get(
    "/campaigns/{campaign_id}/receipts",
    response=with_errors({200: ReceiptPage}),
    operation_id="receipt_list",
)
def receipt_list(request: HttpRequest, page: Query[PageParams], campaign_id: int = IdPath) -> Any:
    """The receipts with every name, in number order (a village head: their village's)."""
    actor = actor_of(request)
    campaign = selectors.campaign_for_actor(actor, campaign_id, Action.RECEIPT_VIEW)
    count, items = paginate(selectors.receipts_for_actor(actor, campaign), page)
    return {"count": count, "items": [_receipt_out(r) for r in items]}


def _contributor(campaign: Campaign, payload: Any) -> services.Contributor:
    household = village = None
    fields: dict[str, list[str]] = {}
    if payload.household_id is not None:
        household = (
            Household.objects.select_related("village")
            .filter(commune_id=campaign.commune_id, pk=payload.household_id)
            .first()
        )
        if household is None:
            fields["household_id"] = [_("Choose a household of this commune.")]
    if payload.village_id is not None:
        village = Village.objects.filter(
            commune_id=campaign.commune_id, pk=payload.village_id
        ).first()
        if village is None:
            fields["village_id"] = [_("Choose a village of this commune.")]
    if fields:
        raise ValidationFailed(_("Please correct the errors below."), fields=fields)
    return services.Contributor(
        kind=payload.contributor_kind, name=payload.contributor_name, household=household,
        village=village, anonymous=payload.anonymous,
    )  # fmt: skip


_RENAME = {"household": "household_id", "village": "village_id"}


@contextmanager
def _renamed() -> Iterator[None]:
    try:
        with _service():
            yield
    except ValidationFailed as exc:
        exc.fields = {_RENAME.get(k, k): v for k, v in exc.fields.items()}
        raise


@router.post(
    "/campaigns/{campaign_id}/receipts",
    response=with_errors({201: ReceiptOut}),
    operation_id="receipt_issue",
)
def receipt_issue(request: HttpRequest, payload: ReceiptIn, campaign_id: int = IdPath) -> Any:
    """Record a contribution received; it takes the next number of the campaign's year."""
    actor = actor_of(request)
    campaign = selectors.campaign_for_actor(actor, campaign_id, Action.RECEIPT_ISSUE)
    with _renamed():
        receipt = services.receipt_issue(
            actor=actor, campaign=campaign, contributor=_contributor(campaign, payload),
            kind=payload.kind, amount=payload.amount, received_on=payload.received_on,
            collector_name=payload.collector_name, land_parcel=payload.land_parcel,
            compensation_waived=payload.compensation_waived,
        )  # fmt: skip
    return Status(201, _receipt_out(receipt))


@router.post(
    "/campaigns/{campaign_id}/pledges",
    response=with_errors({201: PledgeOut}),
    operation_id="pledge_record",
)
def pledge_record(request: HttpRequest, payload: PledgeIn, campaign_id: int = IdPath) -> Any:
    """Record a promise to contribute."""
    actor = actor_of(request)
    campaign = selectors.campaign_for_actor(actor, campaign_id, Action.RECEIPT_ISSUE)
    with _renamed():
        pledge: Pledge = services.pledge_record(
            actor=actor, campaign=campaign, contributor=_contributor(campaign, payload),
            kind=payload.kind, amount=payload.amount, pledged_on=payload.pledged_on,
            land_parcel=payload.land_parcel, compensation_waived=payload.compensation_waived,
        )  # fmt: skip
    return Status(
        201,
        {
            "id": pledge.pk, "campaign_id": campaign.pk, "pledged_on": pledge.pledged_on,
            "contributor_kind": pledge.contributor_kind,
            "contributor_name": pledge.contributor_name, "village_id": pledge.village_id,
            "kind": pledge.kind, "amount": pledge.amount,
        },
    )  # fmt: skip


@router.post(
    "/receipts/{receipt_id}/cancel",
    response=with_errors({201: ReceiptOut}),
    operation_id="receipt_cancel",
)
def receipt_cancel(request: HttpRequest, payload: CancelIn, receipt_id: int = IdPath) -> Any:
    """Cancel a receipt by a reasoned counter-entry (the original is never edited)."""
    actor = actor_of(request)
    receipt = Receipt.objects.filter(pk=receipt_id).first()
    if receipt is None:
        raise _not_found()
    with _service():
        counter = services.receipt_cancel(actor=actor, receipt=receipt, reason=payload.reason)
    return Status(201, _receipt_out(counter))


@router.post(
    "/campaigns/{campaign_id}/spendings",
    response=with_errors({201: SpendingOut}),
    operation_id="spending_record",
)
def spending_record(request: HttpRequest, payload: SpendingIn, campaign_id: int = IdPath) -> Any:
    """Spend from the campaign's money: refused above the balance."""
    actor = actor_of(request)
    campaign = selectors.campaign_for_actor(actor, campaign_id, Action.SPENDING_RECORD)
    village = None
    if payload.village_id is not None:
        village = Village.objects.filter(
            commune_id=campaign.commune_id, pk=payload.village_id
        ).first()
        if village is None:
            raise ValidationFailed(
                _("Please correct the errors below."),
                fields={"village_id": [_("Choose a village of this commune.")]},
            )
    with _renamed():
        spending = services.spending_record(
            actor=actor, campaign=campaign, spent_on=payload.spent_on,
            description=payload.description, payee=payload.payee, document=payload.document,
            amount=payload.amount, village=village,
        )  # fmt: skip
    return Status(201, _spending_out(spending))


@router.post(
    "/campaigns/{campaign_id}/exemptions",
    response=with_errors({201: ExemptionOut}),
    operation_id="exemption_record",
)
def exemption_record(request: HttpRequest, payload: ExemptionIn, campaign_id: int = IdPath) -> Any:
    """Exempt a poor or policy household from the compulsory level, or reduce it, with the
    basis."""
    actor = actor_of(request)
    campaign = selectors.campaign_for_actor(actor, campaign_id, Action.RECEIPT_ISSUE)
    household = Household.objects.filter(
        commune_id=campaign.commune_id, pk=payload.household_id
    ).first()
    if household is None:
        raise ValidationFailed(
            _("Please correct the errors below."),
            fields={"household_id": [_("Choose a household of this commune.")]},
        )
    with _renamed():
        row = services.exemption_record(
            actor=actor, campaign=campaign, household=household, category=payload.category,
            basis=payload.basis, reduced_to=payload.reduced_to,
        )  # fmt: skip
    return Status(
        201,
        {
            "id": row.pk, "campaign_id": campaign.pk, "household_id": household.pk,
            "category": row.category, "basis": row.basis, "reduced_to": row.reduced_to,
        },
    )  # fmt: skip


def _figures_out(fig: selectors.ContributionFigures) -> dict[str, Any]:
    return {
        "level": fig.level, "unit_id": fig.unit_id, "name": fig.name,
        **fig.numbers(), "children": [_figures_out(c) for c in fig.children],
    }  # fmt: skip


@router.get(
    "/communes/{code}/contribution-figures",
    response=with_errors({200: FiguresOut}),
    operation_id="contribution_figures",
)
def contribution_figures(
    request: HttpRequest, params: Query[FiguresParams], code: str = CodePath
) -> Any:
    """The commune's contributions over a period, per village: exact integers that add up."""
    actor = actor_of(request)
    commune = territory.commune_public(code)
    require(actor, Action.CAMPAIGN_LIST, commune)
    if params.end < params.start:
        raise ValidationFailed(
            _("Please correct the errors below."),
            fields={"end": [_("The end cannot be before the start.")]},
        )
    return _figures_out(selectors.contribution_figures(commune, params.start, params.end))
