"""Statutory clocks at their boundaries: Tết 2027, swapped working days, the 2026 switch,
pauses and extensions only through recorded decisions."""

from __future__ import annotations

import datetime

import pytest

from danchu.core.calendar import calendar_cache_clear
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.petitions import rules, services
from danchu.petitions.models import ClockDecision, RequestStatus
from danchu.petitions.tests.requests_helpers import DENOUNCER, at, file

D = datetime.date


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


def test_tet_2027_pushes_the_complaint_acceptance(commune, official, monkeypatch):
    # Received Wed 3 Feb 2027; the Tết holiday is Thu 4 – Wed 10 Feb (holidays package).
    # 10 working days: Thu 11, Fri 12, Mon 15 … Fri 19, Mon 22, Tue 23, Wed 24 Feb.
    at(monkeypatch, D(2027, 2, 3))
    req = file(
        commune,
        official,
        channel="post",
        kind="complaint",
        address="thôn Đông",
        received_on=D(2027, 2, 3),
    )
    assert req.first_step_due_on == D(2027, 2, 24)
    # Without Tết it would have been Wed 17 Feb: the holiday must count.
    assert req.first_step_due_on > D(2027, 2, 17)


def test_denunciation_initial_handling_7_and_10_working_days(commune, official, monkeypatch):
    at(monkeypatch, D(2027, 2, 3))
    req = file(
        commune,
        official,
        channel="post",
        kind="denunciation",
        **DENOUNCER,
        received_on=D(2027, 2, 3),
    )
    # Thu 11, Fri 12, Mon 15, Tue 16, Wed 17, Thu 18, Fri 19.
    assert req.first_step_due_on == D(2027, 2, 19)
    req = services.request_classify(
        actor=official, request=req, kind="denunciation", several_places=True
    )
    assert req.first_step_due_on == D(2027, 2, 24)  # + Mon 22, Tue 23, Wed 24


def test_swapped_saturday_counts_as_a_working_day(commune, official, monkeypatch):
    from danchu.core.models import WorkingDayOverride

    at(monkeypatch, D(2026, 10, 8))
    before = file(
        commune,
        official,
        channel="phone",
        kind="denunciation",
        **DENOUNCER,
        received_on=D(2026, 10, 8),
    )
    # Thu 8 Oct + 7 WD: Fri 9, Mon 12 … Fri 16, Mon 19.
    assert before.first_step_due_on == D(2026, 10, 19)
    # The commune works Saturday 10 Oct (a swapped day in its adjustment table).
    WorkingDayOverride.objects.create(
        date=D(2026, 10, 10), commune=commune, kind="working_day", name="Làm bù"
    )
    calendar_cache_clear()
    after = file(
        commune,
        official,
        channel="phone",
        kind="denunciation",
        **DENOUNCER,
        subject="Việc khác",
        content="Một nội dung hoàn toàn khác",
        received_on=D(2026, 10, 8),
    )
    assert after.first_step_due_on == D(2026, 10, 16)


def test_settlement_30_days_rolls_past_a_weekend(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 9, 2))
    req = file(
        commune, official, channel="post", kind="complaint", address="x", received_on=D(2026, 9, 1)
    )
    req = services.request_accept(actor=official, request=req, decision_known_on=D(2026, 8, 1))
    # 2 Sep + 30 days = Fri 2 Oct (a working day).
    assert req.due_on == D(2026, 10, 2)
    at(monkeypatch, D(2026, 9, 4))
    req2 = file(
        commune,
        official,
        channel="post",
        kind="complaint",
        address="y",
        subject="Khác hẳn",
        content="Nội dung khác hẳn về đất đai",
        received_on=D(2026, 9, 4),
    )
    req2 = services.request_accept(actor=official, request=req2, decision_known_on=D(2026, 9, 1))
    # 4 Sep + 30 = Sun 4 Oct → Mon 5 Oct (Civil Code Art. 148(5)).
    assert req2.due_on == D(2026, 10, 5)


