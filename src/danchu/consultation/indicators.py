"""The consultation pillar's indicators for the steering reports (see danchu.core.indicators).

A consultation counts on the day it was published for opinions (``published_on``), and so do
its opinions, its answers and its decision — the day ``consultation_figures`` sorts them into
periods by, which does not move when opinions arrive or are answered later. A consultation is
the commune's (no village); an opinion belongs to the village its author gave, if any.

Answered opinions are those in a group the commune answered in the synthesis, accepted or not
with an explanation (Law 10/2022 Art. 28(3)); a decision departs from the majority when the
commune recorded so, with its explanation (Art. 28(4)).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from danchu.consultation.models import Consultation, Opinion
from danchu.consultation.rules import Category, Form, Outcome
from danchu.core.indicators import Fact, Indicator

PILLAR = "consultation"

# The Art. 25 subjects by code (``consultation.held_<subject>``).
CATEGORY_CODES: dict[int, str] = {
    Category.SOCIO_ECONOMIC: "socio_economic",
    Category.LAND_USE: "land_use",
    Category.PROJECTS: "projects",
    Category.ADMINISTRATIVE_UNITS: "administrative_units",
    Category.COMMUNITY_DECISIONS: "community_decisions",
    Category.CONSTRUCTION_PLANNING: "construction_planning",
    Category.DEMOCRACY_REGULATION: "democracy_regulation",
    Category.INDIVIDUAL_DECISIONS: "individual_decisions",
    Category.OTHER: "other",
}

_CATEGORY_NAMES: dict[int, StrOrPromise] = {
    Category.SOCIO_ECONOMIC: _("Consultations on socio-economic plans"),
    Category.LAND_USE: _("Consultations on land-use plans"),
    Category.PROJECTS: _("Consultations on projects affecting the community"),
    Category.ADMINISTRATIVE_UNITS: _("Consultations on administrative units and villages"),
    Category.COMMUNITY_DECISIONS: _("Consultations on decisions affecting the community"),
    Category.CONSTRUCTION_PLANNING: _("Consultations on construction plans"),
    Category.DEMOCRACY_REGULATION: _("Consultations on the grassroots democracy regulation"),
    Category.INDIVIDUAL_DECISIONS: _("Consultations of citizens named in a decision"),
    Category.OTHER: _("Consultations on other contents"),
}


def _by_category() -> tuple[Indicator, ...]:
    return tuple(
        Indicator(
            code=f"consultation.held_{slug}",
            pillar=PILLAR,
            name=_CATEGORY_NAMES[category],
            definition=_("Consultations on this subject (Art. 25) published in the period."),
            measure="count",
            legal_basis=f"Luật 10/2022 Điều 25 khoản {int(category)}",
        )
        for category, slug in CATEGORY_CODES.items()
    )


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="consultation.held",
        pillar=PILLAR,
        name=_("Consultations held"),
        definition=_("Consultations of the residents on a draft published in the period."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 25, 26",
    ),
    Indicator(
        code="consultation.opinions",
        pillar=PILLAR,
        name=_("Opinions received"),
        definition=_(
            "Opinions received, in every form, on the consultations published in the period."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 26, 28",
    ),
    Indicator(
        code="consultation.opinions_online",
        pillar=PILLAR,
        name=_("Opinions received on the commune website"),
        definition=_("Of the opinions received, those given on the commune website (danchu)."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 26 khoản 1",
    ),
    Indicator(
        code="consultation.opinions_answered",
        pillar=PILLAR,
        name=_("Opinions answered"),
        definition=_(
            "Of the opinions received, those the commune answered in its synthesis: accepted, "
            "or not accepted with an explanation."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 28 khoản 3",
    ),
    Indicator(
        code="consultation.opinions_accepted",
        pillar=PILLAR,
        name=_("Opinions accepted"),
        definition=_("Of the opinions answered, those accepted (tiếp thu)."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 28 khoản 3",
    ),
    Indicator(
        code="consultation.answered_rate",
        pillar=PILLAR,
        name=_("Share of opinions answered"),
        definition=_("Opinions answered among the opinions received."),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 28 khoản 3",
        numerator="consultation.opinions_answered",
        denominator="consultation.opinions",
    ),
    Indicator(
        code="consultation.accepted_rate",
        pillar=PILLAR,
        name=_("Share of opinions accepted"),
        definition=_("Opinions accepted among the opinions answered."),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 28 khoản 3",
        numerator="consultation.opinions_accepted",
        denominator="consultation.opinions_answered",
    ),
    Indicator(
        code="consultation.decisions",
        pillar=PILLAR,
        name=_("Decisions issued after a consultation"),
        definition=_(
            "Of the consultations published in the period, those on which the authority has "
            "issued its decision."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 28 khoản 4",
    ),
    Indicator(
        code="consultation.departing_majority",
        pillar=PILLAR,
        name=_("Decisions departing from the majority"),
        definition=_(
            "Of the decisions issued after a consultation, those departing from the majority "
            "of the opinions, each with its explanation."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 28 khoản 4",
    ),
    Indicator(
        code="consultation.departing_rate",
        pillar=PILLAR,
        name=_("Share of decisions departing from the majority"),
        definition=_("Decisions departing from the majority among the decisions issued."),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 28 khoản 4",
        numerator="consultation.departing_majority",
        denominator="consultation.decisions",
    ),
    *_by_category(),
)


def daily_facts(commune_ids: Sequence[int] | None, first: date, last: date) -> Iterator[Fact]:
    """The pillar's facts per commune, village and publication day between first and last:
    two grouped queries (consultations, opinions)."""
    held = Consultation.objects.filter(published_on__gte=first, published_on__lte=last)
    if commune_ids is not None:
        held = held.filter(commune_id__in=commune_ids)
    decided = Q(decision_issued_on__isnull=False)
    rows = (
        held.order_by()
        .values("commune_id", "published_on", "category")
        .annotate(
            n=Count("id"),
            decided=Count("id", filter=decided),
            departing=Count("id", filter=decided & Q(departs_from_majority=True)),
        )
    )
    totals: dict[tuple[str, int, int | None, date], int] = {}

    def add(
        code: str, commune_id: int, village_id: int | None, day: date | None, value: int
    ) -> None:
        # ``day`` is never None: the consultations are filtered on their publication day.
        if value and day is not None:
            key = (code, commune_id, village_id, day)
            totals[key] = totals.get(key, 0) + value

    for row in rows:
        place: tuple[int, int | None, date | None] = (row["commune_id"], None, row["published_on"])
        add("consultation.held", *place, row["n"])
        slug = CATEGORY_CODES.get(row["category"])
        if slug is not None:
            add(f"consultation.held_{slug}", *place, row["n"])
        add("consultation.decisions", *place, row["decided"])
        add("consultation.departing_majority", *place, row["departing"])
    answered = Q(group__outcome__in=[Outcome.ACCEPTED, Outcome.NOT_ACCEPTED])
    opinion_rows = (
        Opinion.objects.filter(consultation__in=held.values("pk"))
        .order_by()
        .values("consultation__commune_id", "village_id", "consultation__published_on")
        .annotate(
            n=Count("id"),
            online=Count("id", filter=Q(form=Form.WEB)),
            answered=Count("id", filter=answered),
            accepted=Count("id", filter=Q(group__outcome=Outcome.ACCEPTED)),
        )
    )
    for opinion_row in opinion_rows:
        place = (
            opinion_row["consultation__commune_id"],
            opinion_row["village_id"],
            opinion_row["consultation__published_on"],
        )
        add("consultation.opinions", *place, opinion_row["n"])
        add("consultation.opinions_online", *place, opinion_row["online"])
        add("consultation.opinions_answered", *place, opinion_row["answered"])
        add("consultation.opinions_accepted", *place, opinion_row["accepted"])
    for (code, commune_id, village_id, day), value in totals.items():
        yield Fact(code, commune_id, village_id, day, value)
