"""Writes of the opinion map: statements, their moderation, votes, and the stored recompute.

Pages and the API never compute the map: they read the stored :class:`OpinionMap`. A vote only
counts itself; once enough votes have arrived since the last compute (the first vote, then
10 votes or 5 % of those counted, whichever is more), a background task recomputes the map
from the previous state, so groups stay put between recomputes (opinion_map.py).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, can, require
from danchu.consultation.models import (
    Consultation,
    OpinionMap,
    Statement,
    StatementVote,
)
from danchu.consultation.opinion_map import MapResult, MapState, VoteTable, compute_map
from danchu.core import audit
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.text import normalize_spaces

__all__ = [
    "map_recompute",
    "statement_add",
    "statement_moderate",
    "statement_vote_cast",
]

STATEMENT_MAX = 400
RECOMPUTE_MIN_VOTES = 10
RECOMPUTE_SHARE = 0.05
PICTURE_POINTS = 400  # participants drawn on the picture at most (a fixed-seed sample)


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid", fields={field: [message]})


def _clean_text(text: str) -> str:
    cleaned = normalize_spaces(text or "")
    if not cleaned:
        raise _fail("text", _("Write the statement."))
    if len(cleaned) > STATEMENT_MAX:
        raise _fail("text", _("A statement has at most 400 characters."))
    return cleaned


@transaction.atomic
def statement_add(*, actor: Any, consultation: Consultation, text: str) -> Statement:
    """An official seeds a statement (shown at once); a resident proposes one (moderated)."""
    official = can(actor, Action.STATEMENT_MODERATE, consultation.commune)
    if not official:
        require(actor, Action.STATEMENT_PROPOSE, consultation.commune)
        if consultation.status != Consultation.Status.OPEN:
            raise ApplicationError(
                _("Statements can be proposed only while the consultation is open."),
                code="not_open",
            )
    elif consultation.status in (Consultation.Status.CLOSED, Consultation.Status.ANSWERED):
        raise ApplicationError(_("The consultation is closed."), code="closed")
    statement = Statement.objects.create(
        commune=consultation.commune,
        consultation=consultation,
        text=_clean_text(text),
        origin=Statement.Origin.COMMUNE if official else Statement.Origin.RESIDENT,
        moderation=Statement.Moderation.ACCEPTED if official else Statement.Moderation.PENDING,
        proposed_by=actor,
        moderated_by=actor if official else None,
    )
    audit.record(actor=actor, action="statement.add", obj=statement, after={"text": statement.text})
    return statement


@transaction.atomic
def statement_moderate(*, actor: Any, statement: Statement, accept: bool) -> Statement:
    """Show a proposed statement, or moderate one out (its votes stay; the map zeroes it)."""
    require(actor, Action.STATEMENT_MODERATE, statement.commune)
    before = statement.moderation
    statement.moderation = (
        Statement.Moderation.ACCEPTED if accept else Statement.Moderation.REJECTED
    )
    statement.moderated_by = actor
    statement.save(update_fields=["moderation", "moderated_by"])
    audit.record(
        actor=actor,
        action="statement.moderate",
        obj=statement,
        before={"moderation": before},
        after={"moderation": statement.moderation},
    )
    return statement


def _due(opinion_map: OpinionMap) -> bool:
    if opinion_map.computed_at is None:
        return True
    threshold = max(RECOMPUTE_MIN_VOTES, int(RECOMPUTE_SHARE * opinion_map.votes_counted))
    return opinion_map.votes_since >= threshold


@transaction.atomic
def statement_vote_cast(*, actor: Any, statement: Statement, value: int) -> StatementVote:
    """Agree (+1), disagree (−1) or pass (0); voting again replaces the vote (it counts once)."""
    require(actor, Action.STATEMENT_VOTE, statement.commune)
    if value not in StatementVote.Value.values:
        raise _fail("value", _("Choose agree, disagree or pass."))
    consultation = statement.consultation
    if consultation.status != Consultation.Status.OPEN:
        raise ApplicationError(
            _("Votes on statements are taken only while the consultation is open."),
            code="not_open",
        )
    if statement.moderation != Statement.Moderation.ACCEPTED:
        raise ApplicationError(_("This statement is not shown to residents."), code="not_shown")
    vote, _created = StatementVote.objects.update_or_create(
        statement=statement,
        participant=actor,
        defaults={"value": value, "commune": statement.commune, "consultation": consultation},
    )
    opinion_map, _new = OpinionMap.objects.get_or_create(
        consultation=consultation, defaults={"commune": consultation.commune}
    )
    OpinionMap.objects.filter(pk=opinion_map.pk).update(votes_since=F("votes_since") + 1)
    opinion_map.refresh_from_db(fields=["votes_since"])
    if _due(opinion_map) and OpinionMap.objects.filter(pk=opinion_map.pk, queued=False).update(
        queued=True
    ):
        transaction.on_commit(functools.partial(_enqueue, consultation.pk), robust=True)
    return vote


def _enqueue(consultation_id: int) -> None:
    from danchu.consultation.map_tasks import recompute_map

    recompute_map.enqueue(consultation_id)


def _indexes(known: list[int], seen_in_order: list[int]) -> list[int]:
    """Keep every known id's index and append new ids in order of first appearance."""
    order = list(known)
    present = set(known)
    for item in seen_in_order:
        if item not in present:
            present.add(item)
            order.append(item)
    return order


