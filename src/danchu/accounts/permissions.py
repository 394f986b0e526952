"""The one permission layer: what each role may do, and where.

Every page, API endpoint, export and background task asks here — :func:`can` for one object,
:func:`restrict` to scope a queryset, :func:`get_for_actor` for "this object, if you may".
Default deny. Another commune's object answers 404 (it does not exist for you); your own
commune's object without the right role answers 403.

The policy is data: ``POLICY[role][action] = scope``. A role acting in its scope may do the
action on objects inside it: a commune role on its commune, a village role on its village, a
household representative on their own household, a province reader on the communes of their
province. Tests iterate over this table (accounts/tests/test_permission_matrix.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.models import Role, RoleAssignment
from danchu.core.errors import NotFound, PermissionDenied

__all__ = [
    "POLICY",
    "Action",
    "Grant",
    "Scope",
    "can",
    "grants_for",
    "get_for_actor",
    "require",
    "restrict",
    "scope_of",
]

M = TypeVar("M", bound=Model)


class Action(StrEnum):
    """Everything a person can ask to do, named ``<resource>.<verb>``."""

    VILLAGE_LIST = "village.list"
    VILLAGE_VIEW = "village.view"
    VILLAGE_CREATE = "village.create"
    VILLAGE_UPDATE = "village.update"
    VILLAGE_DELETE = "village.delete"  # merge/deactivate: villages are never deleted
    HOUSEHOLD_LIST = "household.list"
    HOUSEHOLD_VIEW = "household.view"
    HOUSEHOLD_CREATE = "household.create"
    HOUSEHOLD_UPDATE = "household.update"
    HOUSEHOLD_DELETE = "household.delete"
    HOUSEHOLD_IMPORT = "household.import"
    HOUSEHOLD_EXPORT = "household.export"
    RESIDENT_LIST = "resident.list"
    RESIDENT_VIEW = "resident.view"
    RESIDENT_VIEW_PERSONAL = "resident.view_personal"  # unmasked citizen ID and phone
    RESIDENT_UPDATE = "resident.update"
    SLIP_ISSUE = "slip.issue"
    ROLE_MANAGE = "role.manage"
    AUDIT_VIEW = "audit.view"
    COMMUNE_SETTINGS = "commune.settings"
    CALENDAR_MANAGE = "calendar.manage"
    BACKOFFICE_ENTER = "backoffice.enter"
    # Dân biết — the disclosure register (Law 10/2022 Art. 11–14). Reading what is published
    # needs no permission: these are the register's back office and its writes.
    DISCLOSURE_LIST = "disclosure.list"  # drafts and the compliance register
    DISCLOSURE_VIEW = "disclosure.view"
    DISCLOSURE_CREATE = "disclosure.create"
    DISCLOSURE_UPDATE = "disclosure.update"
    DISCLOSURE_PUBLISH = "disclosure.publish"
    DISCLOSURE_EXPORT = "disclosure.export"  # the quarterly register (Art. 13(2))
    PUBLISHING_RECORD_CREATE = "publishing_record.create"
    PUBLISHING_RECORD_UPDATE = "publishing_record.update"
    INFO_REQUEST_CREATE = "info_request.create"
    INFO_REQUEST_LIST = "info_request.list"
    INFO_REQUEST_VIEW = "info_request.view"
    INFO_REQUEST_ANSWER = "info_request.answer"
    # Dân bàn và quyết định — community decisions (Law 10/2022 Art. 15–24).
    MATTER_LIST = "matter.list"
    MATTER_VIEW = "matter.view"
    MATTER_CREATE = "matter.create"  # a village's matter, asked of the village (Art. 16(2))
    MATTER_COMMUNE_WIDE = "matter.commune_wide"  # the commune chair's (Art. 16(1))
    MATTER_MANAGE = "matter.manage"  # open, notice, meeting, ballots, close — per village
    BALLOT_ENTER = "ballot.enter"  # the counting committee's entries (double entry)
    VOTE_CAST = "vote.cast"  # a household representative, for their household
    INITIATIVE_CREATE = "initiative.create"  # a resident proposes (Art. 16(3))
    CONSENT_GIVE = "consent.give"  # a household representative consents
    # Citizens' requests (Law 10/2022 Art. 32–35)
    PETITION_REQUEST_LIST = "petition_request.list"  # queues, figures, exports (no identity)
    PETITION_REQUEST_VIEW = "petition_request.view"
    PETITION_REQUEST_KEY_IN = "petition_request.key_in"  # by phone, post or at reception
    PETITION_REQUEST_HANDLE = "petition_request.handle"  # classify, accept, answer, forward…
    PETITION_REQUEST_VIEW_CONTACT = "petition_request.view_contact"  # not of a denouncer
    # Luật Tố cáo Art. 8(3), 47, 56: the head of the body (the commune chair) and the assigned
    # handler see a denouncer's identity; the handler's right comes from the assignment.
    PETITION_REQUEST_VIEW_DENOUNCER = "petition_request.view_denouncer"

    # Reception, dialogues, mediation (Luật Tiếp công dân 2013 Art. 15; Law 10/2022 Art. 32;
    # Luật Hòa giải ở cơ sở 2013). Reading the schedule, the dialogues and the figures is public.
    RECEPTION_MANAGE = "reception.manage"  # the schedule, slots, bookings list, visitor records
    DIALOGUE_MANAGE = "dialogue.manage"  # conferences, answers, commitments
    DIALOGUE_ASK = "dialogue.ask"  # a resident asks a question and supports others'
    MEDIATION_TEAM_MANAGE = "mediation.team_manage"  # the commune chair sets the teams (Art. 12)
    MEDIATION_CASE_VIEW = "mediation.case_view"  # the logbook with the parties' private data
    MEDIATION_CASE_MANAGE = "mediation.case_manage"  # record, assign, sessions, outcome
    # Dân làm — contribution campaigns (Law 10/2022 Art. 11(5), 15(1)–(2)). The ledger is public.
    CAMPAIGN_LIST = "campaign.list"  # the back office's campaigns and figures
    CAMPAIGN_MANAGE = "campaign.manage"  # open and close a campaign
    RECEIPT_ISSUE = "receipt.issue"  # pledges, receipts, counter-entries, exemptions
    RECEIPT_VIEW = "receipt.view"  # receipts with every name (also anonymous), slips, export
    SPENDING_RECORD = "spending.record"
    # Dân kiểm tra, dân giám sát — oversight boards (Law 10/2022 Art. 30–45).
    BOARD_VIEW = "board.view"  # the boards' back office: members, plans, inspections, concerns
    BOARD_MANAGE = "board.manage"  # the Front: elections' outcome, recognition, composition
    BOARD_WORK = "board.work"  # a board's own work: plans, inspections, findings, concerns
    SUPERVISED_WORK_VIEW = "supervised_work.view"
    SUPERVISED_WORK_MANAGE = "supervised_work.manage"  # the work's data, schedule, documents
    RECOMMENDATION_CREATE = "recommendation.create"  # a board's recommendation
    RECOMMENDATION_ANSWER = "recommendation.answer"  # the commune People's Committee answers
    RECOMMENDATION_CLOSE = "recommendation.close"  # the board follows up until closed
    # Dân tham gia ý kiến — consultations (Law 10/2022 Art. 25–29). Reading what is published
    # needs no permission: these are the back office, the official's writes and the resident's.
    CONSULTATION_LIST = "consultation.list"  # drafts and every consultation's progress
    CONSULTATION_VIEW = "consultation.view"  # the opinions with their authors
    CONSULTATION_CREATE = "consultation.create"
    CONSULTATION_MANAGE = "consultation.manage"  # publish, close, synthesis, decision, Art. 27
    OPINION_ENTER = "opinion.enter"  # an opinion received on paper or at a meeting
    OPINION_SUBMIT = "opinion.submit"  # a resident's own opinion on the web
    # Opinion map — statements residents agree / disagree / pass on (Law 10/2022 Art. 25–26).
    STATEMENT_PROPOSE = "statement.propose"  # a resident proposes; an official moderates
    STATEMENT_VOTE = "statement.vote"
    STATEMENT_MODERATE = "statement.moderate"  # seed, accept, moderate out
    # Chỉ đạo, sơ kết, tổng kết — steering and reviews (Law 10/2022 Art. 91–92: the People's
    # Committees direct, inspect and review the implementation). Public indicators need none.
    INDICATOR_VIEW_RESTRICTED = "indicator.view_restricted"  # the non-public indicators
    REVIEW_VIEW = "review.view"  # review reports, drafts included
    REVIEW_WRITE = "review.write"  # create a draft review, write its narrative sections
    REVIEW_ISSUE = "review.issue"  # number, sign and freeze a review (the head signs)
    STEERING_VIEW = "steering.view"  # steering plans and key tasks
    STEERING_MANAGE = "steering.manage"  # plans, key tasks and their assignment
    TASK_REPORT = "task.report"  # progress and evidence on a key task assigned to the unit
    EMULATION_VIEW = "emulation.view"  # emulation rounds, scores and awards
    EMULATION_MANAGE = "emulation.manage"  # criteria, weights, ranking, awards


class Scope(StrEnum):
    PROVINCE = "province"  # every commune of the role's province
    COMMUNE = "commune"  # the role's commune
    VILLAGE = "village"  # the role's village
    HOUSEHOLD = "household"  # the person's own household
    PERSON = "person"  # the person's own rows (their information requests)


A = Action
_OFFICIAL_READ = {
    A.VILLAGE_LIST, A.VILLAGE_VIEW, A.HOUSEHOLD_LIST, A.HOUSEHOLD_VIEW, A.RESIDENT_LIST,
    A.RESIDENT_VIEW, A.BACKOFFICE_ENTER,
}  # fmt: skip
_OFFICIAL_WRITE = {
    A.VILLAGE_CREATE, A.VILLAGE_UPDATE, A.VILLAGE_DELETE, A.HOUSEHOLD_CREATE, A.HOUSEHOLD_UPDATE,
    A.HOUSEHOLD_DELETE, A.HOUSEHOLD_IMPORT, A.HOUSEHOLD_EXPORT, A.RESIDENT_UPDATE,
    A.RESIDENT_VIEW_PERSONAL, A.SLIP_ISSUE, A.AUDIT_VIEW,
}  # fmt: skip
# The commune government publicises (Law 10/2022 Art. 14(1)): officials keep the register.
_DISCLOSURE_READ = {A.DISCLOSURE_LIST, A.DISCLOSURE_VIEW}
_DISCLOSURE_WRITE = {
    A.DISCLOSURE_CREATE, A.DISCLOSURE_UPDATE, A.DISCLOSURE_PUBLISH, A.DISCLOSURE_EXPORT,
    A.PUBLISHING_RECORD_CREATE, A.PUBLISHING_RECORD_UPDATE, A.INFO_REQUEST_LIST,
    A.INFO_REQUEST_VIEW, A.INFO_REQUEST_ANSWER,
}  # fmt: skip
# Officials and village heads run the community's decisions; the chair opens commune-wide ones.
_DECISIONS = {
    A.MATTER_LIST, A.MATTER_VIEW, A.MATTER_CREATE, A.MATTER_MANAGE, A.BALLOT_ENTER,
}  # fmt: skip
# Citizens' requests: officials receive and handle them; the chair is the head who may see a
# denouncer. The inspection board supervises their settlement (Law 10/2022 Art. 35; content only).
_PETITIONS_READ = {A.PETITION_REQUEST_LIST, A.PETITION_REQUEST_VIEW}
_PETITIONS_WORK = _PETITIONS_READ | {
    A.PETITION_REQUEST_KEY_IN, A.PETITION_REQUEST_HANDLE, A.PETITION_REQUEST_VIEW_CONTACT,
}  # fmt: skip
# Dân làm — contribution campaigns: the commune government runs them and keeps the books;
# village heads collect in their village; the Front and the boards follow them (Art. 35).
_CONTRIBUTIONS = {
    A.CAMPAIGN_LIST, A.CAMPAIGN_MANAGE, A.RECEIPT_ISSUE, A.RECEIPT_VIEW, A.SPENDING_RECORD,
}  # fmt: skip
_CONTRIBUTIONS_COLLECT = {A.CAMPAIGN_LIST, A.RECEIPT_ISSUE, A.RECEIPT_VIEW}
# Dân tham gia ý kiến — consultations: the commune government consults and answers (Art. 28);
# village heads and the Front collect opinions at meetings (Art. 26(1)) and enter them.
_CONSULTATION_READ = {A.CONSULTATION_LIST, A.CONSULTATION_VIEW}
_CONSULTATION_WRITE = {A.CONSULTATION_CREATE, A.CONSULTATION_MANAGE, A.OPINION_ENTER}
# Opinion map: residents give opinions on drafts (Art. 25–26) by proposing and voting on
# statements; officials seed and moderate them.
_MAP_PARTICIPATE = {A.STATEMENT_PROPOSE: Scope.COMMUNE, A.STATEMENT_VOTE: Scope.COMMUNE}
# Residents ask for information (Art. 14) and follow their own requests.
_RESIDENT_REQUESTS = {
    A.INFO_REQUEST_CREATE: Scope.COMMUNE,
    A.INFO_REQUEST_LIST: Scope.PERSON,
    A.INFO_REQUEST_VIEW: Scope.PERSON,
}


# Dân kiểm tra, dân giám sát — oversight boards
# Everyone who takes part reads the boards' back office; the Front composes the boards
# (Art. 36, 41; Decree 59 Art. 13, 17), the boards do their work (Art. 38–39, 43) and the
# commune People's Committee keeps the works' data and answers recommendations (Art. 40(1), 45(2)).
_OVERSIGHT_READ = {A.BOARD_VIEW, A.SUPERVISED_WORK_VIEW}
_OVERSIGHT: dict[Role, set[Action]] = {
    Role.COMMUNE_CHAIR: _OVERSIGHT_READ | {A.SUPERVISED_WORK_MANAGE, A.RECOMMENDATION_ANSWER},
    Role.COMMUNE_OFFICIAL: _OVERSIGHT_READ | {A.SUPERVISED_WORK_MANAGE, A.RECOMMENDATION_ANSWER},
    Role.FRONT_OFFICER: _OVERSIGHT_READ | {A.BOARD_MANAGE},
    Role.INSPECTION_BOARD: _OVERSIGHT_READ
    | {A.BOARD_WORK, A.RECOMMENDATION_CREATE, A.RECOMMENDATION_CLOSE},
    Role.SUPERVISION_BOARD: _OVERSIGHT_READ
    | {A.BOARD_WORK, A.RECOMMENDATION_CREATE, A.RECOMMENDATION_CLOSE},
    Role.PROVINCE_READER: _OVERSIGHT_READ,
}


def _at(scope: Scope, actions: set[Action]) -> dict[Action, Scope]:
    return dict.fromkeys(actions, scope)


POLICY: dict[Role, dict[Action, Scope]] = {
    # The chair runs the commune: everything an official does, plus roles and settings.
    Role.COMMUNE_CHAIR: _at(
        Scope.COMMUNE,
        _OFFICIAL_READ
        | _OFFICIAL_WRITE
        | _DISCLOSURE_READ
        | _DISCLOSURE_WRITE
        | _DECISIONS
        | _PETITIONS_WORK
        | {A.PETITION_REQUEST_VIEW_DENOUNCER}
        | _CONTRIBUTIONS
        | {A.ROLE_MANAGE, A.COMMUNE_SETTINGS, A.CALENDAR_MANAGE, A.MATTER_COMMUNE_WIDE}
        | _OVERSIGHT[Role.COMMUNE_CHAIR]
        | _CONSULTATION_READ
        | _CONSULTATION_WRITE
        | {A.STATEMENT_MODERATE},
    ),
    # Officials enter the commune's working-day adjustments (the province's or the
    # government's yearly decisions) because they count the deadlines.
    Role.COMMUNE_OFFICIAL: _at(
        Scope.COMMUNE,
        _OFFICIAL_READ
        | _OFFICIAL_WRITE
        | _DISCLOSURE_READ
        | _DISCLOSURE_WRITE
        | _DECISIONS
        | _PETITIONS_WORK
        | _CONTRIBUTIONS
        | {A.CALENDAR_MANAGE}
        | _OVERSIGHT[Role.COMMUNE_OFFICIAL]
        | _CONSULTATION_READ
        | _CONSULTATION_WRITE
        | {A.CALENDAR_MANAGE, A.STATEMENT_MODERATE},
    ),
    # A village head keeps the village's household list and hands out sign-in slips; posts
    # notices at the village point and relays them (Law 10/2022 Art. 13(2), (4)).
    Role.VILLAGE_HEAD: _at(
        Scope.VILLAGE,
        _OFFICIAL_READ
        | _DISCLOSURE_READ
        | {A.HOUSEHOLD_UPDATE, A.RESIDENT_UPDATE, A.SLIP_ISSUE, A.HOUSEHOLD_EXPORT}
        | {A.PUBLISHING_RECORD_CREATE, A.PUBLISHING_RECORD_UPDATE}
        | _DECISIONS
        | _CONTRIBUTIONS_COLLECT
        | {A.OPINION_ENTER},
    ),
    # The Front and the boards see the commune's structure, not personal data. The Front
    # supervises the publicity results (Art. 14(4)); the inspection board too (Art. 35).
    Role.FRONT_OFFICER: _at(
        Scope.COMMUNE,
        {A.VILLAGE_LIST, A.VILLAGE_VIEW, A.HOUSEHOLD_LIST, A.BACKOFFICE_ENTER, A.DISCLOSURE_EXPORT}
        | _DISCLOSURE_READ
        | {A.MATTER_LIST, A.MATTER_VIEW, A.CAMPAIGN_LIST}
        | _OVERSIGHT[Role.FRONT_OFFICER]
        | _CONSULTATION_READ
        | {A.OPINION_ENTER},
    ),
    Role.INSPECTION_BOARD: _at(
        Scope.COMMUNE,
        {A.VILLAGE_LIST, A.VILLAGE_VIEW, A.BACKOFFICE_ENTER, A.AUDIT_VIEW, A.DISCLOSURE_EXPORT}
        | _DISCLOSURE_READ
        | _PETITIONS_READ
        | {A.CAMPAIGN_LIST}
        | _OVERSIGHT[Role.INSPECTION_BOARD],
    ),
    Role.SUPERVISION_BOARD: _at(
        Scope.COMMUNE,
        {A.VILLAGE_LIST, A.VILLAGE_VIEW, A.BACKOFFICE_ENTER, A.CAMPAIGN_LIST}
        | _OVERSIGHT[Role.SUPERVISION_BOARD],
    ),
    Role.MEDIATOR: _at(Scope.VILLAGE, {A.VILLAGE_LIST, A.VILLAGE_VIEW, A.HOUSEHOLD_LIST}),
    Role.HOUSEHOLD_REPRESENTATIVE: {
        A.VILLAGE_LIST: Scope.COMMUNE,
        A.VILLAGE_VIEW: Scope.COMMUNE,
        A.HOUSEHOLD_VIEW: Scope.HOUSEHOLD,
        A.RESIDENT_LIST: Scope.HOUSEHOLD,
        A.RESIDENT_VIEW: Scope.HOUSEHOLD,
        **_RESIDENT_REQUESTS,
        # Law 10/2022 Art. 18(2), 19(3): the representative votes for the household.
        A.VOTE_CAST: Scope.HOUSEHOLD,
        A.CONSENT_GIVE: Scope.HOUSEHOLD,
        A.INITIATIVE_CREATE: Scope.COMMUNE,
        A.OPINION_SUBMIT: Scope.COMMUNE,
        **_MAP_PARTICIPATE,
    },
    Role.RESIDENT: {
        A.VILLAGE_LIST: Scope.COMMUNE,
        A.VILLAGE_VIEW: Scope.COMMUNE,
        A.HOUSEHOLD_VIEW: Scope.HOUSEHOLD,
        **_RESIDENT_REQUESTS,
        # Art. 16(3): any resident may propose a matter to the community.
        A.INITIATIVE_CREATE: Scope.COMMUNE,
        # Art. 25: residents give opinions on the commune's drafts.
        A.OPINION_SUBMIT: Scope.COMMUNE,
        **_MAP_PARTICIPATE,
    },
    # Steering readers above the commune read figures and structure, never personal data.
    Role.PROVINCE_READER: _at(
        Scope.PROVINCE,
        {A.VILLAGE_LIST, A.VILLAGE_VIEW, A.HOUSEHOLD_LIST, A.BACKOFFICE_ENTER, A.DISCLOSURE_EXPORT}
        | _DISCLOSURE_READ
        | {A.CAMPAIGN_LIST}
        | _OVERSIGHT[Role.PROVINCE_READER],
    ),
}


# Reception, dialogues, mediation: officials run the reception and the dialogues; the parties'
# private information in mediation is seen only by the team (mediators of its village) and the
# commune officials (Luật Hòa giải ở cơ sở Art. 4(3)); residents ask dialogue questions.
_COMMUNITY_OFFICIAL = {
    A.RECEPTION_MANAGE, A.DIALOGUE_MANAGE, A.MEDIATION_TEAM_MANAGE, A.MEDIATION_CASE_VIEW,
    A.MEDIATION_CASE_MANAGE,
}  # fmt: skip
for _role in (Role.COMMUNE_CHAIR, Role.COMMUNE_OFFICIAL):
    POLICY[_role].update(_at(Scope.COMMUNE, _COMMUNITY_OFFICIAL))
POLICY[Role.MEDIATOR].update(
    _at(Scope.VILLAGE, {A.BACKOFFICE_ENTER, A.MEDIATION_CASE_VIEW, A.MEDIATION_CASE_MANAGE})
)
for _role in (Role.RESIDENT, Role.HOUSEHOLD_REPRESENTATIVE):
    POLICY[_role][A.DIALOGUE_ASK] = Scope.COMMUNE

# Steering and reviews: the commune People's Committee reviews its implementation and the chair
# signs the report (Decree 30/2020 Art. 13); the Front sits on the steering committee and
# reports on its tasks; village heads report on tasks given to their village. Above the commune,
# the province steering committee reviews, plans and awards for its communes — never with
# personal data, which none of these actions reveal.
_REVIEW_READ = {A.INDICATOR_VIEW_RESTRICTED, A.REVIEW_VIEW, A.STEERING_VIEW, A.EMULATION_VIEW}
_REVIEW_WORK = _REVIEW_READ | {
    A.REVIEW_WRITE, A.STEERING_MANAGE, A.TASK_REPORT, A.EMULATION_MANAGE,
}  # fmt: skip
POLICY[Role.COMMUNE_CHAIR].update(_at(Scope.COMMUNE, _REVIEW_WORK | {A.REVIEW_ISSUE}))
POLICY[Role.COMMUNE_OFFICIAL].update(_at(Scope.COMMUNE, _REVIEW_WORK))
POLICY[Role.FRONT_OFFICER].update(_at(Scope.COMMUNE, _REVIEW_READ | {A.TASK_REPORT}))
POLICY[Role.INSPECTION_BOARD].update(_at(Scope.COMMUNE, {A.REVIEW_VIEW, A.STEERING_VIEW}))
POLICY[Role.VILLAGE_HEAD].update(_at(Scope.VILLAGE, {A.STEERING_VIEW, A.TASK_REPORT}))
POLICY[Role.PROVINCE_READER].update(_at(Scope.PROVINCE, _REVIEW_WORK | {A.REVIEW_ISSUE}))


@dataclass(frozen=True)
class Grant:
    """One active role assignment reduced to the ids its scopes need."""

    role: Role
    province_id: int | None
    commune_id: int | None
    village_id: int | None
    household_id: int | None
    user_id: int | None = None


@dataclass(frozen=True)
class Target:
    """Where an object sits: the ids a scope compares with."""

    province_id: int | None
    commune_id: int | None
    village_id: int | None
    household_id: int | None
    person_id: int | None = None
    # False for commune-wide objects (the commune itself, its profile, its audit entries): a
    # village role then acts on them as a container whose rows ``restrict`` narrows to its village.
    village_scoped: bool = True


# How to find each scope id on a model's rows: model label → {scope: lookup path}.
SCOPE_PATHS: dict[str, dict[str, str]] = {
    "territory.administrativeunit": {"province": "parent_id", "commune": "id"},
    "territory.communeprofile": {"province": "commune__parent_id", "commune": "commune_id"},
    "territory.village": {
        "province": "commune__parent_id", "commune": "commune_id", "village": "id",
    },
    "territory.household": {
        "province": "commune__parent_id", "commune": "commune_id", "village": "village_id",
        "household": "id",
    },
    "territory.resident": {
        "province": "commune__parent_id", "commune": "commune_id",
        "village": "household__village_id", "household": "household_id",
    },
    "territory.householdimport": {"province": "commune__parent_id", "commune": "commune_id"},
    "accounts.roleassignment": {
        "province": "commune__parent_id", "commune": "commune_id", "village": "village_id",
    },
    "accounts.signinslip": {
        "province": "commune__parent_id", "commune": "commune_id",
        "village": "user__resident__household__village_id",
        "household": "user__resident__household_id",
    },
    "core.auditentry": {"commune": "commune_id"},
}  # fmt: skip


def register_scope(label: str, paths: dict[str, str]) -> None:
    """Pillar apps declare how their rows are scoped (called from their AppConfig.ready)."""
    SCOPE_PATHS[label] = paths


def grants_for(user: Any, on: date | None = None) -> list[Grant]:
    """The person's active grants, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if not getattr(user, "is_active", False):
        # A deactivated account keeps its rows for history but holds no power (e.g. an API
        # token or a session that outlived the deactivation).
        return []
    on = on or timezone.localdate()
    cache: dict[date, list[Grant]] = user.__dict__.setdefault("_danchu_grants", {})
    if on not in cache:
        rows = (
            RoleAssignment.objects.active(on)
            .filter(user=user)
            .select_related("unit", "commune")
            .only(
                "role", "unit__level", "unit_id", "commune_id", "commune__parent_id", "village_id"
            )
        )
        household_id = _household_id_of(user)
        grants = []
        for row in rows:
            province = row.unit_id if row.role == Role.PROVINCE_READER else row.commune.parent_id  # type: ignore[union-attr]
            grants.append(
                Grant(
                    Role(row.role),
                    province,
                    row.commune_id,
                    row.village_id,
                    household_id,
                    user.pk,
                )
            )
        cache[on] = grants
    return cache[on]


