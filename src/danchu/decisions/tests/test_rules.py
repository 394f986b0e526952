"""The law's rules at every boundary (Law 10/2022 Art. 16–21; Decree 59/2023; Decree 61/2023).

"More than half" fails at exactly half; "two thirds or more" passes at exactly two thirds.
"""

from __future__ import annotations

import datetime

import pytest

from danchu.decisions import rules
from danchu.decisions.rules import Form, MatterType

D = datetime.date
TWO_THIRDS = [MatterType.CONTRIBUTIONS, MatterType.COMMUNITY_FINANCES]
MORE_THAN_HALF = [
    MatterType.CONVENTION, MatterType.VILLAGE_HEAD, MatterType.BOARD_MEMBERS, MatterType.OTHER,
]  # fmt: skip


# --- Art. 21(1): the village's threshold on all its households --------------------------------


@pytest.mark.parametrize("matter_type", TWO_THIRDS)
@pytest.mark.parametrize(
    ("approvals", "total", "adopted"),
    [
        (66, 100, False),
        (67, 100, True),
        (100, 100, True),
        (1, 3, False),
        (2, 3, True),  # exactly two thirds: "from two thirds up"
        (199, 300, False),
        (200, 300, True),
        (0, 0, False),
    ],
)
def test_contributions_and_finances_need_two_thirds_of_all_households(
    matter_type, approvals, total, adopted
):
    assert rules.passes(matter_type, approvals, total) is adopted


@pytest.mark.parametrize("matter_type", MORE_THAN_HALF)
@pytest.mark.parametrize(
    ("approvals", "total", "adopted"),
    [
        (50, 100, False),  # exactly half fails
        (51, 100, True),
        (50, 101, False),
        (51, 101, True),
        (1, 2, False),
        (2, 2, True),
        (1, 1, True),
        (0, 0, False),
    ],
)
def test_other_matters_need_more_than_half_of_all_households(
    matter_type, approvals, total, adopted
):
    assert rules.passes(matter_type, approvals, total) is adopted


@pytest.mark.parametrize(
    ("adopting", "villages", "adopted"),
    [(6, 9, True), (5, 9, False), (2, 3, True), (1, 3, False), (1, 1, True), (0, 0, False)],
)
def test_commune_wide_needs_two_thirds_of_the_villages(adopting, villages, adopted):
    assert rules.villages_pass(adopting, villages) is adopted


def test_rule_text_names_the_article():
    for matter_type in MatterType.values:
        text, article = rules.rule_text(matter_type)
        assert text
        assert article == "Luật 10/2022 Điều 21(1)"
    assert rules.rule_text(1)[0] != rules.rule_text(6)[0]


# --- meetings: quorum, reachability, procedural votes ----------------------------------------


@pytest.mark.parametrize(("present", "quorate"), [(50, False), (51, True), (0, False)])
def test_a_convention_meeting_needs_more_than_half_present(present, quorate):
    # Decree 61/2023 Art. 10.
    assert rules.meeting_is_quorate(MatterType.CONVENTION, present, 100) is quorate


@pytest.mark.parametrize("matter_type", [1, 2, 4, 5, 6])
def test_other_meetings_have_no_quorum_of_their_own(matter_type):
    assert rules.meeting_is_quorate(matter_type, 1, 100)
    assert not rules.meeting_is_quorate(matter_type, 0, 0)


@pytest.mark.parametrize(
    ("matter_type", "present", "reachable"),
    [
        (MatterType.CONTRIBUTIONS, 60, False),  # 60 present cannot reach 67 → ballot
        (MatterType.CONTRIBUTIONS, 66, False),
        (MatterType.CONTRIBUTIONS, 67, True),
        (MatterType.COMMUNITY_FINANCES, 66, False),
        (MatterType.CONVENTION, 50, False),  # not quorate
        (MatterType.CONVENTION, 51, True),
        (MatterType.VILLAGE_HEAD, 50, False),
        (MatterType.VILLAGE_HEAD, 51, True),
        (MatterType.OTHER, 50, False),
        (MatterType.OTHER, 51, True),
    ],
)
def test_a_meeting_whose_attendance_cannot_reach_the_threshold(matter_type, present, reachable):
    # Law 10/2022 Art. 19(1)(b): then the household ballot is the fallback.
    assert rules.meeting_threshold_reachable(matter_type, present, 100) is reachable


@pytest.mark.parametrize(
    ("in_favour", "present", "adopted"),
    [(30, 60, False), (31, 60, True), (1, 1, True), (0, 1, False), (0, 0, False), (2, 3, True)],
)
def test_procedural_votes_need_more_than_half_of_those_present(in_favour, present, adopted):
    # Decree 59/2023 Art. 3(5): secretary, counting committee, the choice among options.
    assert rules.procedural_vote_passes(in_favour, present) is adopted


# --- online voting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agreeing", "total", "opted_in"),
    [(50, 100, False), (51, 100, True), (50, 101, False), (51, 101, True), (0, 0, False)],
)
def test_online_voting_needs_more_than_half_of_all_households_to_agree(agreeing, total, opted_in):
    # Decree 59/2023 Art. 5(2)(c).
    assert rules.online_opt_in_passes(agreeing, total) is opted_in


# --- initiatives: 10% consent, 3 months -------------------------------------------------------


