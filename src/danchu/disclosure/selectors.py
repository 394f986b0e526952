"""Reads of the disclosure register, shared by the pages, the API, the exports and the reports.

Public reads (what the commune has published) need no actor: the law makes them public. The
back office's reads go through the permission layer (``restrict`` / ``get_for_actor``).
Compliance is computed from the publishing records with :mod:`danchu.disclosure.rules`, for
many versions at once in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, get_for_actor, require, restrict
from danchu.core.errors import NotFound
from danchu.core.search import search_folded
from danchu.disclosure.models import (
    Attachment,
    Disclosure,
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
    VersionVillage,
)
from danchu.disclosure.rules import (
    Channel,
    Evaluation,
    Outcome,
    Requirement,
    Span,
    evaluate,
    requirements,
)
from danchu.disclosure.services import request_on_time
from danchu.territory.models import AdministrativeUnit, CommuneProfile, Village

__all__ = [
    "Compliance",
    "DisclosureFigures",
    "RequirementStatus",
    "compliance_for",
    "disclosure_figures",
    "disclosure_get",
    "disclosure_get_public",
    "disclosure_list",
    "disclosure_list_public",
    "information_request_get",
    "information_request_list",
    "quarter_bounds",
    "quarterly_register",
    "version_get_public",
    "village_register",
]


# ---------------------------------------------------------------------------------------------
# Public reads


def _published(commune: AdministrativeUnit) -> QuerySet[Disclosure]:
    # The status alone: the database guarantees a published disclosure has its version.
    return Disclosure.objects.filter(commune=commune, status=Disclosure.Status.PUBLISHED)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def disclosure_list_public(
    commune: AdministrativeUnit,
    *,
    category: int | None = None,
    village: Village | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    query: str | None = None,
) -> QuerySet[Disclosure]:
    """The commune's published disclosures, newest first, filtered; one query per page."""
    found = _published(commune)
    if category:
        found = found.filter(category=category)
    if village is not None:
        in_scope = VersionVillage.objects.filter(village=village).values("version_id")
        found = found.filter(Q(all_villages=True) | Q(public_version_id__in=in_scope))
    # Dates beyond the calendar (0001-01-01, 9999-12-31) mean "no bound", never an overflow.
    if date_from is not None and date_from > date.min + timedelta(days=1):
        found = found.filter(published_at__gte=_day_start(date_from))
    if date_to is not None and date_to < date.max - timedelta(days=1):
        found = found.filter(published_at__lt=_day_start(date_to + timedelta(days=1)))
    found = search_folded(found, "search_folded", query)
    return found.select_related("public_version").order_by("-published_at", "-id")


def disclosure_get_public(commune: AdministrativeUnit, pk: int) -> Disclosure:
    disclosure = (
        _published(commune).select_related("public_version", "commune__parent").filter(pk=pk)
    ).first()
    if disclosure is None:
        raise NotFound(_("Not found."), code="not_found")
    return disclosure


def version_get_public(disclosure: Disclosure, number: int) -> DisclosureVersion:
    """A published version of a published disclosure (old versions stay readable)."""
    version = (
        DisclosureVersion.objects.filter(
            disclosure=disclosure, number=number, published_at__isnull=False
        )
        .prefetch_related(_attachments())
        .first()
    )
    if version is None:
        raise NotFound(_("Not found."), code="not_found")
    return version


def _attachments() -> Prefetch:
    return Prefetch(
        "attachments", queryset=Attachment.objects.filter(kind=Attachment.Kind.DOCUMENT)
    )


def published_versions(disclosure: Disclosure) -> QuerySet[DisclosureVersion]:
    return DisclosureVersion.objects.filter(
        disclosure=disclosure, published_at__isnull=False
    ).order_by("-number")


# ---------------------------------------------------------------------------------------------
# Back office reads