@pytest.mark.parametrize(
    ("complex_case", "remote", "days"),
    [(False, False, 30), (True, False, 45), (False, True, 45), (True, True, 60)],
)
def test_complaint_settlement_periods(commune, official, monkeypatch, complex_case, remote, days):
    start = D(2026, 9, 1)  # Tuesday; every end date below is a weekday
    at(monkeypatch, start)
    req = file(commune, official, channel="post", kind="complaint", address="x", received_on=start)
    req = services.request_classify(
        actor=official, request=req, kind="complaint", complex_case=complex_case, remote_area=remote
    )
    req = services.request_accept(actor=official, request=req, decision_known_on=D(2026, 8, 20))
    from danchu.core import calendar

    assert req.due_on == calendar.add_days_rolled(start, days)


def test_complaint_limitation_day_90_is_in_time_day_91_is_not(commune, official, monkeypatch):
    known = D(2026, 6, 1)  # + 90 days = Sun 30 Aug; 31 Aug, 1–2 Sep are days off → Thu 3 Sep
    last = rules.due_date("complaint.limitation", known, commune=commune)
    assert last == D(2026, 9, 3)
    assert not rules.time_barred(known, last, commune=commune)
    assert rules.time_barred(known, last + datetime.timedelta(days=1), commune=commune)
    # Days lost to an objective obstacle are excluded (Art. 9): 1 Jun + 100 = Wed 9 Sep.
    assert not rules.time_barred(known, D(2026, 9, 9), commune=commune, excluded_days=10)
    assert rules.time_barred(known, D(2026, 9, 10), commune=commune, excluded_days=10)


def test_a_time_barred_complaint_is_refused(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 11, 2))
    req = file(
        commune, official, channel="post", kind="complaint", address="x", received_on=D(2026, 11, 2)
    )
    with pytest.raises(ValidationFailed) as error:
        services.request_accept(actor=official, request=req, decision_known_on=D(2026, 7, 1))
    assert error.value.code == "time_barred"
    # 1 Jul + 90 + 40 lost days = Sun 8 Nov → Mon 9 Nov: in time.
    req = services.request_accept(
        actor=official, request=req, decision_known_on=D(2026, 7, 1), excluded_days=40
    )
    assert req.status == RequestStatus.IN_PROGRESS


def test_the_2026_acceptance_constant_switches_only_when_confirmed(settings, commune):
    before, after = D(2026, 6, 30), D(2026, 7, 1)
    settings.PETITIONS_APPLY_UNCONFIRMED_RULES = False
    assert rules.rule_for("complaint.acceptance", after).days == 10
    settings.PETITIONS_APPLY_UNCONFIRMED_RULES = True
    assert rules.rule_for("complaint.acceptance", before).days == 10
    assert rules.rule_for("complaint.acceptance", after).days == 7


def _accepted_denunciation(commune, official, monkeypatch, day=None):
    day = day or D(2026, 9, 1)
    at(monkeypatch, day)
    req = file(commune, official, channel="post", kind="denunciation", received_on=day, **DENOUNCER)
    return services.request_accept(actor=official, request=req)


def test_denunciation_at_most_two_written_extensions(commune, official, monkeypatch):
    req = _accepted_denunciation(commune, official, monkeypatch)
    assert req.due_on == D(2026, 10, 1)  # 1 Sep + 30
    req = services.request_extend(
        actor=official, request=req, document="12/QĐ-UBND", reason="Phức tạp"
    )
    assert req.due_on == D(2026, 11, 2)  # 1 Sep + 60 = Sat 31 Oct → Mon 2 Nov
    assert req.due_on == services.calendar.add_days_rolled(D(2026, 9, 1), 60)
    req = services.request_extend(
        actor=official, request=req, document="13/QĐ-UBND", reason="Đặc biệt phức tạp"
    )
    assert req.due_on == services.calendar.add_days_rolled(D(2026, 9, 1), 90)
    with pytest.raises(ApplicationError) as error:
        services.request_extend(actor=official, request=req, document="14/QĐ-UBND", reason="Lần ba")
    assert error.value.code == "extensions_exhausted"
    assert list(req.clock.values_list("kind", flat=True)) == ["extension", "extension"]


