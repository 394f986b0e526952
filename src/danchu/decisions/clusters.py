"""Meetings by residential cluster (họp theo cụm dân cư): one meeting in several sessions.

Law 10/2022/QH15 Art. 18(3): a village of **200 households or more**, or whose households live
far apart, may hold its meeting by residential cluster; the village head adds the sessions'
results up. Decree 59/2023/NĐ-CP Art. 3(6): the commune People's Committee approves the plan
(here: the commune chair, who holds ``matter.commune_wide`` — the committee's right on
decisions — so no new permission is needed).

How it fits the single-meeting flow of :mod:`danchu.decisions.services`:

* every household of the village is put in exactly one cluster (a constraint);
* attendance is recorded as for any meeting (the sheet or the check-in); a session's
  attendance is the village's attendance among the session's households, so the sessions'
  attendance adds up to the village's ``present`` by construction;
* each session's counts are entered on their own, at most the session's households present;
* once every session is counted, :func:`cluster_results_combine` adds them up and records the
  village's result through :func:`danchu.decisions.services.meeting_result_record`, which
  applies the quorum, the committee rules and the thresholds against all households
  (Art. 21(1)) exactly as for a single meeting. The tally is untouched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.decisions import services
from danchu.decisions.models import (
    ClusterPlan,
    Matter,
    MatterVillage,
    MeetingAttendance,
    MeetingSession,
    Option,
    SessionHousehold,
)
from danchu.decisions.rules import Form, Refusal

__all__ = [
    "CLUSTER_MIN_HOUSEHOLDS",
    "SessionRow",
    "cluster_plan_approve",
    "cluster_plan_create",
    "cluster_refusal",
    "cluster_results_combine",
    "session_result_record",
    "session_rows",
]

# Law 10/2022 Art. 18(3): "từ 200 hộ gia đình trở lên" — 200 may, 199 may not (unless the
# households live far apart).
CLUSTER_MIN_HOUSEHOLDS = 200
ARTICLE = "Luật 10/2022 Điều 18(3)"
NAME_MAX = 200


def cluster_refusal(total_households: int, *, dispersed: bool = False) -> Refusal | None:
    """Why this village may not meet by cluster, or None (Law 10/2022 Art. 18(3))."""
    if dispersed or total_households >= CLUSTER_MIN_HOUSEHOLDS:
        return None
    return Refusal(
        _(
            "Only a village of %(minimum)s households or more, or whose households live far "
            "apart, may meet by residential cluster."
        )
        % {"minimum": CLUSTER_MIN_HOUSEHOLDS},
        ARTICLE,
    )


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        _("Please correct the errors below."), code="invalid", fields={name: [message]}
    )


def _lock(matter_village: MatterVillage) -> MatterVillage:
    return (
        MatterVillage.objects.select_for_update(no_key=True, of=("self",))
        .select_related("matter", "matter__commune", "village")
        .get(pk=matter_village.pk)
    )


def _expect_running_meeting(mv: MatterVillage) -> None:
    if mv.matter.status != Matter.Status.OPEN or mv.status != MatterVillage.Status.OPEN:
        raise services.WrongState(
            _("This village's meeting is not running."), code="village_not_running"
        )
    if mv.form != Form.MEETING:
        raise services.WrongState(_("This village decides at a meeting."), code="wrong_form")
    if mv.hand_counts:
        raise services.WrongState(
            _("The meeting's result is recorded: its clusters can no longer change."),
            code="result_recorded",
        )


@transaction.atomic
def cluster_plan_create(
    *,
    actor: Any,
    matter_village: MatterVillage,
    clusters: Sequence[tuple[str, Sequence[int]]],
    dispersed: bool = False,
) -> ClusterPlan:
    """Split the village's meeting into sessions: ``clusters`` is ``[(name, household ids)]``
    and must put every household of the village in exactly one of at least two clusters.
    A plan not yet approved may be replaced."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock(matter_village)
    _expect_running_meeting(mv)
    refusal = cluster_refusal(mv.total_households, dispersed=dispersed)
    if refusal is not None:
        raise ApplicationError(str(refusal), code="clusters_refused")
    existing = ClusterPlan.objects.filter(matter_village=mv).first()
    if existing is not None and existing.approved_on is not None:
        raise services.WrongState(
            _("The commune approved this plan: it can no longer change."), code="plan_approved"
        )
    if not isinstance(clusters, Sequence) or len(clusters) < 2:
        raise _invalid("clusters", _("Give at least two residential clusters."))
    names: list[str] = []
    members: dict[int, int] = {}
    for position, item in enumerate(clusters):
        name, household_ids = (item if isinstance(item, tuple | list) and len(item) == 2
                                else ("", ()))  # fmt: skip
        name = " ".join(str(name or "").split())
        if not name or len(name) > NAME_MAX:
            raise _invalid("clusters", _("Each cluster needs a name of at most 200 characters."))
        if name.casefold() in (n.casefold() for n in names):
            raise _invalid("clusters", _("Two clusters have the same name."))
        names.append(name)
        for household_id in household_ids or ():
            if isinstance(household_id, bool) or not isinstance(household_id, int):
                raise _invalid("clusters", _("Choose households of this village."))
            if household_id in members:
                raise _invalid("clusters", _("A household is in two clusters."))
            members[household_id] = position
    eligible = set(services.eligible_households(mv).values_list("pk", flat=True))
    if set(members) - eligible:
        raise _invalid("clusters", _("Choose households of this village."))
    if eligible - set(members):
        raise _invalid(
            "clusters",
            _("%(count)s households of the village are in no cluster.")
            % {"count": len(eligible - set(members))},
        )
    if existing is not None:
        existing.delete()  # the sessions and their members go with it; nothing was counted
    plan = ClusterPlan.objects.create(commune_id=mv.commune_id, matter_village=mv,
                                      dispersed=bool(dispersed))  # fmt: skip
    sessions = MeetingSession.objects.bulk_create(
        MeetingSession(
            commune_id=mv.commune_id, plan=plan, matter_village=mv, position=n, name=name
        )  # fmt: skip
        for n, name in enumerate(names)
    )
    SessionHousehold.objects.bulk_create(
        SessionHousehold(
            commune_id=mv.commune_id,
            matter_village=mv,
            session=sessions[position],
            household_id=household_id,
        )  # fmt: skip
        for household_id, position in members.items()
    )
    audit.record(
        actor=actor, action="decisions.clusters.plan", obj=mv, commune_id=mv.commune_id,
        after={"clusters": [[name, sum(1 for p in members.values() if p == n)]
                            for n, name in enumerate(names)], "dispersed": bool(dispersed)},
    )  # fmt: skip
    return plan


