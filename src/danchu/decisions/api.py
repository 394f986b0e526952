"""The community-decisions router: matters put to the households, their villages, the sealed
tally, and a household representative's online vote (Law 10/2022/QH15 Art. 15–21).

Open and closed matters are public (Art. 11(6), 21: what the community decided is made
public): those reads accept a token, a session, or nobody. Drafts and cancelled matters are
the commune officials'. The counts are published only once the matter is closed and sealed:
while it is open, nobody — not even an official through this API — reads a running tally,
because a running count influences the vote.

Everything else goes through the permission layer in the services: another commune's rows
answer 404, one's own commune without the right 403.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from danchu.accounts.permissions import Action, can, require
from danchu.api.auth import ALONG, Along, actor_of
from danchu.api.schemas import MAX_PK, PageParams, paginate, with_errors
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.decisions import rules, selectors, services
from danchu.decisions.bulletin_views import bulletin_payload
from danchu.decisions.initiative_api import router as initiative_router
from danchu.decisions.models import Matter, MatterVillage, Option, Vote
from danchu.decisions.schemas import (
    BulletinOut,
    MatterDetailOut,
    MatterFilters,
    MatterIn,
    MatterOpenIn,
    MatterPage,
    MyVoteOut,
    TallyOut,
    TrackingCheckIn,
    TrackingCheckOut,
    VoteIn,
    form_labels,
    matter_out,
    my_vote_out,
    option_out,
    tally_out,
    type_labels,
)
from danchu.disclosure.api import PUBLIC, PUBLIC_OPENAPI
from danchu.territory import selectors as territory
from danchu.territory.models import Village
from danchu.territory.schemas import CODE_PATTERN

__all__ = ["router"]

router = Router(tags=["decisions"])

CodePath = Path(..., pattern=CODE_PATTERN, description="Official unit code.", examples=["18406"])
IdPath = Path(..., ge=1, le=MAX_PK, examples=[1])

# What anyone may read: a draft is being prepared; a cancelled matter was never put to a vote.
PUBLIC_STATUSES = (Matter.Status.OPEN, Matter.Status.CLOSED)


class _Refused(ApplicationError):
    """The law refuses what the request asks (a form, a notice too short, a team size): 422."""

    status = 422


class _Conflict(ApplicationError):
    """A refusal caused by the current state rather than the request: 409."""

    status = 409


# Plain refusals of the services that depend on the rows, not on the request.
_STATE_CODES = frozenset({"no_households", "not_eligible", "voting_closed"})


@contextmanager
def _service(rename: dict[str, str] | None = None) -> Iterator[None]:
    """Answer the services' refusals in the API's terms: field names as the API spells them
    (``option`` → ``option_id``); the law's refusals of the request as 422, state as 409."""
    try:
        yield
    except ValidationFailed as exc:
        if rename:
            exc.fields = {rename.get(k, k): v for k, v in exc.fields.items()}
        raise
    except ApplicationError as exc:
        if type(exc) is ApplicationError:
            kind = _Conflict if exc.code in _STATE_CODES else _Refused
            raise kind(exc.message, code=exc.code, fields=exc.fields) from exc
        raise


def _not_found() -> NotFound:
    return NotFound(_("Not found."), code="not_found")


def _villages_prefetch() -> Prefetch:
    rows = MatterVillage.objects.select_related("village").order_by("village__name", "id")
    return Prefetch("villages", queryset=rows)


def _visible(actor: Any, pk: int) -> tuple[Matter, bool]:
    """The matter ``actor`` may read, and whether they read it as an official.

    Officials of the commune (``matter.view``) read every status; everyone else reads open and
    closed matters, or gets 404.
    """
    matter = (
        Matter.objects.select_related("commune")
        .prefetch_related(_villages_prefetch())
        .filter(pk=pk)
        .first()
    )
    if matter is None:
        raise _not_found()
    if can(actor, Action.MATTER_VIEW, matter):
        return matter, True
    if matter.status not in PUBLIC_STATUSES:
        raise _not_found()
    return matter, False


