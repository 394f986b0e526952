"""Citizen initiatives (sáng kiến của công dân): Law 10/2022/QH15 Art. 16(3); for a convention
(hương ước, quy ước) also Decree 61/2023/NĐ-CP Art. 7(3).

A resident proposes an Art. 15 matter for the village they live in. Households consent — online
by their representative, or on paper or at a meeting, entered by the village head or a commune
official — and each consent counts for 3 months. With the valid consent of at least 10% of all
households of the village the initiative goes to the community; below that, the Front working
committee may still let it go forward.

States: ``collecting`` → ``reached`` (10% of valid consents, or the Front's approval), after
which the village head puts it to the community as a :class:`~danchu.decisions.models.Matter`;
``collecting``/``reached`` → ``withdrawn`` by the proposer while no matter was opened from it.
Every write takes the initiative's row lock first, so a consent cannot slip in after a
withdrawal and two consents of one household cannot both be inserted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.models import Role
from danchu.accounts.permissions import Action, can, grants_for, require
from danchu.core import audit
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.text import normalize_spaces
from danchu.decisions import rules
from danchu.decisions.models import Consent, Initiative, Matter
from danchu.decisions.rules import MatterType, Refusal
from danchu.territory.models import AdministrativeUnit, Household, Resident, Village

__all__ = [
    "InitiativeProgress",
    "consent_give",
    "consent_list",
    "consent_of_actor",
    "initiative_check",
    "initiative_create",
    "initiative_front_approve",
    "initiative_get",
    "initiative_list",
    "initiative_progress",
    "initiative_withdraw",
]

ARTICLE = "Luật 10/2022 Điều 16(3)"
CONVENTION_ARTICLE = "Luật 10/2022 Điều 16(3); Nghị định 61/2023 Điều 7(3)"
# Lengths the pages, API and documents are laid out for (the title is the model's).
TITLE_MAX, PROPOSAL_MAX, NOTE_MAX = 300, 20000, 2000
# Control characters break the feeds and the XML of DOCX; line breaks stay in texts.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Who may let an initiative below 10% go forward (Art. 16(3): the village Front working
# committee). No Action of the permission table fits, so the role is checked here: a Front
# officer of the commune, or the commune chair.
FRONT_ROLES = frozenset({Role.FRONT_OFFICER, Role.COMMUNE_CHAIR})


def _today() -> date:
    """The commune's today (Asia/Ho_Chi_Minh); one seam for the tests."""
    return timezone.localdate()


def _article(matter_type: int) -> str:
    return CONVENTION_ARTICLE if matter_type == MatterType.CONVENTION else ARTICLE


# --- permission helpers ----------------------------------------------------------------------


def _is_superuser(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False))


def _sees_commune(actor: Any, commune: AdministrativeUnit) -> bool:
    """Whether the commune exists for the actor (403 inside it, 404 outside), as in
    :func:`danchu.accounts.permissions.require`."""
    if _is_superuser(actor):
        return True
    for grant in grants_for(actor):
        if grant.commune_id is not None and grant.commune_id == commune.pk:
            return True
        if grant.role == Role.PROVINCE_READER and grant.province_id == commune.parent_id:
            return True
    return False


def _deny(actor: Any, commune: AdministrativeUnit) -> ApplicationError:
    if _sees_commune(actor, commune):
        return PermissionDenied(_("You are not allowed to do this."), code="forbidden")
    return NotFound(_("Not found."), code="not_found")


def _is_proposer(actor: Any, initiative: Initiative) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_active", False)
        and actor.pk == initiative.proposer_id
    )


def _front_may_approve(actor: Any, initiative: Initiative) -> bool:
    if _is_superuser(actor):
        return True
    return any(
        grant.role in FRONT_ROLES and grant.commune_id == initiative.commune_id
        for grant in grants_for(actor)
    )


def _lock(initiative: Initiative) -> Initiative:
    """The initiative's row, locked for the rest of the transaction (PostgreSQL; SQLite's
    IMMEDIATE transactions serialise writers anyway)."""
    return Initiative.objects.select_for_update().select_related("commune").get(pk=initiative.pk)


# --- validation helpers ----------------------------------------------------------------------


