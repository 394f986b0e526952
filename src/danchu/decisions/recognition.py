"""The recognition clock of a community decision: sending it to the commune, and the commune's
recognition or written refusal.

* Law 10/2022/QH15 Art. 20(3): the village sends its decision to the commune People's
  Committee (UBND xã) and the commune Fatherland Front within **5 working days** of the meeting
  or of the ballot or online vote's deadline (also Decree 59/2023 Art. 3(5)(d), 4(7), 5(4)(b)).
  A late sending is not refused: it is recorded (the commune must still see the decision).
* Art. 21(2): clauses 1, 2 and 6 take effect from the vote (nothing to recognise); clauses 3
  and 4 from the UBND xã's recognition decision; clause 5 from the commune Fatherland Front's.
  The recogniser decides **within 5 working days** of receiving it, or refuses in writing with
  reasons (Decree 59/2023 Art. 8; Decree 61/2023 Art. 11 for conventions).

Working days come from :mod:`danchu.core.calendar` (Civil Code Art. 147–148: the count starts
the day after; the commune's own calendar adjustments apply).
"""

from __future__ import annotations

import datetime
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.models import Role
from danchu.accounts.permissions import Action, can, grants_for, require
from danchu.core import audit, calendar
from danchu.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from danchu.decisions import office
from danchu.decisions.models import Matter, MatterVillage
from danchu.decisions.rules import Form, MatterType
from danchu.decisions.services import WrongState
from danchu.territory.models import AdministrativeUnit

__all__ = [
    "RECOGNITION_WORKING_DAYS",
    "REASONS_MAX",
    "SEND_WORKING_DAYS",
    "decided_on",
    "decision_recognise",
    "decision_refuse",
    "decision_send",
    "overdue_recognitions",
    "recognition_due",
    "recognition_late",
    "send_due",
    "sent_late",
]

# Law 10/2022 Art. 20(3): the decision reaches the commune within 5 working days.
SEND_WORKING_DAYS = 5
# Law 10/2022 Art. 21(2); Decree 59/2023 Art. 8; Decree 61/2023 Art. 11: recognised (or refused
# in writing) within 5 working days of receipt.
RECOGNITION_WORKING_DAYS = 5
REASONS_MAX = 5000

# Law 10/2022 Art. 21(2): contributions, community finances and other matters take effect from
# the vote. (A commune-wide contributions matter takes effect on the date the UBND xã sets after
# aggregating the villages — a date, not a recognition: not tracked here either.)
_IN_FORCE_FROM_VOTE = frozenset(
    {MatterType.CONTRIBUTIONS, MatterType.COMMUNITY_FINANCES, MatterType.OTHER}
)


def decided_on(matter_village: MatterVillage) -> date | None:
    """The day the clock of Art. 20(3) starts from: the meeting's day, or the ballot or online
    vote's deadline (local date); for a matter closed without either, the closing day."""
    mv = matter_village
    if mv.form == Form.MEETING and mv.held_on is not None:
        return mv.held_on
    if mv.form != Form.MEETING and mv.closes_at is not None:
        return timezone.localdate(mv.closes_at)
    if mv.held_on is not None:
        return mv.held_on
    closed_at = mv.matter.closed_at
    return timezone.localdate(closed_at) if closed_at is not None else None


def send_due(matter_village: MatterVillage) -> date | None:
    """The last day to send the decision — Law 10/2022 Art. 20(3): 5 working days."""
    start = decided_on(matter_village)
    if start is None:
        return None
    return calendar.add_working_days(start, SEND_WORKING_DAYS, commune=matter_village.commune_id)


def sent_late(matter_village: MatterVillage) -> bool:
    """Whether the decision was sent after the Art. 20(3) deadline."""
    due = send_due(matter_village)
    sent = matter_village.decision_sent_on
    return sent is not None and due is not None and sent > due


def recognition_due(matter_village: MatterVillage) -> date | None:
    """The last day to recognise or refuse — Art. 21(2): 5 working days after receipt."""
    sent = matter_village.decision_sent_on
    if sent is None:
        return None
    return calendar.add_working_days(
        sent, RECOGNITION_WORKING_DAYS, commune=matter_village.commune_id
    )


def recognition_late(matter_village: MatterVillage) -> bool:
    due = recognition_due(matter_village)
    on = matter_village.recognition_on
    return on is not None and due is not None and on > due


