"""The demo register: realistic outcomes, public, past dates only, deterministic, idempotent."""

from __future__ import annotations

from collections import Counter
from html import escape
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from danchu.disclosure import demo, selectors
from danchu.disclosure.models import (
    Disclosure,
    DisclosureVersion,
    InformationRequest,
    PublishingRecord,
)
from danchu.disclosure.rules import Category, Channel, Outcome
from danchu.disclosure.services import request_on_time
from danchu.territory.demo import DEMO_COMMUNE_CODE, demo_load
from danchu.territory.tests.factories import CommuneFactory, ProvinceFactory


@pytest.fixture
def can_loc(db):
    # The real codes without loading all 14,000 units (as territory's demo test does), and a
    # small demo commune: the register needs its villages and accounts, not 2,000 households.
    province = ProvinceFactory(code="42", name="Tỉnh Hà Tĩnh")
    commune = CommuneFactory(code=DEMO_COMMUNE_CODE, name="Xã Can Lộc", parent=province)
    demo_load(seed=2025, households=12)
    return commune


def _outcomes(commune):
    versions = [
        d.public_version
        for d in Disclosure.objects.filter(commune=commune, public_version__isnull=False)
        .select_related("public_version")
    ]  # fmt: skip
    found = selectors.compliance_for(versions)
    return found, Counter(s.outcome for c in found.values() for s in c.statuses)


def _snapshot(commune):
    return (
        list(
            DisclosureVersion.objects.filter(commune=commune)
            .order_by("id")
            .values_list("title", "source_document", "source_issued_on", "deadline")
        ),
        list(
            PublishingRecord.objects.filter(commune=commune)
            .order_by("id")
            .values_list("channel", "village__code", "started_on", "ended_on")
        ),
    )


def test_demo_register_has_every_kind_of_outcome(can_loc, client):
    result = demo.demo_load(can_loc, seed=2025)
    assert (result.disclosures, result.drafts, result.requests) == (len(demo.ITEMS), 1, 4)
    assert result.disclosures >= 18
    assert result.records == PublishingRecord.objects.filter(commune=can_loc).count()

    found, outcomes = _outcomes(can_loc)
    for outcome in (Outcome.DONE, Outcome.DONE_LATE, Outcome.MISSING, Outcome.TOO_SHORT):
        assert outcomes[outcome] >= 1, outcome
    assert outcomes[Outcome.PENDING] >= 1  # the correction, not yet on the notice board
    complete = [c for c in found.values() if c.complete and c.on_time]
    assert len(complete) >= 5

    # Most of Art. 11's contents, for the whole commune and for a few villages.
    categories = set(Disclosure.objects.filter(commune=can_loc).values_list("category", flat=True))
    assert {Category.BUDGET, Category.SOCIAL_SUPPORT, Category.MILITARY_SERVICE,
            Category.DEMOCRACY_REGULATION, Category.ADMIN_PROCEDURES,
            Category.FUNDS_CONTRIBUTIONS, Category.INVESTMENT_LAND, Category.FEES,
            Category.CONSULTATION, Category.INSPECTION_RESULTS,
            Category.DISASTER_SUPPORT} <= categories  # fmt: skip
    scopes = Counter(
        Disclosure.objects.filter(commune=can_loc).values_list("all_villages", flat=True)
    )
    assert scopes[True] >= 10
    assert scopes[False] >= 3

    # The public list shows every published item, newest first; the draft is not in it.
    public = list(selectors.disclosure_list_public(can_loc))
    assert len(public) == len(demo.ITEMS) - 1
    assert all(d.status == Disclosure.Status.PUBLISHED for d in public)
    assert [d.published_at for d in public] == sorted((d.published_at for d in public),
                                                      reverse=True)  # fmt: skip
    assert "Quyết định số" in " ".join(d.public_version.source_document for d in public)
    page = client.get(reverse("disclosure:public_list", args=[DEMO_COMMUNE_CODE]))
    assert page.status_code == 200
    assert escape(public[0].public_version.title) in page.content.decode()