def _household_id_of(user: Any) -> int | None:
    """The household of the person's resident record. When the request already loaded that
    record (the online vote loads it with its household in one query), it is not read again."""
    resident_id = getattr(user, "resident_id", None)
    if not resident_id:
        return None
    field = user._meta.get_field("resident")
    if field.is_cached(user):  # type: ignore[union-attr]
        cached = field.get_cached_value(user)  # type: ignore[union-attr]
        if cached is not None and cached.pk == resident_id:
            return cached.household_id  # type: ignore[no-any-return]
    from danchu.territory.models import Resident

    return Resident.objects.filter(pk=resident_id).values_list("household_id", flat=True).first()


def _grant_covers(grant: Grant, scope: Scope, target: Target) -> bool:
    match scope:
        case Scope.PROVINCE:
            return grant.province_id is not None and grant.province_id == target.province_id
        case Scope.COMMUNE:
            return grant.commune_id is not None and grant.commune_id == target.commune_id
        case Scope.VILLAGE:
            # A village-scoped object without a village (a null path) is not in any village:
            # deny, as ``restrict`` does, rather than treating it as commune-wide.
            return (
                grant.village_id is not None
                and grant.commune_id == target.commune_id
                and (not target.village_scoped or grant.village_id == target.village_id)
            )
        case Scope.HOUSEHOLD:
            return (
                grant.household_id is not None
                and grant.commune_id == target.commune_id
                and grant.household_id == target.household_id
            )
        case Scope.PERSON:
            return (
                grant.user_id is not None
                and grant.commune_id == target.commune_id
                and grant.user_id == target.person_id
            )
    return False