@transaction.atomic
def cluster_plan_approve(*, actor: Any, plan: ClusterPlan) -> ClusterPlan:
    """The commune People's Committee approves the plan (Decree 59/2023 Art. 3(6))."""
    require(actor, Action.MATTER_COMMUNE_WIDE, plan.matter_village.matter.commune)
    locked = ClusterPlan.objects.select_for_update().get(pk=plan.pk)
    mv = _lock(plan.matter_village)
    _expect_running_meeting(mv)
    if locked.approved_on is not None:
        raise services.WrongState(_("This plan is already approved."), code="plan_approved")
    locked.approved_on = timezone.localdate()
    locked.approved_by = actor
    locked.save(update_fields=["approved_on", "approved_by"])
    audit.record(
        actor=actor, action="decisions.clusters.approve", obj=mv, commune_id=mv.commune_id,
        after={"approved_on": locked.approved_on.isoformat()},
    )  # fmt: skip
    return locked


@dataclass
class SessionRow:
    session: MeetingSession
    households: int
    present: int
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def counted(self) -> bool:
        return self.session.counted_at is not None


def session_rows(matter_village: MatterVillage) -> list[SessionRow]:
    """Each session with its households, its attendance and its counts (three queries)."""
    sessions = list(
        MeetingSession.objects.filter(matter_village=matter_village).order_by("position")
    )
    members = SessionHousehold.objects.filter(matter_village=matter_village)
    sizes = dict(members.values("session").annotate(n=Count("id")).values_list("session", "n"))
    attended = MeetingAttendance.objects.filter(matter_village=matter_village).values(
        "household_id"
    )
    present = dict(
        members.filter(household_id__in=attended)
        .values("session")
        .annotate(n=Count("id"))
        .values_list("session", "n")
    )
    return [
        SessionRow(
            session=s,
            households=sizes.get(s.pk, 0),
            present=present.get(s.pk, 0),
            counts={int(k): v for k, v in (s.hand_counts or {}).items()},
        )
        for s in sessions
    ]