def _fail(fields: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(_("Please correct the errors below."), code="invalid", fields=fields)


def _text_error(value: str, limit: int) -> str | None:
    if _CONTROL.search(value):
        return _("Remove the invisible control characters from this text.")
    if len(value) > limit:
        return _("At most %(limit)s characters.") % {"limit": limit}
    return None


def _not_collecting(initiative: Initiative) -> ApplicationError:
    if initiative.status == Initiative.Status.WITHDRAWN:
        message = _("The proposer has withdrawn this initiative.")
    else:
        message = _("This initiative already goes to the community.")
    return ApplicationError(message, code="initiative_not_collecting")


# --- reads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeProgress:
    """Where an initiative stands on a day against Art. 16(3)'s 10% of all households."""

    on: date
    total_households: int
    valid_consents: int
    needed: int
    reached: bool
    earliest_expiry: date | None  # the first valid consent to lapse, if any

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.valid_consents)


def initiative_progress(initiative: Initiative, on: date | None = None) -> InitiativeProgress:
    """Count the valid consents on ``on`` (default today) against the village's households now.

    Two queries. A consent counts from the day it was given to its ``valid_until`` inclusive
    (Law 10/2022 Art. 16(3): valid 3 months; see :func:`rules.consent_valid_until`), and only
    while its household still lives in the initiative's village, so that the consents counted
    are a part of the households counted.
    """
    on = on or _today()
    total = Household.objects.filter(village_id=initiative.village_id).count()
    row = Consent.objects.filter(
        initiative=initiative,
        household__village_id=initiative.village_id,
        given_on__lte=on,
        valid_until__gte=on,
    ).aggregate(n=Count("id"), earliest=Min("valid_until"))
    valid = int(row["n"] or 0)
    # Art. 16(3): at least 10% — the smallest n with n × 10 ≥ total (integer arithmetic). An
    # empty village can never reach it, hence at least one.
    needed = max(1, -(-total // 10))
    return InitiativeProgress(
        on=on,
        total_households=total,
        valid_consents=valid,
        needed=needed,
        reached=rules.consent_reaches_community(valid, total),
        earliest_expiry=row["earliest"],
    )


def initiative_list(
    *, commune: AdministrativeUnit, village: Village | None = None, status: str | None = None
) -> QuerySet[Initiative]:
    """A commune's initiatives, newest first. Public, like the matters: what is proposed to
    the community is the community's to see; which households consented is not (see
    :func:`consent_list`)."""
    queryset = Initiative.objects.filter(commune=commune).select_related("village")
    if village is not None:
        queryset = queryset.filter(village=village)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def initiative_get(*, commune: AdministrativeUnit, pk: int) -> Initiative:
    """One initiative of the commune, or 404 (missing and another commune's look the same)."""
    initiative = Initiative.objects.filter(commune=commune, pk=pk).select_related("village").first()
    if initiative is None:
        raise NotFound(_("Not found."), code="not_found")
    return initiative


def consent_list(*, actor: Any, initiative: Initiative) -> QuerySet[Consent]:
    """The households that consented, for those who answer for the list: the proposer (Art.
    16(3) makes them responsible for the count and the list), the village head and commune
    officials (HOUSEHOLD_LIST on the village) and the Front officers who may approve it."""
    village = initiative.village
    if not (
        _is_proposer(actor, initiative)
        or can(actor, Action.HOUSEHOLD_LIST, village)
        or _front_may_approve(actor, initiative)
    ):
        raise _deny(actor, initiative.commune)
    return (
        Consent.objects.filter(initiative=initiative)
        .select_related("household")
        .order_by("household__code", "id")
    )


def consent_of_actor(*, actor: Any, initiative: Initiative) -> Consent | None:
    """The consent of the actor's own household, to show "you consented until …"."""
    resident_id = getattr(actor, "resident_id", None)
    if resident_id is None:
        return None
    household_id = (
        Resident.objects.filter(pk=resident_id).values_list("household_id", flat=True).first()
    )
    if household_id is None:
        return None
    return Consent.objects.filter(initiative=initiative, household_id=household_id).first()


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def initiative_create(
    *, actor: Any, village: Village, matter_type: int, title: str, proposal: str
) -> Initiative:
    """A resident proposes an Art. 15 matter to their village's community (Art. 16(3))."""
    commune = village.commune
    require(actor, Action.INITIATIVE_CREATE, commune)
    errors: dict[str, list[str]] = {}
    if not village.is_active:
        errors["village"] = [_("Choose an active village of the commune.")]
    else:
        resident_id = getattr(actor, "resident_id", None)
        if resident_id is not None:
            # Art. 16(3): a resident proposes to the community they belong to.
            home = (
                Resident.objects.filter(pk=resident_id)
                .values_list("household__village_id", flat=True)
                .first()
            )
            if home != village.pk:
                errors["village"] = [_("You can propose an initiative only for your own village.")]
    try:
        kind = int(matter_type)
    except (TypeError, ValueError):
        kind = 0
    if kind not in MatterType.values:
        errors["matter_type"] = [_("Choose a matter of Law 10/2022 Art. 15 (clauses 1 to 6).")]
    title = normalize_spaces(title)
    proposal = (proposal or "").strip()
    if not title:
        errors["title"] = [_("Give the initiative a title.")]
    elif problem := _text_error(title, TITLE_MAX):
        errors["title"] = [problem]
    if not proposal:
        errors["proposal"] = [_("Describe what you propose to the community.")]
    elif problem := _text_error(proposal, PROPOSAL_MAX):
        errors["proposal"] = [problem]
    if errors:
        raise _fail(errors)
    initiative = Initiative.objects.create(
        commune=commune,
        village=village,
        matter_type=kind,
        title=title,
        proposal=proposal,
        proposer=actor,
    )
    audit.record(
        actor=actor,
        action="decisions.initiative_create",
        obj=initiative,
        commune_id=commune.pk,
        after={
            "village_id": village.pk,
            "matter_type": kind,
            "title": title,
            "status": "collecting",
        },
    )
    return initiative


def _reach_if_due(initiative: Initiative) -> InitiativeProgress:
    """Art. 16(3): with the valid consent of 10% of households the initiative goes to the
    community. The caller holds the row lock and writes the audit entry."""
    progress = initiative_progress(initiative)
    if initiative.status == Initiative.Status.COLLECTING and progress.reached:
        initiative.status = Initiative.Status.REACHED
        initiative.reached_at = timezone.now()
        initiative.save(update_fields=["status", "reached_at"])
    return progress


@transaction.atomic
def consent_give(
    *, actor: Any, initiative: Initiative, household: Household, given_on: date | None = None
) -> Consent:
    """Record a household's consent, or renew it (one row per household).

    The household representative consents for their own household, dated today. The village
    head or a commune official enters a consent collected on paper or at a meeting (Art. 16(3):
    "at a meeting, in writing by the household representatives or in another suitable form"),
    with the day it was given.
    """
    # There is no MatterVillage yet to ask MATTER_MANAGE of: the right to keep this household's
    # record (HOUSEHOLD_UPDATE — officials of the commune, the head of the household's village)
    # stands for "may record a consent collected for this household".
    records_for_others = can(actor, Action.HOUSEHOLD_UPDATE, household)
    if not records_for_others:
        require(actor, Action.CONSENT_GIVE, household)
    if household.commune_id != initiative.commune_id and not _sees_commune(
        actor, initiative.commune
    ):
        raise NotFound(_("Not found."), code="not_found")
    initiative = _lock(initiative)
    if initiative.status != Initiative.Status.COLLECTING:
        raise _not_collecting(initiative)
    article = _article(initiative.matter_type)
    today = _today()
    errors: dict[str, list[str]] = {}
    if household.village_id != initiative.village_id:
        errors["household"] = [_("Only households of the initiative's village can consent to it.")]
    if given_on is None:
        given_on = today
    if isinstance(given_on, datetime) or not isinstance(given_on, date):
        errors["given_on"] = [_("Enter the day the consent was given.")]
    elif given_on > today:
        errors["given_on"] = [_("The day the consent was given cannot be in the future.")]
    elif rules.consent_valid_until(given_on) < today:
        # Art. 16(3): a consent counts for 3 months; an older one has lapsed already.
        message = _("A consent counts for 3 months; one given on that day has already lapsed.")
        errors["given_on"] = [str(Refusal(message, article))]
    elif given_on != today and not records_for_others:
        errors["given_on"] = [_("A consent given online is dated the day it is given.")]
    if errors:
        raise _fail(errors)
    valid_until = rules.consent_valid_until(given_on)
    consent = Consent.objects.filter(initiative=initiative, household=household).first()
    before: dict[str, Any] | None = None
    if consent is None:
        consent = Consent.objects.create(
            commune_id=initiative.commune_id,
            initiative=initiative,
            household=household,
            given_on=given_on,
            valid_until=valid_until,
            recorded_by=actor,
        )
    elif given_on > consent.given_on:
        # A household consenting again renews its consent: its 3 months start again.
        before = {"given_on": consent.given_on, "valid_until": consent.valid_until}
        consent.given_on, consent.valid_until, consent.recorded_by = given_on, valid_until, actor
        consent.save(update_fields=["given_on", "valid_until", "recorded_by"])
    else:
        # The same or an older consent than the one on file: it changes nothing (an older
        # date must not shorten a consent that is still running).
        return consent
    progress = _reach_if_due(initiative)
    # One entry for the request; it says when this consent made the initiative reach 10%.
    audit.record(
        actor=actor,
        action="decisions.consent_give",
        obj=consent,
        commune_id=initiative.commune_id,
        before=before,
        after={
            "initiative_id": initiative.pk,
            "household_id": household.pk,
            "given_on": given_on,
            "valid_until": valid_until,
            "initiative_status": initiative.status,
            "valid_consents": progress.valid_consents,
            "total_households": progress.total_households,
        },
    )
    return consent


@transaction.atomic
def initiative_check(*, actor: Any = None, initiative: Initiative) -> Initiative:
    """Apply Art. 16(3) now: with the valid consent of at least 10% of all households the
    initiative goes to the community (status ``reached``); expired consents do not count.

    ``actor`` None is the system (a periodic sweep); otherwise the proposer, the village head,
    a commune official, or those who may approve for the Front.
    """
    if actor is not None and not (
        _is_proposer(actor, initiative)
        or can(actor, Action.MATTER_CREATE, initiative.village)
        or _front_may_approve(actor, initiative)
    ):
        raise _deny(actor, initiative.commune)
    initiative = _lock(initiative)
    if initiative.status != Initiative.Status.COLLECTING:
        return initiative
    progress = _reach_if_due(initiative)
    if initiative.status == Initiative.Status.REACHED:
        audit.record(
            actor=actor,
            action="decisions.initiative_reach",
            obj=initiative,
            commune_id=initiative.commune_id,
            before={"status": "collecting"},
            after={
                "status": "reached",
                "basis": "consents",
                "valid_consents": progress.valid_consents,
                "total_households": progress.total_households,
            },
        )
    return initiative


@transaction.atomic
def initiative_front_approve(*, actor: Any, initiative: Initiative, note: str) -> Initiative:
    """Art. 16(3): below 10% of households, the village Front working committee may still let
    the initiative go to the community. Recorded by a Front officer of the commune or by the
    commune chair, with the committee's reasons."""
    if not _front_may_approve(actor, initiative):
        raise _deny(actor, initiative.commune)
    initiative = _lock(initiative)
    if initiative.status != Initiative.Status.COLLECTING:
        raise _not_collecting(initiative)
    note = (note or "").strip()
    if not note:
        raise _fail({"note": [_("Give the Front working committee's reasons.")]})
    if problem := _text_error(note, NOTE_MAX):
        raise _fail({"note": [problem]})
    progress = initiative_progress(initiative)
    # The consents may have reached 10% meanwhile: then that is the basis.
    basis = "consents" if progress.reached else "front_approval"
    initiative.status = (
        Initiative.Status.REACHED if progress.reached else Initiative.Status.FRONT_APPROVED
    )
    initiative.reached_at = timezone.now()
    initiative.front_note = note
    initiative.front_approved_by = actor
    initiative.save(update_fields=["status", "reached_at", "front_note", "front_approved_by"])
    audit.record(
        actor=actor,
        action="decisions.initiative_front_approve",
        obj=initiative,
        commune_id=initiative.commune_id,
        before={"status": "collecting"},
        after={
            "status": initiative.status,
            "basis": basis,
            "note": note,
            "valid_consents": progress.valid_consents,
            "needed": progress.needed,
            "total_households": progress.total_households,
        },
    )
    return initiative


@transaction.atomic
def initiative_withdraw(*, actor: Any, initiative: Initiative) -> Initiative:
    """The proposer withdraws the initiative, as long as no matter was opened from it."""
    if not _is_proposer(actor, initiative):
        raise _deny(actor, initiative.commune)
    initiative = _lock(initiative)
    if initiative.status == Initiative.Status.WITHDRAWN:
        raise _not_collecting(initiative)
    if Matter.objects.filter(initiative_id=initiative.pk).exists():
        raise ApplicationError(
            _("The initiative is already before the community; it can no longer be withdrawn."),
            code="initiative_has_matter",
        )
    before = initiative.status
    initiative.status = Initiative.Status.WITHDRAWN
    initiative.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="decisions.initiative_withdraw",
        obj=initiative,
        commune_id=initiative.commune_id,
        before={"status": before},
        after={"status": "withdrawn"},
    )
    return initiative