@transaction.atomic
def map_recompute(*, consultation: Consultation) -> OpinionMap:
    """Recompute and store the map of a consultation, continuing from its previous state."""
    opinion_map, _new = OpinionMap.objects.select_for_update().get_or_create(
        consultation=consultation, defaults={"commune": consultation.commune}
    )
    rows = list(
        StatementVote.objects.filter(consultation=consultation)
        .order_by("id")
        .values_list("participant_id", "statement_id", "value")
    )
    participant, statement, value = (
        np.array(column, dtype=np.int64)
        for column in (zip(*rows, strict=True) if rows else ([], [], []))
    )
    statements = list(
        Statement.objects.filter(consultation=consultation).values_list("id", "moderation")
    )
    participant_ids = _indexes(opinion_map.participant_ids, participant.tolist())
    statement_ids = _indexes(opinion_map.statement_ids, [sid for sid, _m in statements])
    p_index = {pid: i for i, pid in enumerate(participant_ids)}
    s_index = {sid: i for i, sid in enumerate(statement_ids)}
    table = VoteTable.from_events(
        np.array([p_index[p] for p in participant.tolist()], dtype=np.int64),
        np.array([s_index[s] for s in statement.tolist()], dtype=np.int64),
        value,
        n_participants=len(participant_ids),
        n_statements=len(statement_ids),
    )
    shown = {sid for sid, moderation in statements if moderation == Statement.Moderation.ACCEPTED}
    hidden = [i for i, sid in enumerate(statement_ids) if sid not in shown]
    previous = MapState.from_bytes(bytes(opinion_map.state)) if opinion_map.state else None
    result = compute_map(table, moderated_out=hidden, previous=previous)
    opinion_map.state = result.state.to_bytes()
    opinion_map.participant_ids = participant_ids
    opinion_map.statement_ids = statement_ids
    opinion_map.result = _summary(result, statement_ids, hidden)
    opinion_map.votes_counted = int(table.values.nnz)
    opinion_map.votes_since = 0
    opinion_map.queued = False
    opinion_map.computed_at = timezone.now()
    opinion_map.save()
    return opinion_map


def _summary(result: MapResult, statement_ids: list[int], hidden: list[int]) -> dict[str, Any]:
    """What pages and the API show, as JSON: no participant's identity, only positions."""
    clustered = np.flatnonzero(result.labels >= 0)
    rng = np.random.default_rng(0)
    drawn = np.sort(rng.choice(clustered, size=min(PICTURE_POINTS, clustered.size), replace=False))
    hidden_set = set(hidden)
    return {
        "participants": int(clustered.size),
        "groups": [
            {
                "id": group.id,
                "size": group.size,
                "centre": list(group.centre),
                "representative": [
                    {
                        "statement": statement_ids[rep.statement],
                        "direction": rep.direction,
                        "probability": round(rep.probability, 4),
                    }
                    for rep in group.representative
                ],
                "agree": result.agree_counts[index].tolist(),
                "disagree": result.disagree_counts[index].tolist(),
                "votes": result.vote_counts[index].tolist(),
            }
            for index, group in enumerate(result.groups)
        ],
        "statement_ids": statement_ids,
        "consensus_agree": [statement_ids[c] for c in result.consensus_agree],
        "consensus_disagree": [statement_ids[c] for c in result.consensus_disagree],
        "group_consensus": [round(float(x), 4) for x in result.group_consensus_mean],
        "priority": [
            0.0 if i in hidden_set else round(float(x), 4) for i, x in enumerate(result.priority)
        ],
        "points": [
            [
                round(float(result.positions[i, 0]), 3),
                round(float(result.positions[i, 1]), 3),
                int(result.labels[i]),
            ]
            for i in drawn
        ],
    }