def _detail(request: HttpRequest, matter: Matter) -> dict[str, Any]:
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    data = matter_out(
        matter, list(matter.villages.all()), commune_code=matter.commune.code,
        base=request.build_absolute_uri, types=type_labels(), forms=form_labels(),
    )  # fmt: skip
    rule, article = rules.rule_text(matter.matter_type)
    if matter.commune_wide:
        rule = f"{rule} {rules.commune_rule_text()}"
    data.update(
        description=matter.description,
        options=[option_out(o) for o in options],
        rule=rule,
        article=article,
        result_hash=matter.result_hash,
    )
    return data


def _reload(request: HttpRequest, pk: int) -> dict[str, Any]:
    matter = (
        Matter.objects.select_related("commune").prefetch_related(_villages_prefetch()).get(pk=pk)
    )
    return _detail(request, matter)


def _matter_village(actor: Any, pk: int) -> MatterVillage:
    """A village of a matter the actor may see (open or closed for the public): else 404."""
    # By primary key: the models' default orderings would join three more tables (P7).
    mv = (
        MatterVillage.objects.select_related("matter__commune", "village", "commune")
        .filter(pk=pk)
        .order_by("pk")
        .first()
    )
    if mv is None:
        raise _not_found()
    matter = mv.matter
    if matter.status not in PUBLIC_STATUSES and not can(actor, Action.MATTER_VIEW, matter):
        raise _not_found()
    return mv


def _own_household(actor: Any, mv: MatterVillage) -> Any:
    """The actor's household, if they represent a household of this village (Law 10/2022
    Art. 18(2), 19(3): the representative votes for the household); else 404 for another
    commune, 403 in one's own."""
    household = selectors.own_household(actor)
    if household is None or household.commune_id != mv.commune_id:
        require(actor, Action.VOTE_CAST, mv)  # 404 for another commune
        raise PermissionDenied(
            _("Only a household representative votes, for their own household."),
            code="forbidden",
        )
    require(actor, Action.VOTE_CAST, household)
    # A household that moved mid-vote still votes where it was at the opening (the snapshot).
    if household.village_id != mv.village_id and not _was_here(mv, household):
        raise PermissionDenied(_("Your household is not in this village."), code="forbidden")
    return household


def _was_here(mv: MatterVillage, household: Any) -> bool:
    return services.eligible_households(mv).filter(pk=household.pk).exists()


# ---------------------------------------------------------------------------------------------
# Public reads