def _lock(matter_village: MatterVillage) -> MatterVillage:
    return (
        MatterVillage.objects.select_for_update(no_key=True, of=("self",))
        .select_related("matter", "village", "commune")
        .get(pk=matter_village.pk)
    )


def _state(mv: MatterVillage) -> dict[str, Any]:
    return {
        "decision_sent_on": mv.decision_sent_on.isoformat() if mv.decision_sent_on else None,
        "recognition": mv.recognition,
        "recognition_on": mv.recognition_on.isoformat() if mv.recognition_on else None,
    }


def _check_day(name: str, value: Any, *, earliest: date | None) -> date:
    """A real date, not in the future and not before ``earliest``: a field error otherwise."""
    if isinstance(value, datetime.datetime) or not isinstance(value, date):
        message = _("Enter a valid date.")
    elif value > timezone.localdate():
        message = _("This date is in the future.")
    elif earliest is not None and value < earliest:
        message = _("This date is before %(day)s.") % {"day": f"{earliest:%d/%m/%Y}"}
    else:
        return value
    raise ValidationFailed(
        _("Please correct the errors below."), code="invalid", fields={name: [message]}
    )


@transaction.atomic
def decision_send(*, actor: Any, matter_village: MatterVillage, sent_on: date) -> MatterVillage:
    """Record that the village sent its decision to the UBND xã and the commune Fatherland Front
    (Law 10/2022 Art. 20(3)). A sending after the 5 working days is recorded as late, not
    refused. Recognition becomes ``pending``, or ``not_needed`` for clauses 1, 2, 6
    (Art. 21(2): in force from the vote)."""
    require(actor, Action.MATTER_MANAGE, matter_village)
    mv = _lock(matter_village)
    if mv.matter.status != Matter.Status.CLOSED:
        raise WrongState(
            _("Only the decision of a closed matter can be sent."), code="matter_not_closed"
        )
    if mv.decision_sent_on is not None:
        raise WrongState(
            _("This decision was already sent on %(day)s.")
            % {"day": f"{mv.decision_sent_on:%d/%m/%Y}"},
            code="decision_already_sent",
        )
    sent_on = _check_day("sent_on", sent_on, earliest=decided_on(mv))
    before = _state(mv)
    mv.decision_sent_on = sent_on
    mv.recognition = (
        MatterVillage.Recognition.NOT_NEEDED
        if mv.matter.matter_type in _IN_FORCE_FROM_VOTE
        else MatterVillage.Recognition.PENDING
    )
    mv.save(update_fields=["decision_sent_on", "recognition"])
    due = send_due(mv)
    audit.record(
        actor=actor, action="decisions.decision.send", obj=mv, commune_id=mv.commune_id,
        before=before,
        after={
            **_state(mv), "due": due.isoformat() if due else None, "late": sent_late(mv),
            "article": "Luật 10/2022 Điều 20(3)",
        },
    )  # fmt: skip
    return mv


def _require_recogniser(actor: Any, mv: MatterVillage) -> None:
    """Who recognises — Law 10/2022 Art. 21(2).

    Clauses 3–4 (convention, village head): the UBND xã, whose decision the chair signs — the
    chair's action ``MATTER_COMMUNE_WIDE``. Clause 5 (inspection and supervision board members):
    the commune Fatherland Front Committee. The permission policy has no action of its own for
    the Front, so a Front officer of this commune qualifies by role (``grants_for``); the chair
    too, since the chair enters the Front's decision where the Front has no account.
    """
    commune = mv.commune
    if mv.matter.matter_type == MatterType.BOARD_MEMBERS:
        front = any(
            g.role == Role.FRONT_OFFICER and g.commune_id == mv.commune_id
            for g in grants_for(actor)
        )
        if front or can(actor, Action.MATTER_COMMUNE_WIDE, commune):
            return
        raise PermissionDenied(
            _("The commune Fatherland Front recognises this decision."), code="forbidden"
        )
    require(actor, Action.MATTER_COMMUNE_WIDE, commune)


