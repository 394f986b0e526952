"""Reminders before a village head's term, an interim period or the 60-day re-election ends.

``danchu village-head-sweep`` runs :func:`village_head_sweep` once a day. Each reminder goes
through the notification outbox under an event key naming the term (or the dismissal) and its
date, so a notice is sent once whatever the number of runs; the escalation of an overdue
re-election is also written to the audit trail, once (the trail is checked before writing).

* An elected head's term ends within ``DANCHU_VILLAGE_HEAD_TERM_REMIND_DAYS`` (60) days: the
  commune chair, officials and Fatherland Front officers prepare the election (Decree 59/2023
  Art. 6: the chair's plan at least 20 days before it; the term's length: unofficial Decree
  185/2026, legal-spec §1.f).
* An interim head's period ends within ``DANCHU_VILLAGE_HEAD_INTERIM_REMIND_DAYS`` (30) days:
  the chair (the UBND xã appointed them, Decree 59/2023 Art. 9).
* The new head must be elected within 60 days of a recognised dismissal (Art. 9(3),
  :func:`danchu.decisions.rules.reelection_due`): within
  ``DANCHU_VILLAGE_HEAD_REELECTION_REMIND_DAYS`` (15) days of the last day and no elected term
  started since, the chair and officials are reminded; the day after the last day, still without
  an elected head, the chair and the Front are told it is overdue.
* An open term past its planned end leaves the office vacant (:mod:`danchu.decisions.office`):
  one notice to the chair and officials.

The number of queries does not depend on the number of villages (one per kind of row, one for
the recipients, a constant few for the outbox); only an escalation adds its audit entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from danchu.accounts.models import Role, RoleAssignment
from danchu.core import audit
from danchu.core.models import AuditEntry
from danchu.decisions import rules
from danchu.decisions.models import MatterVillage, VillageHeadTerm
from danchu.decisions.rules import MatterType
from danchu.notifications.services import Notice, notify_many
from danchu.territory.models import AdministrativeUnit, Village

__all__ = [
    "ESCALATE_ACTION",
    "SweepResult",
    "interim_remind_days",
    "reelection_remind_days",
    "term_remind_days",
    "village_head_sweep",
]

ESCALATE_ACTION = "decisions.office.reelection_overdue"
# Urban residential groups: their head is a "tổ trưởng tổ dân phố" (Law 10/2022 Art. 2(3)).
_URBAN = frozenset(
    {
        Village.Kind.TO_DAN_PHO,
        Village.Kind.KHU_PHO,
        Village.Kind.KHOI_PHO,
        Village.Kind.KHOM,
        Village.Kind.TIEU_KHU,
    }
)
_OFFICIALS = (Role.COMMUNE_CHAIR, Role.COMMUNE_OFFICIAL)
_TERM_ARTICLE = "Nghị định 59/2023/NĐ-CP Điều 6; nhiệm kỳ: Nghị định 185/2026/NĐ-CP, chưa xác nhận"
_INTERIM_ARTICLE = "Nghị định 59/2023/NĐ-CP Điều 9; Nghị định 185/2026/NĐ-CP, chưa xác nhận"
_REELECTION_ARTICLE = "Nghị định 59/2023/NĐ-CP Điều 9(3)"
_VACANCY_ARTICLE = "Nghị định 59/2023/NĐ-CP Điều 8, 9"


def term_remind_days() -> int:
    """Days before an elected term's planned end to remind (60 by default: the election's plan
    comes at least 20 days before it, Decree 59/2023 Art. 6, and the chair needs time first)."""
    return int(getattr(settings, "VILLAGE_HEAD_TERM_REMIND_DAYS", 60))


def interim_remind_days() -> int:
    """Days before an interim head's last day to remind the chair (30 by default)."""
    return int(getattr(settings, "VILLAGE_HEAD_INTERIM_REMIND_DAYS", 30))


def reelection_remind_days() -> int:
    """Days before the 60-day re-election's last day to remind (15 by default)."""
    return int(getattr(settings, "VILLAGE_HEAD_REELECTION_REMIND_DAYS", 15))


@dataclass
class SweepResult:
    term_ending: int = 0
    interim_ending: int = 0
    vacant: int = 0
    reelection_due: int = 0
    escalated: int = 0


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def _head(village: Village) -> str:
    if village.kind in _URBAN:
        return pgettext("office reminder", "residential group head")
    return pgettext("office reminder", "village head")