def _clean_counts(mv: MatterVillage, counts: Any, present: int) -> dict[str, int]:
    options = set(Option.objects.filter(matter=mv.matter).values_list("pk", flat=True))
    cleaned = {str(pk): 0 for pk in options}
    if not isinstance(counts, Mapping):
        raise _invalid("counts", _("Enter a count for each option."))
    for key, value in counts.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = -1
        if pk not in options:
            raise _invalid("counts", _("Count only this matter's options."))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _invalid("counts", _("Counts are whole numbers, zero or more."))
        cleaned[str(pk)] = value
    if sum(cleaned.values()) > present:
        raise _invalid(
            "counts",
            _("The counts add up to more than the %(present)s households present.")
            % {"present": present},
        )
    return cleaned


@transaction.atomic
def session_result_record(
    *, actor: Any, session: MeetingSession, counts: Mapping[int | str, int]
) -> MeetingSession:
    """A session's counts per option (show of hands or its committee's record), at most the
    session's households present. The plan must be approved (Decree 59/2023 Art. 3(6))."""
    require(actor, Action.MATTER_MANAGE, session.matter_village)
    mv = _lock(session.matter_village)
    _expect_running_meeting(mv)
    locked = (
        MeetingSession.objects.select_for_update(of=("self",)).select_related("plan")
        .get(pk=session.pk)
    )  # fmt: skip
    if locked.plan.approved_on is None:
        raise ApplicationError(
            str(Refusal(_("The commune has not approved the clusters yet."),
                        "Nghị định 59/2023 Điều 3(6)")),
            code="plan_not_approved",
        )  # fmt: skip
    row = next(r for r in session_rows(mv) if r.session.pk == locked.pk)
    cleaned = _clean_counts(mv, counts, row.present)
    before = dict(locked.hand_counts or {})
    locked.hand_counts = cleaned
    locked.counted_at = timezone.now()
    locked.save(update_fields=["hand_counts", "counted_at"])
    audit.record(
        actor=actor, action="decisions.clusters.session", obj=mv, commune_id=mv.commune_id,
        before={"session": locked.name, "counts": before},
        after={"session": locked.name, "counts": cleaned, "present": row.present},
    )  # fmt: skip
    return locked


def cluster_results_combine(
    *, actor: Any, matter_village: MatterVillage, **result: Any
) -> MatterVillage:
    """Add every session's counts up into the village's result (Law 10/2022 Art. 18(3)) and
    record it as the meeting's (``result``: team, witnesses, secret, team_approved_by —
    see :func:`danchu.decisions.services.meeting_result_record`)."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    with transaction.atomic():
        mv = _lock(matter_village)
        _expect_running_meeting(mv)
        rows = session_rows(mv)
        if not rows:
            raise services.WrongState(_("This meeting has no clusters."), code="no_clusters")
        waiting = [r.session.name for r in rows if not r.counted]
        if waiting:
            raise services.WrongState(
                _("Not every session is counted yet: %(names)s.") % {"names": ", ".join(waiting)},
                code="sessions_waiting",
            )
        total: Counter[int | str] = Counter()
        for row in rows:
            # Attendance may have been corrected after a session was counted.
            if sum(row.counts.values()) > row.present:
                raise _invalid(
                    "counts",
                    _("%(name)s: the counts add up to more than the %(present)s households "
                      "present.") % {"name": row.session.name, "present": row.present},
                )  # fmt: skip
            total.update(row.counts)
        return services.meeting_result_record(
            actor=actor, matter_village=mv, counts=dict(total), **result
        )