def _lock_pending(actor: Any, matter_village: MatterVillage) -> MatterVillage:
    # Anyone who cannot see the matter's village gets 404 (another commune) first.
    require(actor, Action.MATTER_VIEW, matter_village)
    mv = _lock(matter_village)
    _require_recogniser(actor, mv)
    if mv.recognition == MatterVillage.Recognition.PENDING:
        return mv
    if mv.recognition == MatterVillage.Recognition.NOT_NEEDED:
        raise WrongState(
            _("This decision takes effect from the vote: there is nothing to recognise.")
            + " (Luật 10/2022 Điều 21(2))",
            code="recognition_not_needed",
        )
    if mv.recognition in (MatterVillage.Recognition.RECOGNISED, MatterVillage.Recognition.REFUSED):
        raise WrongState(
            _("The commune has already decided on this decision."), code="recognition_decided"
        )
    raise WrongState(_("The village has not sent this decision yet."), code="decision_not_sent")


@transaction.atomic
def decision_recognise(*, actor: Any, matter_village: MatterVillage, on: date) -> MatterVillage:
    """Recognise a pending decision (Art. 21(2)); a recognition after the 5 working days is
    recorded as late."""
    mv = _lock_pending(actor, matter_village)
    if mv.adopted is False:
        # Only an adopted decision is recognised; a failed election goes to a re-election
        # (Decree 59/2023 Art. 3(5)(d), 8), a failed convention is not in force.
        raise ApplicationError(
            _("The community did not adopt this decision: there is nothing to recognise."),
            code="not_adopted",
        )
    on = _check_day("on", on, earliest=mv.decision_sent_on)
    before = _state(mv)
    mv.recognition = MatterVillage.Recognition.RECOGNISED
    mv.recognition_on = on
    mv.save(update_fields=["recognition", "recognition_on"])
    if mv.matter.matter_type == MatterType.VILLAGE_HEAD:
        # Decree 59/2023 Art. 8–9: the elected head takes office, a dismissed head leaves it.
        office.on_recognition(actor=actor, matter_village=mv, on=on)
    due = recognition_due(mv)
    audit.record(
        actor=actor, action="decisions.decision.recognise", obj=mv, commune_id=mv.commune_id,
        before=before,
        after={**_state(mv), "due": due.isoformat() if due else None,
               "late": recognition_late(mv), "article": "Luật 10/2022 Điều 21(2)"},
    )  # fmt: skip
    return mv


@transaction.atomic
def decision_refuse(
    *, actor: Any, matter_village: MatterVillage, on: date, reasons: str
) -> MatterVillage:
    """Refuse to recognise, in writing with reasons (Art. 21(2)): the reasons are required."""
    mv = _lock_pending(actor, matter_village)
    text = reasons.strip() if isinstance(reasons, str) else ""
    message = None
    if not text:
        message = _("A refusal is given in writing with its reasons (Law 10/2022 Art. 21(2)).")
    elif len(text) > REASONS_MAX:
        message = _("At most %(limit)s characters.") % {"limit": REASONS_MAX}
    elif any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text):
        message = _("Remove the invisible control characters from this text.")
    if message is not None:
        raise ValidationFailed(
            _("Please correct the errors below."), code="invalid", fields={"reasons": [message]}
        )
    on = _check_day("on", on, earliest=mv.decision_sent_on)
    before = _state(mv)
    mv.recognition = MatterVillage.Recognition.REFUSED
    mv.recognition_on = on
    mv.refusal_reason = text
    mv.save(update_fields=["recognition", "recognition_on", "refusal_reason"])
    due = recognition_due(mv)
    audit.record(
        actor=actor, action="decisions.decision.refuse", obj=mv, commune_id=mv.commune_id,
        before=before,
        after={**_state(mv), "reasons": text, "due": due.isoformat() if due else None,
               "late": recognition_late(mv), "article": "Luật 10/2022 Điều 21(2)"},
    )  # fmt: skip
    return mv


def overdue_recognitions(commune: AdministrativeUnit, today: date) -> list[MatterVillage]:
    """Village decisions still awaiting recognition after their Art. 21(2) deadline (one query;
    the caller checks the reader's permission)."""
    # 5 working days are at least 5 calendar days: only rows sent before today - 5 can be late.
    rows = (
        MatterVillage.objects.filter(
            commune=commune,
            recognition=MatterVillage.Recognition.PENDING,
            decision_sent_on__lt=today - datetime.timedelta(days=RECOGNITION_WORKING_DAYS),
        )
        .select_related("matter", "village")
        .order_by("decision_sent_on", "pk")
    )
    return [mv for mv in rows if (due := recognition_due(mv)) is not None and today > due]