@router.get(
    "/communes/{code}/matters",
    response=with_errors({200: MatterPage}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="matter_list",
)
def matter_list(
    request: HttpRequest,
    filters: Query[MatterFilters],
    page: Query[PageParams],
    code: str = CodePath,
) -> dict[str, Any]:
    """The commune's open and closed matters, newest first; its officials also see drafts and
    cancelled matters. Four queries whatever the size."""
    actor = actor_of(request)
    commune = territory.commune_public(code)
    official: QuerySet[Matter] = selectors.matter_list(actor=actor, commune=commune)
    qs = Matter.objects.filter(commune=commune).filter(
        Q(status__in=PUBLIC_STATUSES) | Q(pk__in=official.values("pk"))
    )
    if filters.village_id is not None:
        village = Village.objects.filter(commune=commune, pk=filters.village_id).first()
        if village is None:  # not a village of this commune: nothing is decided there
            return {"count": 0, "items": []}
        qs = qs.filter(villages__village=village)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    qs = qs.prefetch_related(_villages_prefetch()).order_by("-created_at", "-id")
    count, items = paginate(qs, page)
    base, types, forms = request.build_absolute_uri, type_labels(), form_labels()
    return {
        "count": count,
        "items": [
            matter_out(
                m,
                list(m.villages.all()),
                commune_code=commune.code,
                base=base,
                types=types,
                forms=forms,
            )  # fmt: skip
            for m in items
        ],
    }


@router.get(
    "/matters/{matter_id}",
    response=with_errors({200: MatterDetailOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="matter_get",
)
def matter_get(request: HttpRequest, matter_id: int = IdPath) -> Any:
    """An open or closed matter with its options and villages; the commune's officials also
    read drafts and cancelled matters."""
    matter, _official = _visible(actor_of(request), matter_id)
    return _detail(request, matter)


@router.get(
    "/matters/{matter_id}/tally",
    response=with_errors({200: TallyOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="matter_tally",
)
def matter_tally(request: HttpRequest, matter_id: int = IdPath) -> Any:
    """The sealed result of a closed matter: counts per village and option against all the
    village's households (Law 10/2022 Art. 21(1)), the outcome and its SHA-256.

    While the matter is open this answers 409: no running tally — a running count influences
    the vote. A draft answers 404 to the public.
    """
    matter, _official = _visible(actor_of(request), matter_id)
    if matter.status != Matter.Status.CLOSED:
        raise _Conflict(_("The counts are published once the vote is closed."), code="not_closed")
    outcome = selectors.matter_outcome(matter)
    options = list(Option.objects.filter(matter=matter).order_by("position"))
    matches = selectors.result_digest(outcome) == matter.result_hash
    return tally_out(outcome, options, hash_matches=matches)


def _secret(request: HttpRequest, matter_id: int) -> Matter:
    matter, _official = _visible(actor_of(request), matter_id)
    if not matter.secret:
        raise _not_found()
    return matter


@router.get(
    "/matters/{matter_id}/bulletin",
    response=with_errors({200: BulletinOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="matter_bulletin",
)
def matter_bulletin(request: HttpRequest, matter_id: int = IdPath) -> Any:
    """A closed secret ballot's bulletin: every counted choice by tracking-code digest, and the
    seal (the SHA-256 of ``canonical``, in the audit trail). 404 for a matter that is not a
    secret ballot; 409 while it is open (no running tally)."""
    matter = _secret(request, matter_id)
    if matter.status != Matter.Status.CLOSED:
        raise _Conflict(_("The counts are published once the vote is closed."), code="not_closed")
    return bulletin_payload(matter, selectors.bulletin(matter))


@router.post(
    "/matters/{matter_id}/bulletin/check",
    response=with_errors({200: TrackingCheckOut}),
    auth=PUBLIC,
    openapi_extra=PUBLIC_OPENAPI,
    operation_id="matter_bulletin_check",
)
def matter_bulletin_check(
    request: HttpRequest, payload: TrackingCheckIn, matter_id: int = IdPath
) -> Any:
    """Whether the ballot of this tracking code is counted, and its choice (open or closed).
    Nothing about any household: the code's holder alone knows whose ballot it is. A POST, so
    that the code stays out of URLs and access logs (which also hold the voter's address)."""
    matter = _secret(request, matter_id)
    digest = services.tracking_digest(matter.pk, payload.code)
    line = selectors.bulletin_lookup(matter, digest)
    return {
        "matter": matter.pk, "tracking_digest": digest, "counted": line is not None,
        "village_code": line.village_code if line else None,
        "option_id": line.option_id if line else None,
        "option": line.option_label if line else None,
        "option_ids": list(line.option_ids) if line else [],
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Officials: create, open, close


@router.post(
    "/communes/{code}/matters",
    response=with_errors({201: MatterDetailOut}),
    operation_id="matter_create",
)
def matter_create(request: HttpRequest, payload: MatterIn, code: str = CodePath) -> Any:
    """Put a matter to the households (a draft until it opens). A village head proposes for
    their village (Art. 16(2)); the chair a commune-wide contributions or finances matter
    (Art. 16(1), 21(1))."""
    actor = actor_of(request)
    commune = territory.commune_public(code)
    with _service():
        created = services.matter_create(
            actor=actor, commune=commune, matter_type=payload.matter_type, title=payload.title,
            question=payload.question, description=payload.description,
            village_ids=payload.village_ids, commune_wide=payload.commune_wide,
            candidates=payload.candidates, dismissal=payload.dismissal, secret=payload.secret,
        )  # fmt: skip
    return Status(201, _reload(request, created.pk))


def _managed(actor: Any, pk: int) -> Matter:
    return selectors.matter_get(actor=actor, pk=pk, action=Action.MATTER_MANAGE)


@router.post(
    "/matters/{matter_id}/open",
    response=with_errors({200: MatterDetailOut}),
    operation_id="matter_open",
)
def matter_open(request: HttpRequest, payload: MatterOpenIn, matter_id: int = IdPath) -> Any:
    """Open a draft: each village's form, dates and team; the total households are frozen now
    (Art. 21(1)). Refused with the article when the form, the notice or the team does not
    meet the law (Art. 17(2), 19(2); Decree 59/2023 Art. 3–6)."""
    actor = actor_of(request)
    matter = _managed(actor, matter_id)
    plans: dict[int, services.VillagePlan] = {}
    for plan in payload.plans:
        if plan.village_id in plans:
            raise ValidationFailed(
                _("Please correct the errors below."),
                fields={"plans": [_("Plan each village once.")]},
            )
        plans[plan.village_id] = services.VillagePlan(
            form=plan.form, notice_on=plan.notice_on, held_on=plan.held_on,
            closes_at=plan.closes_at, team=tuple(plan.team),
        )  # fmt: skip
    with _service():
        services.matter_open(
            actor=actor, matter=matter, plans=plans, form=payload.form,
            notice_on=payload.notice_on, held_on=payload.held_on, closes_at=payload.closes_at,
            team=tuple(payload.team),
        )  # fmt: skip
    return _reload(request, matter.pk)


@router.post(
    "/matters/{matter_id}/close",
    response=with_errors({200: MatterDetailOut}),
    operation_id="matter_close",
)
def matter_close(request: HttpRequest, matter_id: int = IdPath) -> Any:
    """Count and seal: each village against its frozen total households; the result's SHA-256
    is written to the matter and the audit trail. Refused (409) while counting is unfinished."""
    actor = actor_of(request)
    matter = _managed(actor, matter_id)
    with _service():
        services.matter_close(actor=actor, matter=matter)
    return _reload(request, matter.pk)


# ---------------------------------------------------------------------------------------------
# Household representatives: the online vote


@router.post(
    "/matter-villages/{matter_village_id}/vote",
    response=with_errors({200: MyVoteOut}),
    operation_id="vote_cast",
)
def vote_cast(request: HttpRequest, payload: VoteIn, matter_village_id: int = IdPath) -> Any:
    """Vote online for one's household (its representative); the choice may change until the
    vote closes. A household already counted another way: 409 ``already_voted`` (Law 10/2022
    Art. 19(3): one vote per household)."""
    # The matter village, its matter, the option and the household's vote in the service's
    # one read (quality bar P7); the checks answer as elsewhere: 404, 403, field error.
    along = getattr(request, "token_along", None)
    read = None
    if along is not None and list(along[0].params) == [payload.option_id, matter_village_id]:
        read = along[1]  # read with the token (_vote_along), for these very ids
    with _service(rename={"option": "option_id"}):
        mv, vote = services.vote_cast_by_id(
            actor=actor_of(request), matter_village_id=matter_village_id,
            option_id=payload.option_id, other_opinion=payload.other_opinion,
            tracking_code=payload.tracking_code, read=read,
        )  # fmt: skip
    return my_vote_out(mv, vote)


def _vote_along(request: HttpRequest) -> Along | None:
    """PostgreSQL: the vote's read rides along with the token's (``danchu.api.auth.ALONG``;
    one round trip fewer a vote, quality bar P7). Only for well-formed ids: anything else is
    read and answered as without it."""
    match = request.resolver_match
    if connection.vendor != "postgresql" or request.method != "POST" or match is None:
        return None
    try:
        matter_village_id = int(match.kwargs.get("matter_village_id", ""))
        option_id = json.loads(request.body)["option_id"]
    except (ValueError, TypeError, KeyError, IndexError, RecursionError):
        return None
    if type(option_id) is not int or not all(
        1 <= n <= MAX_PK for n in (option_id, matter_village_id)
    ):
        return None
    sql, params = services.vote_read_along(matter_village_id, option_id)
    return Along(sql, params)


ALONG["vote_cast"] = _vote_along


@router.get(
    "/matter-villages/{matter_village_id}/my-vote",
    response=with_errors({200: MyVoteOut}),
    operation_id="vote_mine",
)
def vote_mine(request: HttpRequest, matter_village_id: int = IdPath) -> Any:
    """The signed-in representative's own household's vote on this matter (whatever channel
    counted it), so that they can check it. Nobody else's choice is ever readable."""
    actor = actor_of(request)
    mv = _matter_village(actor, matter_village_id)
    household = _own_household(actor, mv)
    vote = Vote.objects.filter(matter_id=mv.matter_id, household=household).first()
    return my_vote_out(mv, vote)


# Citizen initiatives (Law 10/2022 Art. 16(3)) share this router's mount point.
router.add_router("", initiative_router)
