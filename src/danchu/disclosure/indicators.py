"""The disclosure pillar's indicators for the steering reports (see danchu.core.indicators).

Items are the register's published versions (Law 10/2022 Art. 14: a changed item is published
again, so each version is one item to publish), counted on the day their duty to publish
started (``duty_starts_on``) — the day ``disclosure_figures`` sorts them into periods by. An
item is **on time** when every channel Art. 13 requires for it (website, commune office, each
village's notice board, loudspeaker, each village head, by category and the version's
villages — :func:`danchu.disclosure.rules.requirements`) has an act of publishing that started
no later than its deadline (Art. 12(3)): the same verdict as ``Compliance.on_time``. An item is
**channel compliant** when every required channel and place has at least one act recorded at
all. Information requests (Art. 14) count on the day they were received.

Everything is counted by the database: one grouped query over the versions, with correlated
sub-queries for the channels, and one over the requests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from danchu.core.indicators import Fact, Indicator
from danchu.disclosure.models import (
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
    VersionVillage,
)
from danchu.disclosure.rules import Category, Channel, requirements
from danchu.territory.models import CommuneProfile, Village

PILLAR = "disclosure"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="disclosure.items_due",
        pillar=PILLAR,
        name=_("Items to publicise"),
        definition=_(
            "Published versions of the publicity register whose duty to publish started in the "
            "period (a changed item is published again and counts again)."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 11, 12, 14",
    ),
    Indicator(
        code="disclosure.items_on_time",
        pillar=PILLAR,
        name=_("Items publicised on time"),
        definition=_(
            "Of the items to publicise, those published on every required channel no later than "
            "the deadline (5 working days after issue, or the sector law's deadline)."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 12 khoản 3, Điều 13",
    ),
    Indicator(
        code="disclosure.on_time_rate",
        pillar=PILLAR,
        name=_("Share of items publicised on time"),
        definition=_("Items publicised on time among the items to publicise."),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 12 khoản 3, Điều 13",
        numerator="disclosure.items_on_time",
        denominator="disclosure.items_due",
    ),
    Indicator(
        code="disclosure.channel_compliant",
        pillar=PILLAR,
        name=_("Items publicised on every required channel"),
        definition=_(
            "Of the items to publicise, those with at least one act of publishing recorded on "
            "every channel and at every place the law requires for their content."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 12 khoản 1, Điều 13",
    ),
    Indicator(
        code="disclosure.channel_rate",
        pillar=PILLAR,
        name=_("Share of items publicised on every required channel"),
        definition=_("Items publicised on every required channel among the items to publicise."),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 12 khoản 1, Điều 13",
        numerator="disclosure.channel_compliant",
        denominator="disclosure.items_due",
    ),
    Indicator(
        code="disclosure.info_requests",
        pillar=PILLAR,
        name=_("Requests for information received"),
        definition=_(
            "Residents' requests for information not or no longer publicised, received in the "
            "period."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 14",
    ),
    Indicator(
        code="disclosure.info_requests_answered",
        pillar=PILLAR,
        name=_("Requests for information answered"),
        definition=_("Of the requests for information received in the period, those answered."),
        measure="count",
        legal_basis="Luật 10/2022 Điều 14",
    ),
    Indicator(
        code="disclosure.info_requests_answered_on_time",
        pillar=PILLAR,
        name=_("Requests for information answered on time"),
        definition=_(
            "Of the requests for information received in the period, those answered no later "
            "than their due day."
        ),
        measure="count",
        legal_basis="Luật 10/2022 Điều 14",
    ),
    Indicator(
        code="disclosure.info_requests_answered_rate",
        pillar=PILLAR,
        name=_("Share of requests for information answered on time"),
        definition=_(
            "Requests for information answered on time among the requests received in the period."
        ),
        measure="rate",
        legal_basis="Luật 10/2022 Điều 14",
        numerator="disclosure.info_requests_answered_on_time",
        denominator="disclosure.info_requests",
    ),
)


# The channels the law requires for each category, once for the commune and once per village
# of the version's scope, read from the rules (one village stands for all).
def _required_channels() -> dict[int, tuple[frozenset[str], frozenset[str]]]:
    found = {}
    for category in Category:
        duties = requirements(category, [0], has_loudspeaker=True)
        found[int(category)] = (
            frozenset(str(r.channel) for r in duties if r.village_id is None),
            frozenset(str(r.channel) for r in duties if r.village_id is not None),
        )
    return found


def _commune_channel_reached(channel: str, *, by_deadline: bool) -> Exists:
    acts = PublishingRecord.objects.filter(version=OuterRef("pk"), channel=channel)
    if by_deadline:
        acts = acts.filter(started_on__lte=OuterRef("deadline"))
    return Exists(acts)


def _villages_reached(channel: str, *, by_deadline: bool) -> Coalesce:
    """How many villages of the version's scope have an act on ``channel``."""
    listed = VersionVillage.objects.filter(
        version_id=OuterRef("version_id"), village_id=OuterRef("village_id")
    )
    acts = PublishingRecord.objects.filter(version=OuterRef("pk"), channel=channel).filter(
        Q(
            version__all_villages=True,
            village__is_active=True,
            village__commune_id=F("version__commune_id"),
        )
        | Q(Exists(listed), version__all_villages=False)
    )
    if by_deadline:
        acts = acts.filter(started_on__lte=OuterRef("deadline"))
    counted = acts.order_by().values("version_id").annotate(n=Count("village_id", distinct=True))
    return Coalesce(Subquery(counted.values("n")[:1]), Value(0), output_field=IntegerField())


