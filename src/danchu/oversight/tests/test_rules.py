"""The oversight rules at their boundaries (Law 10/2022 Art. 36–45; Decree 59/2023 Art. 12–17)."""

from __future__ import annotations

import datetime

import pytest

from danchu.oversight import rules

D = datetime.date


@pytest.mark.parametrize(
    ("votes_for", "members", "expected"),
    [(3, 5, True), (2, 5, False), (3, 6, False), (4, 6, True), (0, 0, False), (1, 1, True)],
)
def test_majority_is_more_than_half(votes_for, members, expected):
    # Decree 59 Art. 12(3): exactly half (3 of 6) is not a majority.
    assert rules.is_majority(votes_for, members) is expected


def test_by_election_needs_six_months_or_more_left():
    end = D(2030, 10, 1)
    assert rules.by_election_required(D(2030, 4, 1), end)  # exactly six months
    assert not rules.by_election_required(D(2030, 4, 2), end)  # a day less


def test_add_months_keeps_the_last_day_of_short_months():
    assert rules.add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert rules.add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert rules.add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_plan_reaches_the_investor_45_days_before():
    start = D(2026, 9, 1)
    assert rules.plan_sent_in_time(start - datetime.timedelta(days=45), start)
    assert not rules.plan_sent_in_time(start - datetime.timedelta(days=44), start)


def test_inspection_notice_five_working_days(db):
    monday = D(2026, 11, 2)
    # Tue 3 … Mon 9 are five working days (the weekend does not count).
    assert rules.inspection_notice_in_time(monday, D(2026, 11, 9), commune=None)
    assert not rules.inspection_notice_in_time(monday, D(2026, 11, 6), commune=None)
    assert not rules.inspection_notice_in_time(monday, D(2026, 11, 8), commune=None)


def test_answer_due_in_15_days_rolled_to_a_working_day(db):
    # Received Monday 2 Nov 2026: the 15th day is Tuesday 17 Nov.
    assert rules.answer_due_on(D(2026, 11, 2), commune=None) == D(2026, 11, 17)
    # Received Thursday 5 Nov: the 15th day is Friday 20 Nov.
    assert rules.answer_due_on(D(2026, 11, 5), commune=None) == D(2026, 11, 20)
    # Received Saturday 7 Nov: the 15th day is Sunday 22 Nov → Monday 23 Nov.
    assert rules.answer_due_on(D(2026, 11, 7), commune=None) == D(2026, 11, 23)


def test_inspection_board_size_and_villages():
    five = [1, 2, 3, 4, 5]
    leaders = ["head", "deputy", "member", "member", "member"]
    assert rules.inspection_board_problems(five, leaders, set(five)) == []
    # Four members: below the minimum of five.
    assert rules.inspection_board_problems(five[:4], leaders[:4], set(five[:4]))
    # Six villages, five seats: a village is missing.
    assert rules.inspection_board_problems(five, leaders, {1, 2, 3, 4, 5, 6})
    # Three villages: five members are allowed (several from one village), six are not.
    assert rules.inspection_board_problems([1, 2, 3, 1, 2], leaders, {1, 2, 3}) == []
    six = [1, 2, 3, 1, 2, 3]
    assert rules.inspection_board_problems(six, [*leaders, "member"], {1, 2, 3})


def test_leadership_one_head_at_most_two_deputies():
    assert rules.leadership_problems(["head", "deputy", "deputy"]) == []
    assert rules.leadership_problems(["head", "deputy", "deputy", "deputy"])
    assert rules.leadership_problems(["deputy", "member"])
    assert rules.leadership_problems(["head", "head"])


def test_supervision_board_composition():
    ok = ["front", "inspection", "resident", "resident", "resident"]
    leaders = ["head", "deputy", "member", "member", "member"]
    assert rules.supervision_board_problems(ok, leaders) == []
    assert rules.supervision_board_problems(ok[:4], leaders[:4])  # four members
    no_front = ["inspection", "resident", "resident", "resident", "resident"]
    assert rules.supervision_board_problems(no_front, leaders)
    six_residents = ["front", "inspection"] + ["resident"] * 6
    assert rules.supervision_board_problems(six_residents, leaders + ["member"] * 3)
    five_residents = ["front", "inspection"] + ["resident"] * 5
    assert rules.supervision_board_problems(five_residents, leaders + ["member"] * 2) == []