def scope_of(obj: Model) -> Target:
    """The scope ids of one object (a few attribute reads; no query for loaded relations)."""
    label = obj._meta.label_lower
    paths = SCOPE_PATHS.get(label)
    if paths is None:
        raise LookupError(f"No permission scope declared for {label}")
    values: dict[str, int | None] = {}
    for key in ("province", "commune", "village", "household", "person"):
        path = paths.get(key)
        value: Any = None
        if path:
            value = obj
            for part in path.split("__"):
                value = getattr(value, part, None)
                if value is None:
                    break
        values[key] = value
    if "province" not in paths and values["commune"] is not None:
        # Rows keyed by a bare commune id (the audit trail) still sit in a province.
        values["province"] = _province_of(values["commune"])
    return Target(
        values["province"], values["commune"], values["village"], values["household"],
        values["person"], village_scoped="village" in paths,
    )  # fmt: skip


def _province_of(commune_id: int) -> int | None:
    from danchu.territory.models import AdministrativeUnit

    return (
        AdministrativeUnit.objects.filter(pk=commune_id).values_list("parent_id", flat=True).first()
    )


def can(user: Any, action: Action, obj: Model) -> bool:
    """May ``user`` do ``action`` on ``obj``? Default deny."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    target = scope_of(obj)
    for grant in grants_for(user):
        scope = POLICY.get(grant.role, {}).get(action)
        if scope is not None and _grant_covers(grant, scope, target):
            return True
    return False


def can_anywhere(user: Any, action: Action) -> bool:
    """Whether any of the person's roles allows ``action`` somewhere (to show a menu entry)."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return any(action in POLICY.get(g.role, {}) for g in grants_for(user))


