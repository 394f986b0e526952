"""Law 10/2022 Art. 12–13 at their boundaries: the channel matrix, 30 and 3 consecutive days,
permanent posting, and the deadline (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from danchu.disclosure.rules import (
    LOUDSPEAKER_MIN_DAYS,
    POSTING_MIN_DAYS,
    Category,
    Channel,
    Outcome,
    Requirement,
    Span,
    evaluate,
    requirements,
)

D = date(2026, 3, 2)  # a Monday
DEADLINE = date(2026, 3, 9)
POSTING = Requirement(Channel.COMMUNE_OFFICE, min_days=POSTING_MIN_DAYS)
SPEAKER = Requirement(Channel.LOUDSPEAKER, min_days=LOUDSPEAKER_MIN_DAYS, inclusive=True)
PERMANENT = Requirement(Channel.COMMUNE_OFFICE, permanent=True)
LATER = date(2026, 6, 1)


def _channels(category: int, villages=(1, 2)) -> set[tuple[str, int | None]]:
    return {r.key for r in requirements(category, villages)}


def test_there_are_fourteen_categories_numbered_as_art_11():
    assert [c.value for c in Category] == list(range(1, 15))


@pytest.mark.parametrize("category", [1, 2, 3, 5, 6])
def test_posting_for_30_days_at_the_office_and_every_village(category):
    # Art. 13(1)–(2): website; commune office and every village point, no loudspeaker.
    assert _channels(category) == {
        ("website", None), ("commune_office", None), ("village_point", 1), ("village_point", 2),
    }  # fmt: skip
    office = next(r for r in requirements(category, [1]) if r.channel == Channel.COMMUNE_OFFICE)
    assert office.min_days == 30
    assert not office.permanent


@pytest.mark.parametrize("category", [7, 8, 9, 10, 11, 12])
def test_welfare_and_the_like_add_loudspeaker_and_relay_by_the_village_head(category):
    # Art. 13(3)–(4).
    assert _channels(category) == {
        ("website", None), ("commune_office", None), ("village_point", 1), ("village_point", 2),
        ("loudspeaker", None), ("village_head", 1), ("village_head", 2),
    }  # fmt: skip


@pytest.mark.parametrize("category", [4, 13])
def test_regulation_and_procedures_are_posted_permanently_at_the_office(category):
    # Art. 13(2): "thường xuyên" at the commune office, not at village points.
    found = requirements(category, [1, 2])
    assert {r.key for r in found} == {("website", None), ("commune_office", None)}
    assert next(r for r in found if r.channel == Channel.COMMUNE_OFFICE).permanent


def test_other_contents_need_the_website_only():
    assert _channels(14) == {("website", None)}


def test_no_loudspeaker_system_no_loudspeaker_duty():
    # Art. 13(3): "if any".
    keys = {r.key for r in requirements(7, [1], has_loudspeaker=False)}
    assert ("loudspeaker", None) not in keys
    assert ("village_head", 1) in keys


def test_posting_29_days_is_too_short_30_is_enough():
    # Posted on 2 March: the 30 days run from 3 March (Civil Code Art. 147(2)) to 1 April.
    short = evaluate(POSTING, [Span(D, D + timedelta(days=29))], deadline=DEADLINE, today=LATER)
    enough = evaluate(POSTING, [Span(D, D + timedelta(days=30))], deadline=DEADLINE, today=LATER)
    assert short.outcome == Outcome.TOO_SHORT
    assert short.longest_days == 29
    assert enough.outcome == Outcome.DONE
    assert enough.longest_days == 30


def test_a_posting_still_up_runs_until_it_reaches_30_days():
    still_up = [Span(D)]
    assert evaluate(POSTING, still_up, deadline=DEADLINE, today=D + timedelta(days=29)).outcome == (
        Outcome.RUNNING
    )
    assert evaluate(POSTING, still_up, deadline=DEADLINE, today=D + timedelta(days=30)).outcome == (
        Outcome.DONE
    )


def test_a_future_end_date_does_not_count_days_not_yet_passed():
    planned = [Span(D, D + timedelta(days=40))]
    result = evaluate(POSTING, planned, deadline=DEADLINE, today=D + timedelta(days=10))
    assert result.outcome == Outcome.RUNNING
    assert result.longest_days == 10


def test_postings_with_a_gap_do_not_add_up_to_consecutive_days():
    # Up 2–17 March, down on 18 March, up again 19 March – 3 April: not 30 consecutive days.
    spans = [Span(D, D + timedelta(days=15)), Span(D + timedelta(days=17), D + timedelta(days=32))]
    result = evaluate(POSTING, spans, deadline=DEADLINE, today=LATER)
    assert result.outcome == Outcome.TOO_SHORT


def test_back_to_back_or_overlapping_postings_are_one_run():
    # A torn notice re-posted the next day, or the same board recorded twice, stays consecutive.
    back_to_back = [
        Span(D, D + timedelta(days=15)),
        Span(D + timedelta(days=16), D + timedelta(days=30)),
    ]
    overlapping = [Span(D, D + timedelta(days=20)), Span(D + timedelta(days=10))]
    for spans in (back_to_back, overlapping):
        result = evaluate(POSTING, spans, deadline=DEADLINE, today=LATER)
        assert result.outcome == Outcome.DONE
        assert result.longest_days >= 30


def test_a_posting_up_until_its_version_was_replaced_did_its_duty():
    # Art. 14: the changed information is publicised again; the old posting comes down.
    replaced = D + timedelta(days=10)
    spans = [Span(D, replaced)]
    assert evaluate(POSTING, spans, deadline=DEADLINE, today=LATER).outcome == Outcome.TOO_SHORT
    done = evaluate(POSTING, spans, deadline=DEADLINE, today=LATER, closed_on=replaced)
    assert done.outcome == Outcome.DONE
    permanent = evaluate(PERMANENT, spans, deadline=DEADLINE, today=LATER, closed_on=replaced)
    assert permanent.outcome == Outcome.DONE
    # Taken down days before the replacement: still too short.
    early = [Span(D, D + timedelta(days=5))]
    result = evaluate(POSTING, early, deadline=DEADLINE, today=LATER, closed_on=replaced)
    assert result.outcome == Outcome.TOO_SHORT


def test_a_version_replaced_before_its_deadline_never_fell_due():
    result = evaluate(POSTING, [], deadline=DEADLINE, today=LATER, closed_on=DEADLINE)
    assert result.outcome == Outcome.PENDING


def test_loudspeaker_three_broadcast_days_counted_inclusively():
    two = evaluate(SPEAKER, [Span(D, D + timedelta(days=1))], deadline=DEADLINE, today=LATER)
    three = evaluate(SPEAKER, [Span(D, D + timedelta(days=2))], deadline=DEADLINE, today=LATER)
    assert two.outcome == Outcome.TOO_SHORT
    assert two.longest_days == 2
    assert three.outcome == Outcome.DONE
    assert three.longest_days == 3


def test_permanent_posting_taken_down_is_a_problem():
    up = evaluate(PERMANENT, [Span(D)], deadline=DEADLINE, today=LATER)
    down = evaluate(PERMANENT, [Span(D, D + timedelta(days=50))], deadline=DEADLINE, today=LATER)
    assert up.outcome == Outcome.DONE
    assert down.outcome == Outcome.TOO_SHORT


def test_started_on_the_deadline_is_on_time_a_day_later_is_late():
    on_time = evaluate(POSTING, [Span(DEADLINE)], deadline=DEADLINE, today=LATER)
    late = evaluate(POSTING, [Span(DEADLINE + timedelta(days=1))], deadline=DEADLINE, today=LATER)
    assert on_time.outcome == Outcome.DONE
    assert not on_time.late
    assert late.outcome == Outcome.DONE_LATE
    assert late.late


def test_nothing_recorded_is_pending_until_the_deadline_then_missing():
    assert evaluate(POSTING, [], deadline=DEADLINE, today=DEADLINE).outcome == Outcome.PENDING
    missing = evaluate(POSTING, [], deadline=DEADLINE, today=DEADLINE + timedelta(days=1))
    assert missing.outcome == Outcome.MISSING
    assert missing.outcome.is_problem


def test_a_record_dated_after_today_is_not_counted_yet():
    result = evaluate(POSTING, [Span(LATER)], deadline=DEADLINE, today=D)
    assert result.outcome == Outcome.PENDING