def disclosure_list(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    status: str | None = None,
    category: int | None = None,
    query: str | None = None,
) -> QuerySet[Disclosure]:
    found = restrict(Disclosure.objects.filter(commune=commune), actor, Action.DISCLOSURE_LIST)
    if status:
        found = found.filter(status=status)
    if category:
        found = found.filter(category=category)
    found = search_folded(found, "search_folded", query)
    return found.select_related("current_version", "public_version").order_by("-created_at", "-id")


def disclosure_get(*, actor: Any, pk: int, action: Action = Action.DISCLOSURE_VIEW) -> Disclosure:
    return get_for_actor(
        Disclosure.objects.select_related("current_version", "public_version", "commune"),
        actor,
        action,
        pk=pk,
    )


# ---------------------------------------------------------------------------------------------
# Compliance with Art. 13


@dataclass
class RequirementStatus:
    """One required channel at one place, with the acts recorded for it and the verdict."""

    requirement: Requirement
    village: Village | None
    evaluation: Evaluation
    records: list[PublishingRecord] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        return self.evaluation.outcome

    @property
    def channel_label(self) -> str:
        return str(Channel(self.requirement.channel).label)


@dataclass
class Compliance:
    """Where one version stands against the law's channels."""

    version: DisclosureVersion
    statuses: list[RequirementStatus]
    extra_records: list[PublishingRecord]  # acts on channels the law does not require

    @property
    def judged(self) -> list[RequirementStatus]:
        # Pending and running duties are not failures yet.
        return [s for s in self.statuses if s.outcome not in (Outcome.PENDING, Outcome.RUNNING)]

    @property
    def done(self) -> int:
        return sum(1 for s in self.statuses if s.outcome.is_done)

    @property
    def problems(self) -> int:
        return sum(1 for s in self.statuses if s.outcome.is_problem)

    @property
    def on_time(self) -> bool | None:
        """Published within the deadline on every required channel; None while still due."""
        if any(s.evaluation.first_started_on is None for s in self.statuses):
            return False if any(s.outcome == Outcome.MISSING for s in self.statuses) else None
        return not any(s.evaluation.late for s in self.statuses)

    @property
    def complete(self) -> bool:
        return all(s.outcome.is_done for s in self.statuses)


def _scope_villages(
    versions: Sequence[DisclosureVersion],
) -> tuple[dict[int, list[int]], dict[int, Village]]:
    """Village ids in each version's scope, and the villages by id (two queries)."""
    communes = {v.commune_id for v in versions}
    villages = {
        v.pk: v
        for v in Village.objects.filter(commune_id__in=communes).only(
            "id", "name", "commune_id", "is_active", "code"
        )
    }
    chosen: dict[int, list[int]] = defaultdict(list)
    for row in VersionVillage.objects.filter(version__in=versions).values_list(
        "version_id", "village_id"
    ):
        chosen[row[0]].append(row[1])
    scope: dict[int, list[int]] = {}
    for version in versions:
        if version.all_villages:
            scope[version.pk] = sorted(
                pk for pk, v in villages.items()
                if v.commune_id == version.commune_id and v.is_active
            )  # fmt: skip
        else:
            scope[version.pk] = sorted(chosen.get(version.pk, []))
    return scope, villages


def _closed_on(versions: Sequence[DisclosureVersion]) -> dict[int, date]:
    """The day each version stopped being the one to publish: the next version's publication
    (Art. 14) or the disclosure's withdrawal. Two queries."""
    disclosure_ids = {v.disclosure_id for v in versions}
    published: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for disclosure_id, number, at in DisclosureVersion.objects.filter(
        disclosure_id__in=disclosure_ids, published_at__isnull=False
    ).values_list("disclosure_id", "number", "published_at"):
        published[disclosure_id].append((number, timezone.localtime(at).date()))
    withdrawn = {
        pk: timezone.localtime(at).date()
        for pk, at in Disclosure.objects.filter(
            pk__in=disclosure_ids, withdrawn_at__isnull=False
        ).values_list("pk", "withdrawn_at")
    }
    closed: dict[int, date] = {}
    for version in versions:
        later = [day for number, day in published[version.disclosure_id] if number > version.number]
        candidates = later + (
            [withdrawn[version.disclosure_id]] if version.disclosure_id in withdrawn else []
        )
        if candidates:
            closed[version.pk] = min(candidates)
    return closed


