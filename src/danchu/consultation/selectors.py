"""Reads on consultations shared by the pages, the API and the reports."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from danchu.accounts.permissions import Action, restrict
from danchu.consultation.models import Consultation, Opinion, OpinionGroup, Section
from danchu.consultation.rules import Category, Form, Outcome
from danchu.core.text import fold_vi

__all__ = [
    "Suggestion",
    "backoffice_consultations",
    "consultation_figures",
    "opinion_by_reference",
    "opinions_of_user",
    "public_consultation",
    "public_consultations",
    "suggest_groups",
    "synthesis_groups",
]

PUBLIC_STATUSES = (
    Consultation.Status.OPEN,
    Consultation.Status.CLOSED,
    Consultation.Status.ANSWERED,
)


def public_consultations(commune: Any) -> QuerySet[Consultation]:
    """Published consultations, newest first, with their opinion counts (one query)."""
    return (
        Consultation.objects.filter(commune=commune, status__in=PUBLIC_STATUSES)
        .annotate(opinion_count=Count("opinions"))
        .order_by("-published_on", "-id")
    )


def public_consultation(commune: Any, pk: int) -> Consultation | None:
    return (
        Consultation.objects.filter(commune=commune, status__in=PUBLIC_STATUSES, pk=pk)
        .prefetch_related("sections")
        .first()
    )


def backoffice_consultations(user: Any, commune: Any) -> QuerySet[Consultation]:
    return restrict(
        Consultation.objects.filter(commune=commune).annotate(
            opinion_count=Count("opinions"),
            unanswered=Count("opinions", filter=Q(opinions__group__isnull=True)),
        ),
        user,
        Action.CONSULTATION_LIST,
    ).order_by("-created_at", "-id")


_NOT_REFERENCE = re.compile(r"[^A-Z0-9]")


def opinion_by_reference(reference: str) -> Opinion | None:
    """The opinion a resident looks up by its reference number (any case, spaces, dashes).

    Shows what the resident needs to follow it — never the author's name or phone.
    """
    code = _NOT_REFERENCE.sub("", (reference or "")[:40].upper())
    if code.startswith("YK"):
        code = code[2:]
    if len(code) != 8:
        return None
    return (
        Opinion.objects.filter(reference=f"YK-{code[:4]}-{code[4:]}")
        .select_related("consultation", "section", "group")
        .first()
    )


def opinions_of_user(user: Any) -> QuerySet[Opinion]:
    """A resident's own web opinions, with what happened to them."""
    return (
        Opinion.objects.filter(author=user)
        .select_related("consultation", "section", "group")
        .order_by("-submitted_at")
    )


def synthesis_groups(consultation: Consultation) -> list[OpinionGroup]:
    """The synthesis: groups in draft order with their opinions (two queries)."""
    return list(
        OpinionGroup.objects.filter(consultation=consultation)
        .select_related("section")
        .prefetch_related(Prefetch("opinions", queryset=Opinion.objects.order_by("id")))
        .order_by("section__position", "id")
    )


# ---------------------------------------------------------------------------------------------
# Suggested grouping of similar opinions: a help for the official, never applied by itself.