def test_an_extension_needs_a_decision_number_and_reasons(commune, official, monkeypatch):
    req = _accepted_denunciation(commune, official, monkeypatch)
    with pytest.raises(ValidationFailed) as error:
        services.request_extend(actor=official, request=req, document="", reason="")
    assert set(error.value.fields) == {"document", "reason"}
    req.refresh_from_db()
    assert req.extensions == 0


def test_a_complaint_cannot_be_extended(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 9, 1))
    req = file(
        commune, official, channel="post", kind="complaint", address="x", received_on=D(2026, 9, 1)
    )
    req = services.request_accept(actor=official, request=req, decision_known_on=D(2026, 8, 1))
    with pytest.raises(ApplicationError):
        services.request_extend(actor=official, request=req, document="1", reason="r")


def test_pause_and_resume_add_the_days_stood_still(commune, official, monkeypatch):
    req = _accepted_denunciation(commune, official, monkeypatch)
    at(monkeypatch, D(2026, 9, 10))
    req = services.request_pause(
        actor=official, request=req, document="5/QĐ", reason="Chờ giám định"
    )
    assert services.next_due(req) is None  # a paused clock has no running deadline
    with pytest.raises(ApplicationError):
        services.request_answer(actor=official, request=req, answer="Kết luận")
    at(monkeypatch, D(2026, 9, 24))
    req = services.request_resume(actor=official, request=req, document="6/QĐ", reason="Có kết quả")
    assert req.extra_days == 14
    assert req.due_on == services.calendar.add_days_rolled(D(2026, 9, 1), 44)
    kinds = list(ClockDecision.objects.filter(request=req).values_list("kind", "days"))
    assert kinds == [("pause", 0), ("resume", 14)]


def test_complaint_decision_is_sent_within_3_working_days(commune, official, monkeypatch):
    at(monkeypatch, D(2027, 2, 3))
    req = file(
        commune, official, channel="post", kind="complaint", address="x", received_on=D(2027, 2, 1)
    )
    req = services.request_accept(actor=official, request=req, decision_known_on=D(2027, 1, 20))
    req = services.request_answer(actor=official, request=req, answer="Quyết định giải quyết")
    # Wed 3 Feb + 3 WD over Tết: Thu 11, Fri 12, Mon 15.
    assert req.send_due_on == D(2027, 2, 15)


def test_feedback_gets_the_deadline_the_commune_sets(commune, official, settings, monkeypatch):
    settings.PETITIONS_FEEDBACK_WORKING_DAYS = 5
    at(monkeypatch, D(2026, 9, 1))
    req = file(commune, received_on=None)
    assert req.due_on == D(2026, 9, 9)  # Tue 1 Sep + 5 WD: 2 Sep is a holiday; 3, 4, 7, 8, 9
    req = services.request_classify(
        actor=official, request=req, kind="feedback", due_on=D(2026, 9, 30)
    )
    assert req.due_on == D(2026, 9, 30)
    assert req.status == RequestStatus.IN_PROGRESS


def test_a_settlement_ending_in_tet_2027_moves_past_the_holiday(commune, official, monkeypatch):
    # Accepted Tue 5 Jan 2027; 30 days end on Thu 4 Feb, the first day of the Tết holiday
    # (4–10 Feb): the period ends on the next working day, Thu 11 Feb (Civil Code Art. 148(5)).
    req = _accepted_denunciation(commune, official, monkeypatch, day=D(2027, 1, 5))
    assert req.due_on == D(2027, 2, 11)
    # One day earlier the end is Wed 3 Feb, a working day: no roll.
    other = _accepted_denunciation(commune, official, monkeypatch, day=D(2027, 1, 4))
    assert other.due_on == D(2027, 2, 3)
