"""The disclosure pillar's indicators: facts that agree with the register's own figures."""

from __future__ import annotations

import datetime
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danchu.disclosure import indicators
from danchu.disclosure.models import DisclosureVersion, InformationRequest, PublishingRecord
from danchu.disclosure.rules import Category, Channel
from danchu.disclosure.selectors import compliance_for, disclosure_figures
from danchu.disclosure.tests.factories import make_disclosure
from danchu.territory.models import CommuneProfile
from danchu.territory.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


def official_of(commune):
    from danchu.accounts.models import Role
    from danchu.accounts.tests.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_OFFICIAL).user


FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)
# Long after every deadline: every item is judged by the selector.
LATER = date(2027, 1, 1)


def _totals(facts) -> Counter:
    totals: Counter = Counter()
    for fact in facts:
        totals[fact.code] += fact.value
    return totals


def _item(actor, commune, *, starts: date, deadline: date, category=Category.OTHER, **kwargs):
    """A published version whose duty started on ``starts``, with its website act on the day
    of publication moved to ``published`` (default: the duty's first day)."""
    published = kwargs.pop("published", starts)
    disclosure = make_disclosure(actor, commune, publish=True, category=category, **kwargs)
    version = disclosure.public_version
    DisclosureVersion.objects.filter(pk=version.pk).update(
        duty_starts_on=starts, deadline=deadline, source_issued_on=starts
    )
    PublishingRecord.objects.filter(version=version).update(started_on=published)
    version.refresh_from_db()
    return version


def _act(actor, version, channel, started_on, village=None, days=40):
    # Straight into the table: the service refuses acts dated in the future or out of scope.
    return PublishingRecord.objects.create(
        commune_id=version.commune_id, version=version, channel=channel, village=village,
        started_on=started_on, ended_on=started_on + timedelta(days=days),
    )  # fmt: skip


def test_published_on_its_deadline_is_on_time_one_day_later_is_not(commune, official):
    start = date(2026, 3, 2)
    deadline = date(2026, 3, 9)
    _item(official, commune, starts=start, deadline=deadline, published=deadline)
    _item(official, commune, starts=start, deadline=deadline, published=deadline + timedelta(1))
    facts = list(indicators.daily_facts([commune.pk], FIRST, LAST))
    assert _totals(facts) == {
        "disclosure.items_due": 2,
        "disclosure.items_on_time": 1,
        "disclosure.channel_compliant": 2,
    }
    # Every fact on the day the duty started, for the commune, with no village.
    assert {(f.commune_id, f.village_id, f.day) for f in facts} == {(commune.pk, None, start)}


def test_the_period_is_the_day_the_duty_started(commune, official):
    _item(official, commune, starts=LAST, deadline=LAST + timedelta(days=7))
    _item(official, commune, starts=LAST + timedelta(days=1), deadline=LAST + timedelta(days=8))
    _item(official, commune, starts=FIRST - timedelta(days=1), deadline=FIRST + timedelta(days=6))
    assert _totals(indicators.daily_facts([commune.pk], FIRST, LAST))["disclosure.items_due"] == 1
    # Drafts never published are not items of the register's figures.
    make_disclosure(official, commune, publish=False)
    assert _totals(indicators.daily_facts(None, FIRST, LAST))["disclosure.items_due"] == 1


@pytest.fixture
def register(commune, official, other_commune):
    """Items of every kind in one commune: categories with village channels, a version for one
    village, late and missing acts; and one item in another commune."""
    a = VillageFactory(commune=commune)
    b = VillageFactory(commune=commune)
    VillageFactory(commune=commune, is_active=False)  # merged away: not in any scope
    day = date(2026, 2, 2)
    deadline = date(2026, 2, 9)
    # 1. Category 7 (website, office, village points, loudspeaker, village heads): all on time.
    full = _item(official, commune, starts=day, deadline=deadline, category=Category.SOCIAL_SUPPORT)
    for channel in (Channel.COMMUNE_OFFICE, Channel.LOUDSPEAKER):
        _act(official, full, channel, deadline)
    for village in (a, b):
        _act(official, full, Channel.VILLAGE_POINT, day, village)
        _act(official, full, Channel.VILLAGE_HEAD, deadline, village)
    # 2. The same, but village B's head relays a day late: complete, not on time.
    late = _item(official, commune, starts=day, deadline=deadline, category=Category.SOCIAL_SUPPORT)
    for channel in (Channel.COMMUNE_OFFICE, Channel.LOUDSPEAKER):
        _act(official, late, channel, day)
    for village in (a, b):
        _act(official, late, Channel.VILLAGE_POINT, day, village)
    _act(official, late, Channel.VILLAGE_HEAD, day, a)
    _act(official, late, Channel.VILLAGE_HEAD, deadline + timedelta(days=1), b)
    # 3. No loudspeaker act and village B's board missing: neither on time nor complete.
    missing = _item(official, commune, starts=day, deadline=deadline, category=Category.FEES)
    _act(official, missing, Channel.COMMUNE_OFFICE, day)
    _act(official, missing, Channel.VILLAGE_POINT, day, a)
    _act(official, missing, Channel.VILLAGE_HEAD, day, a)
    _act(official, missing, Channel.VILLAGE_HEAD, day, b)
    # 4. For village A only (category 1: website, office, village point): on time; an extra act
    #    in village B (not in its scope) changes nothing.
    scoped = _item(official, commune, starts=day, deadline=deadline, category=Category.PLANS,
                   village_ids=[a.pk])  # fmt: skip
    _act(official, scoped, Channel.COMMUNE_OFFICE, day)
    _act(official, scoped, Channel.VILLAGE_POINT, day, a)
    _act(official, scoped, Channel.VILLAGE_POINT, day, b)
    # 5. For village B only, posted there after the deadline: complete, late.
    scoped_late = _item(official, commune, starts=day, deadline=deadline, category=Category.PLANS,
                        village_ids=[b.pk])  # fmt: skip
    _act(official, scoped_late, Channel.COMMUNE_OFFICE, day)
    _act(official, scoped_late, Channel.VILLAGE_POINT, deadline + timedelta(days=3), b)
    # 6. Category 4 (permanently at the office): only on the website so far.
    _item(official, commune, starts=date(2026, 5, 4), deadline=date(2026, 5, 11),
          category=Category.DEMOCRACY_REGULATION)  # fmt: skip
    # 7. In the other commune.
    _item(official_of(other_commune), other_commune, starts=day, deadline=deadline)
    return a, b