# Function words that say nothing about the topic, folded (no diacritics).
_STOP = frozenset(
    [
        "va",
        "la",
        "cua",
        "co",
        "cho",
        "voi",
        "cac",
        "nhung",
        "duoc",
        "khong",
        "nen",
        "thi",
        "de",
        "mot",
        "trong",
        "khi",
        "nay",
        "do",
        "o",
        "ve",
        "tu",
        "den",
        "ra",
        "vao",
        "lai",
        "con",
        "da",
        "se",
        "dang",
        "rat",
        "hon",
        "nhu",
        "tai",
        "theo",
        "cung",
        "boi",
        "bi",
        "neu",
        "ma",
        "hay",
        "hoac",
        "toi",
        "chung",
        "em",
        "anh",
        "chi",
        "ong",
        "ba",
        "ho",
        "nha",
        "xa",
        "thon",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> frozenset[str]:
    """Folded words and adjacent word pairs (Vietnamese words are often two syllables)."""
    words = [w for w in _WORD.findall(fold_vi(text)) if w not in _STOP and len(w) > 1]
    return frozenset(words) | frozenset(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Suggestion:
    """Opinions that look alike, with the words they share as a proposed topic."""

    section_id: int | None
    opinion_ids: list[int]
    topic: str
    opinions: list[Opinion] = field(default_factory=list)


def suggest_groups(consultation: Consultation, *, threshold: float = 0.25) -> list[Suggestion]:
    """Group the ungrouped opinions of each section by shared words (diacritic-insensitive).

    Single-link clustering on the Jaccard overlap of folded words and word pairs: two opinions
    join when they share at least ``threshold`` of their words. The official confirms, edits
    or ignores each suggestion; nothing here is saved.
    """
    opinions = list(
        Opinion.objects.filter(consultation=consultation, group__isnull=True)
        .select_related("section")
        .order_by("section_id", "id")
    )
    tokens = {o.pk: _tokens(o.body) for o in opinions}
    parent = {o.pk: o.pk for o in opinions}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    by_section: dict[int | None, list[Opinion]] = {}
    for opinion in opinions:
        by_section.setdefault(opinion.section_id, []).append(opinion)
    for members in by_section.values():
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if _similarity(tokens[first.pk], tokens[second.pk]) >= threshold:
                    parent[root(second.pk)] = root(first.pk)
    clusters: dict[int, list[Opinion]] = {}
    for opinion in opinions:
        clusters.setdefault(root(opinion.pk), []).append(opinion)
    suggestions = []
    for members in clusters.values():
        counts = Counter(t for m in members for t in tokens[m.pk] if "_" not in t)
        common = [word for word, _n in counts.most_common(3)]
        suggestions.append(
            Suggestion(
                section_id=members[0].section_id,
                opinion_ids=[m.pk for m in members],
                topic=" ".join(common) if len(members) > 1 else members[0].body[:80],
                opinions=members,
            )
        )
    suggestions.sort(key=lambda s: (-len(s.opinion_ids), s.section_id or 0, s.opinion_ids[0]))
    return suggestions


# ---------------------------------------------------------------------------------------------
# Figures for reports.


@dataclass
class ConsultationFigures:
    """One commune's consultations over a period (by publication date)."""

    held_by_category: dict[int, int]
    participants: int
    opinions_by_form: dict[str, int]
    opinions: int
    answered: int
    accepted: int
    share_answered: float | None
    share_accepted: float | None
    decisions: int
    departures: int
    departures_explained: int


def consultation_figures(commune: Any, start: date, end: date) -> ConsultationFigures:
    """Held by category, participants, opinions by form, shares answered and accepted, and
    decisions departing from the majority with their explanations (Art. 28(4), 28(5))."""
    held = Consultation.objects.filter(
        commune=commune, published_on__gte=start, published_on__lte=end
    )
    by_category = dict(held.values_list("category").annotate(n=Count("id")).order_by("category"))
    opinions = Opinion.objects.filter(consultation__in=held)
    by_form = dict(opinions.values_list("form").annotate(n=Count("id")).order_by("form"))
    # A participant is an account, a verified phone, or a named paper author; an anonymous
    # paper opinion counts as one participant (the law counts opinions, not people).
    no_account = Q(author__isnull=True)
    no_phone = no_account & Q(phone_index="")
    people = opinions.aggregate(
        accounts=Count("author", distinct=True),
        phones=Count("phone_index", distinct=True, filter=no_account & ~Q(phone_index="")),
        named=Count("author_name", distinct=True, filter=no_phone & ~Q(author_name="")),
        anonymous=Count("id", filter=no_phone & Q(author_name="")),
    )
    total = opinions.count()
    answered = opinions.filter(group__outcome__in=[Outcome.ACCEPTED, Outcome.NOT_ACCEPTED])
    answered_count = answered.count()
    accepted = answered.filter(group__outcome=Outcome.ACCEPTED).count()
    decided = held.exclude(decision_issued_on=None)
    departures = decided.filter(departs_from_majority=True)
    return ConsultationFigures(
        held_by_category={int(k): v for k, v in by_category.items()},
        participants=sum(people.values()),
        opinions_by_form=by_form,
        opinions=total,
        answered=answered_count,
        accepted=accepted,
        share_answered=answered_count / total if total else None,
        share_accepted=accepted / answered_count if answered_count else None,
        decisions=decided.count(),
        departures=departures.count(),
        departures_explained=departures.exclude(departure_explanation="").count(),
    )


def category_label(value: int) -> str:
    return str(Category(value).label)


def form_label(value: str) -> str:
    return str(Form(value).label)


def sections_of(consultation: Consultation) -> list[Section]:
    return list(consultation.sections.order_by("position"))