def compliance_for(
    versions: Iterable[DisclosureVersion], *, today: date | None = None
) -> dict[int, Compliance]:
    """The compliance of each version (by version id), in four queries whatever the count."""
    versions = list(versions)
    if not versions:
        return {}
    today = today or timezone.localdate()
    scope, villages = _scope_villages(versions)
    closed = _closed_on(versions)
    # Law 10/2022 Art. 13(3): the loudspeaker "if the commune has one" (the commune's profile).
    silent = set(
        CommuneProfile.objects.filter(
            commune_id__in={v.commune_id for v in versions}, has_loudspeaker=False
        ).values_list("commune_id", flat=True)
    )
    records: dict[int, list[PublishingRecord]] = defaultdict(list)
    for record in (
        PublishingRecord.objects.filter(version__in=versions)
        .prefetch_related("proofs")
        .order_by("started_on", "id")
    ):
        records[record.version_id].append(record)
    result: dict[int, Compliance] = {}
    for version in versions:
        mine = records.get(version.pk, [])
        statuses = []
        keys = set()
        duties = requirements(
            version.category, scope[version.pk], has_loudspeaker=version.commune_id not in silent
        )
        for requirement in duties:
            keys.add(requirement.key)
            acts = [r for r in mine if (r.channel, r.village_id) == requirement.key]
            spans = [Span(r.started_on, r.ended_on) for r in acts]
            evaluation = evaluate(
                requirement, spans, deadline=version.deadline, today=today,
                closed_on=closed.get(version.pk),
            )  # fmt: skip
            village = villages.get(requirement.village_id) if requirement.village_id else None
            statuses.append(RequirementStatus(requirement, village, evaluation, acts))
        extra = [r for r in mine if (r.channel, r.village_id) not in keys]
        result[version.pk] = Compliance(version, statuses, extra)
    return result


def village_register(
    *, actor: Any, commune: AdministrativeUnit, village: Village, today: date | None = None
) -> list[tuple[Disclosure, list[RequirementStatus]]]:
    """Per village: each published disclosure in its scope, with this village's duties."""
    disclosures = list(
        disclosure_list(actor=actor, commune=commune, status=Disclosure.Status.PUBLISHED)
        .filter(public_version__isnull=False)
        .filter(
            Q(all_villages=True)
            | Q(
                public_version_id__in=VersionVillage.objects.filter(village=village).values(
                    "version_id"
                )
            )
        )
    )
    versions = [d.public_version for d in disclosures if d.public_version is not None]
    found = compliance_for(versions, today=today)
    rows = []
    for disclosure in disclosures:
        assert disclosure.public_version is not None
        statuses = [
            s for s in found[disclosure.public_version.pk].statuses
            if s.requirement.village_id == village.pk
        ]  # fmt: skip
        rows.append((disclosure, statuses))
    return rows


# ---------------------------------------------------------------------------------------------
# The quarterly register (Law 10/2022 Art. 13(2)) and the figures for reports


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    if not 1 <= quarter <= 4:
        raise ValueError("quarter must be 1–4")
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return first, last


@dataclass
class RegisterRow:
    """One line of the quarterly register: an item, its forms and dates of publication."""

    number: int
    version: DisclosureVersion
    compliance: Compliance
    records: list[PublishingRecord]