@pytest.mark.parametrize(
    ("consents", "total", "reaches"),
    [(9, 100, False), (10, 100, True), (10, 101, False), (11, 101, True), (1, 10, True),
     (0, 0, False)],
)  # fmt: skip
def test_an_initiative_reaches_the_community_at_ten_percent(consents, total, reaches):
    # Law 10/2022 Art. 16(3): at least 10% of all households.
    assert rules.consent_reaches_community(consents, total) is reaches


@pytest.mark.parametrize(
    ("given", "valid_until"),
    [
        (D(2026, 1, 10), D(2026, 4, 10)),  # the same day three months on, inclusive
        (D(2025, 11, 30), D(2026, 2, 28)),  # no 30 February: the month's last day
        (D(2027, 11, 30), D(2028, 2, 29)),  # leap year
        (D(2026, 11, 29), D(2027, 2, 28)),
        (D(2026, 5, 31), D(2026, 8, 31)),
        (D(2026, 3, 31), D(2026, 6, 30)),
        (D(2026, 10, 15), D(2027, 1, 15)),  # across the year
    ],
)
def test_a_consent_is_valid_three_months(given, valid_until):
    # Law 10/2022 Art. 16(3); Civil Code Art. 147–148.
    assert rules.consent_valid_until(given) == valid_until
    assert rules.consent_valid_until(given) + datetime.timedelta(days=1) > valid_until


# --- form gating (Law 10/2022 Art. 17(2), 19(1)(b); Decree 59/2023 Art. 5) --------------------


@pytest.mark.parametrize(
    "matter_type", [MatterType.CONVENTION, MatterType.VILLAGE_HEAD, MatterType.BOARD_MEMBERS]
)
def test_conventions_and_elections_only_at_a_meeting_with_the_ballot_as_fallback(matter_type):
    assert rules.allowed_forms(matter_type) == [Form.MEETING]
    assert rules.allowed_forms(matter_type, meeting_unreachable=True) == [Form.MEETING, Form.BALLOT]
    assert rules.allowed_forms(matter_type, online_opted_in=True) == [Form.MEETING]
    refusal = rules.form_refusal(matter_type, Form.BALLOT)
    assert refusal is not None
    assert refusal.article == "Luật 10/2022 Điều 17(2), 19(1)(b)"
    assert rules.form_refusal(matter_type, Form.BALLOT, meeting_unreachable=True) is None


@pytest.mark.parametrize("matter_type", [1, 2, 3, 4, 5])
def test_online_only_for_other_self_managed_matters(matter_type):
    refusal = rules.form_refusal(matter_type, Form.ONLINE, online_opted_in=True)
    assert refusal is not None
    assert refusal.article == "Luật 10/2022 Điều 17(2)"
    assert str(refusal).endswith("(Luật 10/2022 Điều 17(2))")


def test_online_for_other_matters_only_after_the_opt_in():
    refusal = rules.form_refusal(MatterType.OTHER, Form.ONLINE)
    assert refusal is not None
    assert refusal.article == "Nghị định 59/2023 Điều 5(2)(c)"
    assert rules.form_refusal(MatterType.OTHER, Form.ONLINE, online_opted_in=True) is None
    assert rules.allowed_forms(MatterType.OTHER, online_opted_in=True) == [
        Form.MEETING, Form.BALLOT, Form.ONLINE,
    ]  # fmt: skip


@pytest.mark.parametrize("matter_type", [1, 2, 6])
def test_ballot_allowed_directly_for_contributions_finances_and_other(matter_type):
    assert rules.form_refusal(matter_type, Form.BALLOT) is None
    assert rules.form_refusal(matter_type, Form.MEETING) is None


# --- notices and teams ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "article"),
    [("meeting", "Nghị định 59/2023 Điều 3(3)"), ("ballot", "Nghị định 59/2023 Điều 4(4)")],
)
def test_notice_at_least_two_days_before(kind, article):
    held = D(2026, 12, 10)
    assert rules.notice_refusal(kind, D(2026, 12, 8), held) is None  # exactly 2 days
    assert rules.notice_refusal(kind, D(2026, 12, 1), held) is None
    for notice in (D(2026, 12, 9), held, D(2026, 12, 11)):
        refusal = rules.notice_refusal(kind, notice, held)
        assert refusal is not None
        assert refusal.article == article


@pytest.mark.parametrize(
    ("members", "ok"), [(2, False), (3, True), (4, True), (5, True), (6, False)]
)
def test_teams_have_three_to_five_members(members, ok):
    # Decree 59/2023 Art. 3(5), 4(3), 5(2)(b).
    refusal = rules.team_refusal(members)
    assert (refusal is None) is ok
    if refusal is not None:
        assert refusal.article == "Nghị định 59/2023 Điều 3(5), 4(3), 5(2)(b)"


@pytest.mark.parametrize(("witnesses", "ok"), [(0, False), (1, False), (2, True), (3, False)])
def test_two_household_witnesses_at_a_count(witnesses, ok):
    # Decree 59/2023 Art. 3(5)(c), 4(6).
    refusal = rules.team_refusal(3, witnesses=witnesses)
    assert (refusal is None) is ok
    if refusal is not None:
        assert refusal.article == "Nghị định 59/2023 Điều 3(5)(c), 4(6)"
