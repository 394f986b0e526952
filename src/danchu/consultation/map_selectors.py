"""Reads of the opinion map, shared by its page and its API: the stored map, never a recompute."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from danchu.consultation.models import Consultation, OpinionMap, Statement

__all__ = ["GroupView", "MapView", "map_view", "statements_shown"]

# Colour-blind-safe palette (Okabe–Ito), dark enough for white text; a group keeps its colour.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7F6A00", "#56B4E9", "#000000"]
LETTERS = "ABCDEFG"
PICTURE = 400  # the SVG's width and height
MARGIN = 20


def statements_shown(consultation: Consultation) -> QuerySet[Statement]:
    """What residents vote on: accepted statements, oldest first."""
    return Statement.objects.filter(
        consultation=consultation, moderation=Statement.Moderation.ACCEPTED
    ).order_by("id")


@dataclass(frozen=True)
class RepView:
    statement: Statement
    agrees: bool
    percent: int  # share of the group voting that way (smoothed estimate, in %)


@dataclass(frozen=True)
class GroupView:
    id: int
    letter: str
    colour: str
    size: int
    x: float
    y: float
    radius: float
    representative: list[RepView]


@dataclass(frozen=True)
class StatementRow:
    statement: Statement
    agree: int
    disagree: int
    passed: int
    consensus: int  # group-aware consensus (geometric mean of the groups' agree), in %
    per_group: list[tuple[str, int, int]]  # (letter, % agree, % disagree) among voters


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    colour: str


@dataclass(frozen=True)
class MapView:
    participants: int
    groups: list[GroupView]
    statements: list[StatementRow]
    consensus_agree: list[Statement]
    consensus_disagree: list[Statement]
    points: list[Point]
    size: int
    computed_at: object


def _scale(values: list[float]) -> tuple[float, float]:
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    span = (high - low) or 1.0
    return low, (PICTURE - 2 * MARGIN) / span


def map_view(consultation: Consultation) -> MapView | None:
    """The stored map with its statements (two queries), or None before the first compute."""
    stored = OpinionMap.objects.filter(consultation=consultation, computed_at__isnull=False).first()
    if stored is None:
        return None
    result = stored.result
    shown = {s.pk: s for s in statements_shown(consultation)}
    index_of = {sid: i for i, sid in enumerate(result["statement_ids"])}
    groups_json = result["groups"]
    colour_of = {g["id"]: COLOURS[g["id"] % len(COLOURS)] for g in groups_json}
    letter_of = {g["id"]: LETTERS[g["id"] % len(LETTERS)] for g in groups_json}
    xs = [p[0] for p in result["points"]] + [g["centre"][0] for g in groups_json]
    ys = [p[1] for p in result["points"]] + [g["centre"][1] for g in groups_json]
    (x0, xk), (y0, yk) = _scale(xs), _scale(ys)

    def place(x: float, y: float) -> tuple[float, float]:
        return round(MARGIN + (x - x0) * xk, 1), round(PICTURE - MARGIN - (y - y0) * yk, 1)

    total = max(1, result["participants"])
    groups = []
    for g in groups_json:
        x, y = place(*g["centre"])
        reps = [
            RepView(shown[r["statement"]], r["direction"] == 1, round(100 * r["probability"]))
            for r in g["representative"]
            if r["statement"] in shown
        ]
        radius = round(8 + 30 * (g["size"] / total) ** 0.5, 1)
        groups.append(
            GroupView(
                g["id"], letter_of[g["id"]], colour_of[g["id"]], g["size"], x, y, radius, reps
            )
        )
    rows = []
    for sid, statement in shown.items():
        i = index_of.get(sid)
        if i is None:  # added after the last compute
            continue
        agree = sum(g["agree"][i] for g in groups_json)
        disagree = sum(g["disagree"][i] for g in groups_json)
        votes = sum(g["votes"][i] for g in groups_json)
        per_group = [
            (
                letter_of[g["id"]],
                round(100 * g["agree"][i] / g["votes"][i]) if g["votes"][i] else 0,
                round(100 * g["disagree"][i] / g["votes"][i]) if g["votes"][i] else 0,
            )
            for g in groups_json
        ]
        consensus = round(100 * result["group_consensus"][i])
        rows.append(StatementRow(statement, agree, disagree, votes - agree - disagree, consensus,
                                 per_group))  # fmt: skip
    points = [Point(*place(p[0], p[1]), colour_of.get(p[2], "#555555")) for p in result["points"]]
    return MapView(
        participants=result["participants"],
        groups=groups,
        statements=rows,
        consensus_agree=[shown[s] for s in result["consensus_agree"] if s in shown],
        consensus_disagree=[shown[s] for s in result["consensus_disagree"] if s in shown],
        points=points,
        size=PICTURE,
        computed_at=stored.computed_at,
    )