def quarterly_register(
    *, actor: Any, commune: AdministrativeUnit, year: int, quarter: int, today: date | None = None
) -> list[RegisterRow]:
    """What was publicised in the quarter (Art. 13(2)): every version with an act of
    publishing that overlaps the quarter, with the form and dates of each act."""
    first, last = quarter_bounds(year, quarter)
    require(actor, Action.DISCLOSURE_EXPORT, commune)
    overlapping = PublishingRecord.objects.filter(commune=commune, started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    versions = list(
        DisclosureVersion.objects.filter(
            commune=commune, pk__in=overlapping.values("version_id")
        ).order_by("published_at", "id")
    )
    found = compliance_for(versions, today=today)
    rows = []
    for number, version in enumerate(versions, start=1):
        compliance = found[version.pk]
        acts = [r for s in compliance.statuses for r in s.records] + compliance.extra_records
        acts = [
            r for r in acts if r.started_on <= last and (r.ended_on is None or r.ended_on >= first)
        ]
        acts.sort(key=lambda r: (r.started_on, r.channel, r.village_id or 0))
        rows.append(RegisterRow(number, version, compliance, acts))
    return rows


@dataclass(frozen=True)
class DisclosureFigures:
    """Per commune and period, for the reports (issue: figures this must produce)."""

    disclosures_made: int  # versions whose duty started in the period
    judged: int  # of them, those whose deadline has passed
    on_time: int  # of the judged, published on time on every required channel
    requirements_judged: int
    requirements_done: int
    requests_received: int
    requests_answered: int
    requests_answered_on_time: int
    requests_overdue: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    @property
    def channel_compliance_rate(self) -> float | None:
        if not self.requirements_judged:
            return None
        return self.requirements_done / self.requirements_judged


def disclosure_figures(
    commune: AdministrativeUnit, first: date, last: date, *, today: date | None = None
) -> DisclosureFigures:
    """The register's figures for ``first``–``last`` (inclusive). Used by the reports."""
    today = today or timezone.localdate()
    versions = list(
        DisclosureVersion.objects.filter(
            commune=commune, published_at__isnull=False, duty_starts_on__range=(first, last)
        )
    )
    found = compliance_for(versions, today=today)
    judged = [c for c in found.values() if c.version.deadline < today]
    on_time = sum(1 for c in judged if c.on_time)
    statuses = [s for c in found.values() for s in c.judged]
    requests = InformationRequest.objects.filter(
        commune=commune, received_at__gte=_day_start(first),
        received_at__lt=_day_start(last + timedelta(days=1)),
    )  # fmt: skip
    answered = list(requests.filter(status=InformationRequest.Status.ANSWERED))
    overdue = requests.filter(status=InformationRequest.Status.OPEN, due_on__lt=today).count()
    return DisclosureFigures(
        disclosures_made=len(versions),
        judged=len(judged),
        on_time=on_time,
        requirements_judged=len(statuses),
        requirements_done=sum(1 for s in statuses if s.outcome.is_done),
        requests_received=requests.count(),
        requests_answered=len(answered),
        requests_answered_on_time=sum(1 for r in answered if request_on_time(r)),
        requests_overdue=overdue,
    )


# ---------------------------------------------------------------------------------------------
# Information requests


def information_request_list(
    *, actor: Any, commune: AdministrativeUnit, status: str | None = None
) -> QuerySet[InformationRequest]:
    """Officials see the commune's requests; a resident sees their own."""
    found = restrict(
        InformationRequest.objects.filter(commune=commune), actor, Action.INFO_REQUEST_LIST
    )
    if status:
        found = found.filter(status=status)
    return found.select_related("requester", "disclosure__public_version").order_by("due_on", "-id")


def information_request_get(
    *, actor: Any, pk: int, action: Action = Action.INFO_REQUEST_VIEW
) -> InformationRequest:
    return get_for_actor(
        InformationRequest.objects.select_related("requester", "commune", "answered_by"),
        actor,
        action,
        pk=pk,
    )


def counts_by_status(commune: AdministrativeUnit) -> dict[str, int]:
    rows = Disclosure.objects.filter(commune=commune).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}