class _Recipients:
    """The commune's chair, officials and Front officers with a role active today (one query)."""

    def __init__(self, commune_ids: Iterable[int], today: date) -> None:
        self._users: dict[tuple[int, str], list[Any]] = defaultdict(list)
        ids = sorted(set(commune_ids))
        if not ids:
            return
        rows = (
            RoleAssignment.objects.active(today)
            .filter(commune_id__in=ids, role__in=[*_OFFICIALS, Role.FRONT_OFFICER])
            .select_related("user")
            .order_by("pk")
        )
        for row in rows:
            assert row.commune_id is not None
            self._users[(row.commune_id, row.role)].append(row.user)

    def of(self, commune_id: int, roles: Iterable[str]) -> list[Any]:
        return [user for role in roles for user in self._users[(commune_id, role)]]


def _notice(
    key: str, users: list[Any], village: Village, title: str, body: str, article: str
) -> Notice:
    return Notice(
        event_key=key,
        recipients=users,
        template="generic",
        context={"title": title, "body": f"{body} ({article})"},
        commune=AdministrativeUnit(pk=village.commune_id),
        url=reverse("decisions:bo_office", args=[village.pk]),
    )


def _open_terms(today: date) -> list[VillageHeadTerm]:
    """Open terms whose end is within the longest reminder period, or past (vacant), in the
    villages that still exist (a merged or closed village has no office to fill)."""
    horizon = today + timedelta(days=max(term_remind_days(), interim_remind_days()))
    return list(
        VillageHeadTerm.objects.filter(
            ended_on__isnull=True, planned_end_on__lte=horizon, village__is_active=True
        )
        .select_related("village")
        .order_by("commune_id", "village_id")
    )


def _dismissals(today: date) -> list[MatterVillage]:
    """Each village's last recognised dismissal whose re-election's last day is within the
    reminder period or past, with no elected term started since (Decree 59/2023 Art. 9(3)).
    Locked, so that two sweeps at once escalate once."""
    latest = today - timedelta(
        days=rules.REELECTION_AFTER_DISMISSAL_DAYS - reelection_remind_days()
    )
    elected_since = VillageHeadTerm.objects.filter(
        village_id=OuterRef("village_id"),
        kind=VillageHeadTerm.Kind.ELECTED,
        started_on__gte=OuterRef("recognition_on"),
    )
    rows = (
        MatterVillage.objects.select_for_update(of=("self",))
        .filter(
            matter__matter_type=MatterType.VILLAGE_HEAD,
            matter__dismissal_petition__isnull=False,
            adopted=True,
            recognition=MatterVillage.Recognition.RECOGNISED,
            recognition_on__isnull=False,
            recognition_on__lte=latest,
            village__is_active=True,
        )
        .exclude(Exists(elected_since))
        .select_related("village")
        .order_by("village_id", "-recognition_on", "-pk")
    )
    last: dict[int, MatterVillage] = {}
    for row in rows:
        last.setdefault(row.village_id, row)
    return list(last.values())


@transaction.atomic
def village_head_sweep(*, today: date | None = None) -> SweepResult:
    """Daily: remind the commune of village-head terms, interim periods and re-elections that
    end soon, tell it once of a vacant office, escalate an overdue re-election.

    Idempotent: the outbox's event keys send each notice once, and an escalation is audited
    only when the trail has none for that dismissal.
    """
    today = today or timezone.localdate()
    terms = _open_terms(today)
    dismissals = _dismissals(today)
    people = _Recipients([t.commune_id for t in terms] + [d.commune_id for d in dismissals], today)
    overdue = {}
    for dismissal in dismissals:
        assert dismissal.recognition_on is not None
        due = rules.reelection_due(dismissal.recognition_on)
        if due < today:  # Art. 9(3): the last day is day 60; the day after, it is overdue
            overdue[str(dismissal.pk)] = (dismissal, due)
    escalated = set(
        AuditEntry.objects.filter(
            action=ESCALATE_ACTION, object_type="decisions.mattervillage",
            object_id__in=list(overdue),
        ).values_list("object_id", flat=True)
    ) if overdue else set()  # fmt: skip
    notices: list[tuple[str, Notice]] = []
    # Texts in the site's language (Vietnamese), whatever the process's locale.
    with translation.override(settings.LANGUAGE_CODE):
        for term in terms:
            found = _term_notice(term, today, people)
            if found is not None:
                notices.append(found)
        for dismissal in dismissals:
            assert dismissal.recognition_on is not None
            due = rules.reelection_due(dismissal.recognition_on)
            if str(dismissal.pk) in overdue:
                if str(dismissal.pk) not in escalated:
                    notices.append(("escalated", _overdue_notice(dismissal, due, people)))
            else:
                notices.append(("reelection_due", _reelection_notice(dismissal, due, people)))
    sent = notify_many([notice for _kind, notice in notices]).event_keys
    result = SweepResult()
    for kind, notice in notices:
        if notice.event_key in sent and kind != "escalated":
            setattr(result, kind, getattr(result, kind) + 1)
    for key, (dismissal, due) in overdue.items():
        if key in escalated:
            continue
        # Decree 59/2023 Art. 9(3): the 60 days ran out without an elected head.
        audit.record(
            actor=None, action=ESCALATE_ACTION, obj=dismissal, commune_id=dismissal.commune_id,
            after={
                "village": dismissal.village_id, "recognised_on": dismissal.recognition_on,
                "due_on": due, "escalated_on": today, "article": _REELECTION_ARTICLE,
            },
        )  # fmt: skip
        result.escalated += 1
    return result