def restrict[M: Model](queryset: QuerySet[M], user: Any, action: Action) -> QuerySet[M]:
    """Only the rows of ``queryset`` on which ``user`` may do ``action``."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return queryset
    paths = SCOPE_PATHS.get(queryset.model._meta.label_lower)
    if paths is None:
        raise LookupError(f"No permission scope declared for {queryset.model._meta.label_lower}")
    condition = Q(pk__in=[])
    for grant in grants_for(user):
        scope = POLICY.get(grant.role, {}).get(action)
        if scope is None:
            continue
        condition |= _grant_q(grant, scope, paths)
    return queryset.filter(condition)


def _grant_q(grant: Grant, scope: Scope, paths: dict[str, str]) -> Q:
    nothing = Q(pk__in=[])
    if scope == Scope.PROVINCE:
        if "province" in paths:
            return Q(**{paths["province"]: grant.province_id})
        if "commune" in paths:
            from danchu.territory.models import AdministrativeUnit

            communes = AdministrativeUnit.objects.filter(parent_id=grant.province_id).values("pk")
            return Q(**{f"{paths['commune']}__in": communes})
        return nothing
    if "commune" not in paths or grant.commune_id is None:
        return nothing
    in_commune = Q(**{paths["commune"]: grant.commune_id})
    if scope == Scope.COMMUNE:
        return in_commune
    if scope == Scope.VILLAGE:
        if "village" not in paths:
            return in_commune if grant.village_id is not None else nothing
        return in_commune & Q(**{paths["village"]: grant.village_id})
    if scope == Scope.HOUSEHOLD and "household" in paths and grant.household_id is not None:
        return in_commune & Q(**{paths["household"]: grant.household_id})
    if scope == Scope.PERSON and "person" in paths and grant.user_id is not None:
        return in_commune & Q(**{paths["person"]: grant.user_id})
    return nothing


def get_for_actor[M: Model](queryset: QuerySet[M], user: Any, action: Action, **lookup: Any) -> M:
    """One object the person may act on.

    Missing, or outside every scope the person could ever see → 404 (another commune's rows
    do not exist for you). Visible to the person but not for this action → 403.
    """
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise NotFound(_("Not found."), code="not_found")
    if can(user, action, obj):
        return obj
    if _sees_commune(user, obj):
        raise PermissionDenied(_("You are not allowed to do this."), code="forbidden")
    raise NotFound(_("Not found."), code="not_found")


def require(user: Any, action: Action, obj: Model) -> None:
    """Raise like :func:`get_for_actor` unless ``user`` may do ``action`` on ``obj``."""
    if can(user, action, obj):
        return
    if _sees_commune(user, obj):
        raise PermissionDenied(_("You are not allowed to do this."), code="forbidden")
    raise NotFound(_("Not found."), code="not_found")


def _sees_commune(user: Any, obj: Model) -> bool:
    target = scope_of(obj)
    for grant in grants_for(user):
        if grant.commune_id is not None and grant.commune_id == target.commune_id:
            return True
        if grant.role == Role.PROVINCE_READER and grant.province_id == target.province_id:
            return True
    return False