def test_facts_agree_with_the_register_figures(commune, register):
    totals = _totals(indicators.daily_facts([commune.pk], FIRST, LAST))
    figures = disclosure_figures(commune, FIRST, LAST, today=LATER)
    assert figures.judged == figures.disclosures_made == totals["disclosure.items_due"] == 6
    assert figures.on_time == totals["disclosure.items_on_time"] == 2
    # Channel compliance: every required channel and place has at least one act.
    versions = DisclosureVersion.objects.filter(commune=commune, published_at__isnull=False)
    complete = sum(
        1
        for c in compliance_for(versions, today=LATER).values()
        if all(s.records for s in c.statuses)
    )
    assert complete == totals["disclosure.channel_compliant"] == 4


def test_a_commune_without_loudspeaker_needs_none(commune, official, register):
    CommuneProfile.objects.create(commune=commune, has_loudspeaker=False)
    totals = _totals(indicators.daily_facts([commune.pk], FIRST, LAST))
    figures = disclosure_figures(commune, FIRST, LAST, today=LATER)
    assert figures.on_time == totals["disclosure.items_on_time"] == 2
    # Item 3 lacked only the loudspeaker in village A, but village B's board is still missing.
    assert totals["disclosure.channel_compliant"] == 4


def test_commune_filter_and_one_fact_per_key(commune, other_commune, register):
    mine = list(indicators.daily_facts([commune.pk], FIRST, LAST))
    everyone = list(indicators.daily_facts(None, FIRST, LAST))
    theirs = list(indicators.daily_facts([other_commune.pk], FIRST, LAST))
    assert {f.commune_id for f in mine} == {commune.pk}
    assert {f.commune_id for f in theirs} == {other_commune.pk}
    assert Counter(everyone) == Counter(mine + theirs)
    assert list(indicators.daily_facts([], FIRST, LAST)) == []
    keys = [(f.code, f.commune_id, f.village_id, f.day) for f in everyone]
    assert len(keys) == len(set(keys))
    assert all(f.value > 0 for f in everyone)


def _request(commune, user, received: datetime.datetime, due: date, answered=None):
    request = InformationRequest.objects.create(
        commune=commune, requester=user, subject="Danh sách hộ nghèo", message="Xin cung cấp",
        reason=InformationRequest.Reason.EXPIRED, due_on=due,
    )  # fmt: skip
    InformationRequest.objects.filter(pk=request.pk).update(
        received_at=received,
        status="answered" if answered else "open",
        answered_at=answered,
        answer="Đã trả lời" if answered else "",
    )
    return request


def _local(day: date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_information_requests(commune, other_commune, official):
    due = date(2026, 6, 10)
    # Received on the period's last day, late evening (local time): in the period.
    _request(commune, official, _local(LAST, 23, 59), due, answered=_local(due, 23, 59))
    # Answered the day after its due day: answered, not on time.
    _request(commune, official, _local(FIRST, 0, 0), due, answered=_local(due + timedelta(1), 8))
    _request(commune, official, _local(date(2026, 3, 3), 9), due)  # still open
    # Received the day after the period: outside.
    _request(commune, official, _local(LAST + timedelta(days=1), 0, 0), due)
    _request(other_commune, official, _local(date(2026, 3, 3), 9), due)
    facts = list(indicators.daily_facts([commune.pk], FIRST, LAST))
    totals = _totals(facts)
    figures = disclosure_figures(commune, FIRST, LAST, today=LATER)
    assert totals["disclosure.info_requests"] == figures.requests_received == 3
    assert totals["disclosure.info_requests_answered"] == figures.requests_answered == 2
    assert (
        totals["disclosure.info_requests_answered_on_time"]
        == figures.requests_answered_on_time
        == 1
    )
    assert {f.day for f in facts} == {FIRST, date(2026, 3, 3), LAST}


def test_query_count_does_not_grow_with_rows(commune, official):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            list(indicators.daily_facts([commune.pk], FIRST, LAST))
        return len(queries)

    _item(official, commune, starts=date(2026, 2, 2), deadline=date(2026, 2, 9))
    small = count()
    for n in range(6):
        _item(official, commune, starts=date(2026, 3, 2 + n), deadline=date(2026, 3, 12),
              category=Category.SOCIAL_SUPPORT)  # fmt: skip
        _request(commune, official, _local(date(2026, 3, 2 + n), 9), date(2026, 3, 20))
    assert count() == small == 2


def test_catalogue_entries():
    codes = {i.code for i in indicators.INDICATORS}
    assert {
        "disclosure.items_due", "disclosure.items_on_time", "disclosure.on_time_rate",
        "disclosure.channel_compliant", "disclosure.channel_rate", "disclosure.info_requests",
    } <= codes  # fmt: skip
    for indicator in indicators.INDICATORS:
        assert indicator.pillar == "disclosure"
        assert indicator.legal_basis
        if indicator.is_rate:
            assert {indicator.numerator, indicator.denominator} <= codes