def _term_notice(
    term: VillageHeadTerm, today: date, people: _Recipients
) -> tuple[str, Notice] | None:
    village = term.village
    end = term.planned_end_on
    names = {"village": village.name, "head": _head(village), "name": term.name, "day": _day(end)}
    if end < today:
        # Vacant: an open term past its planned end, nobody has taken office since.
        return "vacant", _notice(
            f"decisions:village-head-term:{term.pk}:vacant:{end.isoformat()}",
            people.of(term.commune_id, _OFFICIALS),
            village,
            _("%(village)s has no %(head)s: the term ended on %(day)s") % names,
            _(
                "The term of %(name)s, %(head)s of %(village)s, ended on %(day)s and nobody has "
                "taken office since. Appoint an interim head or hold the election."
            )
            % names,
            _VACANCY_ARTICLE,
        )
    if term.kind == VillageHeadTerm.Kind.ELECTED:
        if (end - today).days > term_remind_days():
            return None
        return "term_ending", _notice(
            f"decisions:village-head-term:{term.pk}:ending:{end.isoformat()}",
            people.of(term.commune_id, [*_OFFICIALS, Role.FRONT_OFFICER]),
            village,
            _("The term of the %(head)s of %(village)s ends on %(day)s") % names,
            _(
                "The term of %(name)s, %(head)s of %(village)s, ends on %(day)s. Prepare the "
                "election of the next head: the chair's decision and plan at least 20 days "
                "before the election day."
            )
            % names,
            _TERM_ARTICLE,
        )
    if (end - today).days > interim_remind_days():
        return None
    return "interim_ending", _notice(
        f"decisions:village-head-term:{term.pk}:interim-ending:{end.isoformat()}",
        people.of(term.commune_id, [Role.COMMUNE_CHAIR]),
        village,
        _("The interim %(head)s of %(village)s serves until %(day)s") % names,
        _(
            "%(name)s, interim %(head)s of %(village)s, serves until %(day)s. Hold the "
            "election of the new head before then."
        )
        % names,
        _INTERIM_ARTICLE,
    )


def _dismissal_names(dismissal: MatterVillage, due: date) -> dict[str, str]:
    assert dismissal.recognition_on is not None
    return {
        "village": dismissal.village.name,
        "head": _head(dismissal.village),
        "dismissed": _day(dismissal.recognition_on),
        "day": _day(due),
    }


def _reelection_notice(dismissal: MatterVillage, due: date, people: _Recipients) -> Notice:
    names = _dismissal_names(dismissal, due)
    return _notice(
        f"decisions:village-head-dismissal:{dismissal.pk}:reelection-due",
        people.of(dismissal.commune_id, _OFFICIALS),
        dismissal.village,
        _("%(village)s must elect its new %(head)s by %(day)s") % names,
        _(
            "The dismissal of the %(head)s of %(village)s was recognised on %(dismissed)s: the "
            "new head must be elected within 60 days, by %(day)s."
        )
        % names,
        _REELECTION_ARTICLE,
    )


def _overdue_notice(dismissal: MatterVillage, due: date, people: _Recipients) -> Notice:
    names = _dismissal_names(dismissal, due)
    return _notice(
        f"decisions:village-head-dismissal:{dismissal.pk}:reelection-overdue",
        people.of(dismissal.commune_id, [Role.COMMUNE_CHAIR, Role.FRONT_OFFICER]),
        dismissal.village,
        _("Overdue: %(village)s has not elected its new %(head)s") % names,
        _(
            "The dismissal of the %(head)s of %(village)s was recognised on %(dismissed)s; the 60 "
            "days to elect the new head ended on %(day)s and no elected head has taken office."
        )
        % names,
        _REELECTION_ARTICLE,
    )