def _scope_size() -> tuple[Coalesce, Coalesce]:
    """The number of villages in a version's scope (as ``compliance_for`` reads it): the
    commune's active villages, and the villages listed for the version."""
    active = (
        Village.objects.filter(commune_id=OuterRef("commune_id"), is_active=True)
        .order_by()
        .values("commune_id")
        .annotate(n=Count("id"))
    )
    listed = (
        VersionVillage.objects.filter(version_id=OuterRef("pk"))
        .order_by()
        .values("version_id")
        .annotate(n=Count("village_id", distinct=True))
    )
    return (
        Coalesce(Subquery(active.values("n")[:1]), Value(0), output_field=IntegerField()),
        Coalesce(Subquery(listed.values("n")[:1]), Value(0), output_field=IntegerField()),
    )


def _covered(*, by_deadline: bool) -> Q:
    """Every channel and place the law requires for the version has an act (started by the
    deadline when ``by_deadline``) — Law 10/2022 Art. 12(3), 13."""
    # Art. 13(3): the loudspeaker only "if the commune has one".
    silent = Exists(
        CommuneProfile.objects.filter(commune_id=OuterRef("commune_id"), has_loudspeaker=False)
    )
    active, listed = _scope_size()
    groups: dict[tuple[frozenset[str], frozenset[str]], list[int]] = {}
    for category, channels in _required_channels().items():
        groups.setdefault(channels, []).append(category)
    condition = Q(pk__in=[])
    for (commune_channels, village_channels), categories in groups.items():
        met = Q(category__in=categories)
        for channel in sorted(commune_channels):
            reached = _commune_channel_reached(channel, by_deadline=by_deadline)
            met &= Q(reached) | Q(silent) if channel == Channel.LOUDSPEAKER else Q(reached)
        for channel in sorted(village_channels):
            reached_n = _villages_reached(channel, by_deadline=by_deadline)
            met &= Q(
                Q(all_villages=True) & Q(_ge(reached_n, active))
                | Q(all_villages=False) & Q(_ge(reached_n, listed))
            )
        condition |= met
    return condition


def _ge(left: Coalesce, right: Coalesce) -> Q:
    from django.db.models.lookups import GreaterThanOrEqual

    return Q(GreaterThanOrEqual(left, right))


def _day(field: str) -> TruncDate:
    # The local day (settings.TIME_ZONE), as the selectors' day bounds.
    return TruncDate(field)


def daily_facts(commune_ids: Sequence[int] | None, first: date, last: date) -> Iterator[Fact]:
    """The pillar's facts per commune and day between first and last (no village: the items
    and requests are the commune's)."""
    versions = DisclosureVersion.objects.filter(
        published_at__isnull=False, duty_starts_on__gte=first, duty_starts_on__lte=last
    )
    requests = InformationRequest.objects.annotate(day=_day("received_at")).filter(
        day__gte=first, day__lte=last
    )
    if commune_ids is not None:
        versions = versions.filter(commune_id__in=commune_ids)
        requests = requests.filter(commune_id__in=commune_ids)
    rows = (
        versions.order_by()
        .values("commune_id", "duty_starts_on")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=_covered(by_deadline=True)),
            compliant=Count("id", filter=_covered(by_deadline=False)),
        )
    )
    for row in rows:
        commune_id, day = row["commune_id"], row["duty_starts_on"]
        yield Fact("disclosure.items_due", commune_id, None, day, row["due"])
        if row["on_time"]:
            yield Fact("disclosure.items_on_time", commune_id, None, day, row["on_time"])
        if row["compliant"]:
            yield Fact("disclosure.channel_compliant", commune_id, None, day, row["compliant"])
    answered = Q(status=InformationRequest.Status.ANSWERED)
    request_rows = (
        requests.order_by()
        .values("commune_id", "day")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=answered),
            # Answered no later than the end of its due day (Civil Code Art. 148(6)), as
            # ``services.request_on_time``.
            on_time=Count(
                "id",
                filter=answered
                & Q(answered_at__isnull=False)
                & Q(_le_date("answered_at", "due_on")),
            ),
        )
    )
    for req in request_rows:
        commune_id, day = req["commune_id"], req["day"]
        yield Fact("disclosure.info_requests", commune_id, None, day, req["received"])
        if req["answered"]:
            yield Fact("disclosure.info_requests_answered", commune_id, None, day, req["answered"])
        if req["on_time"]:
            yield Fact(
                "disclosure.info_requests_answered_on_time", commune_id, None, day, req["on_time"]
            )


def _le_date(moment: str, day: str) -> Q:
    from django.db.models.lookups import LessThanOrEqual

    return Q(LessThanOrEqual(TruncDate(moment), F(day)))