def test_demo_history_is_in_the_past_and_consistent(can_loc):
    demo.demo_load(can_loc, seed=2025)
    today, now = timezone.localdate(), timezone.now()
    records = PublishingRecord.objects.filter(commune=can_loc)
    assert not records.filter(started_on__gt=today).exists()
    assert not records.filter(ended_on__gt=today).exists()
    assert not records.filter(recorded_at__gt=now).exists()
    versions = DisclosureVersion.objects.filter(commune=can_loc)
    assert not versions.filter(published_at__gt=now).exists()
    assert not versions.filter(source_issued_on__gt=today).exists()
    for version in versions.filter(published_at__isnull=False):
        published_on = timezone.localtime(version.published_at).date()
        assert version.source_issued_on <= published_on < today
        website = version.records.get(channel=Channel.WEBSITE)
        assert website.started_on == published_on
        assert all(r.started_on >= version.source_issued_on for r in version.records.all())

    # The correction: version 2 is public, says what changed, and awaits its notice board.
    corrected = Disclosure.objects.get(commune=can_loc, public_version__number=2)
    first, second = DisclosureVersion.objects.filter(disclosure=corrected).order_by("number")
    assert second.change_note
    assert second.duty_starts_on < today <= second.deadline
    assert first.records.get(channel=Channel.WEBSITE).ended_on == second.duty_starts_on
    statuses = selectors.compliance_for([second])[second.pk].statuses
    assert {s.outcome for s in statuses} == {Outcome.DONE, Outcome.PENDING}

    # The posting taken down too early lasted 20 days.
    short = [
        s for c in selectors.compliance_for(
            [v for v in versions if v.published_at is not None]).values()
        for s in c.statuses if s.outcome == Outcome.TOO_SHORT
    ]  # fmt: skip
    assert [s.evaluation.longest_days for s in short] == [20]

    # Requests: answered on time, answered late, open and overdue, open and not yet due.
    requests = list(InformationRequest.objects.filter(commune=can_loc))
    assert not [r for r in requests if r.received_at > now or r.due_on < r.received_at.date()]
    answered = [r for r in requests if r.status == InformationRequest.Status.ANSWERED]
    assert sorted(request_on_time(r) for r in answered) == [False, True]
    assert all(r.received_at < r.answered_at < now for r in answered)
    still_open = [r for r in requests if r.status == InformationRequest.Status.OPEN]
    assert sorted(r.due_on < today for r in still_open) == [False, True]


def test_demo_is_deterministic_for_a_seed(can_loc):
    demo.demo_load(can_loc, seed=2025)
    first = _snapshot(can_loc)
    demo.demo_reset(can_loc)
    demo.demo_load(can_loc, seed=2025)
    assert _snapshot(can_loc) == first
    demo.demo_reset(can_loc)
    demo.demo_load(can_loc, seed=7)
    other = _snapshot(can_loc)
    assert other != first
    assert [t for t, *_ in other[0]][:3] == [t for t, *_ in first[0]][:3]  # same items


def _register_counts():
    """The register's own demo rows: the consultations' demo publishes its drafts and
    syntheses through the register too (Art. 11(11)); those are counted by its own test."""
    from danchu.consultation.models import Consultation

    theirs = Consultation.objects.exclude(disclosure=None).values("disclosure_id")
    return (
        Disclosure.objects.exclude(pk__in=theirs).count(),
        DisclosureVersion.objects.exclude(disclosure__in=theirs).count(),
        PublishingRecord.objects.exclude(version__disclosure__in=theirs).count(),
        InformationRequest.objects.count(),
    )


def test_danchu_demo_twice_does_not_duplicate_and_reset_rebuilds(can_loc):
    out = StringIO()
    call_command("demo", households=12, stdout=out)
    counts = (*_register_counts(),)
    assert counts[0] == len(demo.ITEMS)
    assert f"{len(demo.ITEMS)} (1 " in out.getvalue()  # the one summary line

    again = StringIO()
    call_command("demo", households=12, stdout=again)
    assert counts == (*_register_counts(),)
    assert "--reset" in again.getvalue()

    # --reset removes the register before the villages and accounts it refers to.
    call_command("demo", households=12, reset=True, stdout=StringIO())
    assert counts == (*_register_counts(),)
    assert selectors.disclosure_list_public(can_loc).exists()
