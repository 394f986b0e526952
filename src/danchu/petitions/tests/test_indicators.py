"""The petitions pillar's indicators: facts agree with the parts' own figures selectors, and
the boundaries (deadline day, village, commune filter, one fact per key, constant queries)."""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danchu.core import calendar
from danchu.core.calendar import TIME_ZONE
from danchu.core.indicators import Fact
from danchu.core.models import WorkingDayOverride
from danchu.petitions import indicators
from danchu.petitions.dialogues import dialogue_figures
from danchu.petitions.mediation import mediation_figures
from danchu.petitions.models import (
    CitizenRequest,
    Dialogue,
    DialogueCommitment,
    MediationCase,
    MediationTeam,
    ReceptionDay,
    ReceptionRecord,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from danchu.petitions.reception import reception_figures
from danchu.petitions.selectors import request_figures
from danchu.territory.tests.factories import VillageFactory

D = datetime.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))
PERIODS = [
    (D(2026, 1, 1), D(2026, 12, 31)),
    (D(2026, 1, 1), D(2026, 6, 30)),
    (D(2026, 4, 1), D(2026, 6, 30)),
    (D(2026, 3, 1), D(2026, 3, 31)),
    (D(2026, 7, 1), D(2026, 9, 30)),
]
TODAY = D(2026, 8, 15)
MUST = {
    "requests.received", "requests.received_complaint", "requests.received_denunciation",
    "requests.received_recommendation", "requests.resolved", "requests.resolved_on_time",
    "requests.on_time_rate", "requests.overdue", "requests.rated", "requests.satisfied",
    "requests.satisfaction_rate", "reception.days_held", "reception.days_required",
    "reception.held_rate", "dialogues.held", "dialogues.commitments",
    "dialogues.commitments_fulfilled", "dialogues.fulfilled_rate", "mediation.cases",
    "mediation.successful", "mediation.success_rate",
}  # fmt: skip


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TIME_ZONE)


def _facts(commune_ids: Any, first=YEAR[0], last=YEAR[1], today=TODAY) -> list[Fact]:
    return list(indicators.daily_facts(commune_ids, first, last, today=today))


def _sum(facts: list[Fact], first: datetime.date, last: datetime.date) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for fact in facts:
        if first <= fact.day <= last:
            out[fact.code] += fact.value
    return out


def _one_per_key(facts: list[Fact]) -> None:
    keys = Counter((f.code, f.commune_id, f.village_id, f.day) for f in facts)
    assert all(n == 1 for n in keys.values())
    assert all(f.value != 0 for f in facts)


# --- The catalogue -------------------------------------------------------------------------


def test_the_catalogue_has_the_codes_the_others_rely_on():
    by_code = {i.code: i for i in indicators.INDICATORS}
    assert len(by_code) == len(indicators.INDICATORS)
    assert set(by_code) >= MUST
    for ind in indicators.INDICATORS:
        assert ind.pillar == ind.code.split(".")[0]
        assert ind.legal_basis
        assert str(ind.name)
        assert str(ind.definition)
        if ind.is_rate:
            assert not by_code[ind.numerator].is_rate
            assert not by_code[ind.denominator].is_rate
        else:
            assert ind.numerator is None
            assert ind.denominator is None
    # Denunciations are for officials only.
    assert not by_code["requests.received_denunciation"].public
    assert not by_code["requests.resolved_denunciation"].public
    assert by_code["requests.received"].public


# --- Requests ------------------------------------------------------------------------------

_counter = iter(range(10**6))


def _request(commune: Any, received_on: datetime.date, **fields: Any) -> CitizenRequest:
    values: dict[str, Any] = {
        "kind": RequestKind.FEEDBACK,
        "channel": RequestChannel.WEB,
        "status": RequestStatus.RECEIVED,
        "subject": "Đường hỏng",
        "content": "Đoạn đường qua cầu bị sụt.",
        "due_on": received_on + datetime.timedelta(days=15),
    }
    values.update(fields)
    return CitizenRequest.objects.create(
        commune=commune, tracking_code=f"PA-T{next(_counter):08d}", received_on=received_on,
        **values,
    )  # fmt: skip


def _random_requests(commune: Any, villages: list[Any], rng: random.Random, n: int) -> None:
    for _ in range(n):
        received = D(2026, 1, 1) + datetime.timedelta(days=rng.randrange(0, 300))
        kind = rng.choice(RequestKind.values)
        status = rng.choice(RequestStatus.values)
        statutory = kind in (RequestKind.COMPLAINT, RequestKind.DENUNCIATION)
        fields: dict[str, Any] = {
            "kind": kind,
            "channel": rng.choice(RequestChannel.values),
            "status": status,
            "village": rng.choice([*villages, None]),
            "due_on": rng.choice([None, received + datetime.timedelta(days=rng.randrange(5, 60))]),
        }
        if statutory:
            fields["first_step_due_on"] = received + datetime.timedelta(days=10)
            fields["accepted_on"] = rng.choice([None, received + datetime.timedelta(days=3)])
        if status not in (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS) or rng.random() < 0.1:
            done = received + datetime.timedelta(days=rng.randrange(0, 70))
            fields["answered_at"] = _local(done, rng.choice([0, 8, 23]), rng.choice([0, 59]))
        if rng.random() < 0.3:
            fields["satisfaction"] = rng.randint(1, 5)
        if rng.random() < 0.1:
            fields["paused_on"] = received
        _request(commune, received, **fields)


def test_request_facts_add_up_to_request_figures(commune, other_commune):
    rng = random.Random(8)
    villages = [VillageFactory(commune=commune), VillageFactory(commune=commune)]
    _random_requests(commune, villages, rng, 160)
    _random_requests(other_commune, [VillageFactory(commune=other_commune)], rng, 40)
    facts = _facts([commune.pk])
    _one_per_key(facts)
    assert {f.commune_id for f in facts} == {commune.pk}
    for first, last in PERIODS:
        got = _sum(facts, first, last)
        figures = {f.kind: f for f in request_figures(commune, first, last, today=TODAY)}
        every = figures.values()
        assert got["requests.received"] == sum(f.received for f in every)
        assert got["requests.resolved"] == sum(f.resolved for f in every)
        assert got["requests.resolved_on_time"] == sum(f.resolved_on_time for f in every)
        assert got["requests.overdue_open"] == sum(f.overdue_now for f in every)
        assert got["requests.rated"] == sum(f.rated for f in every)
        assert got["requests.received_complaint"] == figures["complaint"].received
        assert got["requests.received_denunciation"] == figures["denunciation"].received
        assert got["requests.received_recommendation"] == figures["feedback"].received
        assert got["requests.resolved_complaint"] == figures["complaint"].resolved
        by_channel = sum(got[f"requests.received_{c}"] for c in RequestChannel.values)
        assert by_channel == got["requests.received"]
        by_kind = sum(got[code] for code in indicators._BY_KIND)
        assert by_kind == got["requests.received"]
    # Both communes when no filter is given; the villages are the requests' villages.
    everything = _facts(None)
    assert {f.commune_id for f in everything} >= {commune.pk, other_commune.pk}
    villages_seen = {f.village_id for f in facts}
    assert villages_seen <= {None, *(v.pk for v in villages)}
    assert None in villages_seen
    assert len(villages_seen) == 3


def test_a_request_resolved_on_its_deadline_day_is_on_time(commune):
    due = D(2026, 3, 20)
    # 23:30 in Vietnam is still the deadline day (16:30 UTC); 00:30 the next day is late,
    # though it is still the deadline day in UTC (Civil Code Art. 148(6)).
    _request(commune, D(2026, 3, 2), due_on=due, status=RequestStatus.ANSWERED,
             answered_at=_local(due, 23, 30))  # fmt: skip
    _request(commune, D(2026, 3, 3), due_on=due, status=RequestStatus.ANSWERED,
             answered_at=_local(due + datetime.timedelta(days=1), 0, 30))  # fmt: skip
    got = _sum(_facts([commune.pk]), *YEAR)
    assert got["requests.resolved"] == 2
    assert got["requests.resolved_on_time"] == 1
    assert got["requests.overdue"] == 1
    assert got["requests.overdue_open"] == 0
    by_day = {(f.code, f.day): f.value for f in _facts([commune.pk])}
    assert by_day[("requests.resolved_on_time", D(2026, 3, 2))] == 1
    assert by_day[("requests.overdue", D(2026, 3, 3))] == 1


def test_a_complaint_not_yet_accepted_runs_against_the_acceptance_deadline(commune):
    # Luật Khiếu nại 2011 Điều 27: rejected before acceptance, judged on the acceptance deadline.
    _request(commune, D(2026, 3, 2), kind=RequestKind.COMPLAINT, status=RequestStatus.REJECTED,
             first_step_due_on=D(2026, 3, 16), due_on=None,
             answered_at=_local(D(2026, 3, 16), 9))  # fmt: skip
    got = _sum(_facts([commune.pk]), *YEAR)
    assert (got["requests.resolved_on_time"], got["requests.overdue"]) == (1, 0)


def test_an_open_request_is_overdue_the_day_after_its_deadline(commune):
    due = D(2026, 3, 20)
    _request(commune, D(2026, 3, 2), due_on=due)
    _request(commune, D(2026, 3, 2), due_on=due, paused_on=D(2026, 3, 10))
    on_due = _sum(_facts([commune.pk], today=due), *YEAR)
    after = _sum(_facts([commune.pk], today=due + datetime.timedelta(days=1)), *YEAR)
    assert on_due["requests.overdue"] == 0
    assert (after["requests.overdue"], after["requests.overdue_open"]) == (1, 1)
    assert after["requests.received"] == 2


def test_merged_requests_and_satisfaction(commune):
    _request(commune, D(2026, 5, 4), status=RequestStatus.MERGED)
    _request(commune, D(2026, 5, 4), satisfaction=4)
    _request(commune, D(2026, 5, 4), satisfaction=3)
    _request(commune, D(2026, 5, 4), satisfaction=5)
    got = _sum(_facts([commune.pk]), *YEAR)
    assert got["requests.received"] == 3
    assert (got["requests.rated"], got["requests.satisfied"]) == (3, 2)


def test_request_facts_take_a_fixed_number_of_queries(commune):
    rng = random.Random(1)
    village = VillageFactory(commune=commune)
    _random_requests(commune, [village], rng, 5)
    with CaptureQueriesContext(connection) as small:
        _facts([commune.pk])
    _random_requests(commune, [village], rng, 60)
    _add_community_rows(commune, village, 8)
    with CaptureQueriesContext(connection) as large:
        _facts([commune.pk])
    assert len(large) == len(small)


# --- Reception, dialogues, mediation -------------------------------------------------------


def _add_community_rows(commune: Any, village: Any, n: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    team = MediationTeam.objects.create(commune=commune, village=village, name="Tổ hòa giải")
    for i in range(n):
        day = D(2026, 1, 5) + datetime.timedelta(days=rng.randrange(0, 250))
        status = rng.choice(ReceptionDay.Status.values)
        reception = ReceptionDay.objects.create(
            commune=commune, date=day, host="Chủ tịch UBND xã", place="Trụ sở", status=status
        )
        for _ in range(rng.randrange(0, 3)):
            ReceptionRecord.objects.create(
                commune=commune, day=reception, visitor_name="Người dân", received_by="Chủ tịch",
                raised="Đường", outcome=ReceptionRecord.Outcome.ANSWERED,
            )  # fmt: skip
        dialogue = Dialogue.objects.create(
            commune=commune, title="Đối thoại", held_on=day, place="Hội trường",
            status=rng.choice(Dialogue.Status.values),
        )  # fmt: skip
        for _ in range(rng.randrange(0, 4)):
            fulfilled = rng.random() < 0.5
            due = day + datetime.timedelta(days=rng.randrange(10, 120))
            DialogueCommitment.objects.create(
                commune=commune, dialogue=dialogue, text="Sửa đường", responsible="Địa chính",
                due_on=due,
                status="fulfilled" if fulfilled else "open",
                fulfilled_on=due + datetime.timedelta(days=rng.randrange(-5, 5))
                if fulfilled else None,
            )  # fmt: skip
        closed = rng.choice([None, day + datetime.timedelta(days=rng.randrange(0, 60))])
        status = rng.choice(["success", "stopped", "failed"]) if closed else "in_progress"
        MediationCase.objects.create(
            commune=commune, team=team, village=village, number=i + 1, year=2026,
            received_on=day, subject="land", parties="A và B", details="Ranh giới đất",
            status=status, closed_on=closed,
        )  # fmt: skip


def test_community_facts_add_up_to_the_parts_figures(commune, other_commune):
    village = VillageFactory(commune=commune)
    _add_community_rows(commune, village, 40)
    _add_community_rows(other_commune, VillageFactory(commune=other_commune), 10, seed=4)
    facts = _facts([commune.pk])
    _one_per_key(facts)
    assert {f.commune_id for f in facts} == {commune.pk}
    for first, last in PERIODS:
        got = _sum(facts, first, last)
        rec = reception_figures(commune, first, last, today=TODAY)
        assert got["reception.days_held"] == rec.days_held
        assert got["reception.days_required"] == rec.weeks_required
        assert got["reception.weeks_met"] == rec.weeks_met
        assert got["reception.visitors"] == rec.visitors
        dia = dialogue_figures(commune, first, last, today=TODAY)
        assert got["dialogues.held"] == dia.dialogues_held
        assert got["dialogues.commitments"] == dia.commitments
        assert got["dialogues.commitments_fulfilled"] == dia.fulfilled
        assert got["dialogues.commitments_fulfilled_on_time"] == dia.fulfilled_on_time
        assert got["dialogues.commitments_overdue"] == dia.overdue
        med = mediation_figures(commune, first, last, today=TODAY)
        assert got["mediation.cases"] == med.received
        assert got["mediation.closed"] == med.closed
        assert got["mediation.successful"] == med.success
        assert got["mediation.failed"] == med.failed
    # Mediation cases belong to the team's village; the other parts to the commune.
    assert {f.village_id for f in facts if f.code.startswith("mediation.")} == {village.pk}
    assert {f.village_id for f in facts if not f.code.startswith("mediation.")} == {None}


def test_the_weekly_reception_duty(commune, other_commune):
    # Monday 2026-03-02 .. Sunday 2026-03-08: held on Thursday → met.
    ReceptionDay.objects.create(commune=commune, date=D(2026, 3, 5), host="Chủ tịch", place="Xã",
                                status=ReceptionDay.Status.HELD)  # fmt: skip
    # The week of 2026-03-09 is made all days off for this commune only: exempt.
    for n in range(5):
        WorkingDayOverride.objects.create(
            commune=commune, date=D(2026, 3, 9) + datetime.timedelta(days=n), kind="day_off"
        )
    calendar.calendar_cache_clear()  # as the calendar's services do after a change
    first, last = D(2026, 3, 1), D(2026, 3, 31)

    def weeks(today: datetime.date) -> dict[datetime.date, tuple[int, int]]:
        out: dict[datetime.date, list[int]] = defaultdict(lambda: [0, 0])
        for f in _facts([commune.pk], first, last, today):
            if f.code == "reception.days_required":
                out[f.day][0] += f.value
            if f.code == "reception.weeks_met":
                out[f.day][1] += f.value
        return {k: (v[0], v[1]) for k, v in out.items()}

    # On Sunday 2026-03-22 the week of 03-16 has not ended: pending, not required yet.
    assert weeks(D(2026, 3, 22)) == {D(2026, 3, 2): (1, 1)}
    # On Monday 2026-03-23 it has: required, not met; the exempt week never counts.
    assert weeks(D(2026, 3, 23)) == {D(2026, 3, 2): (1, 1), D(2026, 3, 16): (1, 0)}
    assert weeks(D(2026, 4, 30))[D(2026, 3, 30)] == (1, 0)
    for today in (D(2026, 3, 22), D(2026, 3, 23), D(2026, 4, 30)):
        got = _sum(_facts([commune.pk], first, last, today), first, last)
        rec = reception_figures(commune, first, last, today=today)
        assert (got["reception.days_required"], got["reception.weeks_met"]) == (
            rec.weeks_required,
            rec.weeks_met,
        )
    # A commune that keeps no reception book in danchu has no duty measured here.
    assert not [f for f in _facts([other_commune.pk], first, last) if f.code.startswith("rec")]


def test_a_week_belongs_to_the_period_of_its_monday(commune):
    # Monday 2026-03-30 .. Sunday 2026-04-05, held on Thursday 2 April.
    ReceptionDay.objects.create(commune=commune, date=D(2026, 4, 2), host="Chủ tịch", place="Xã",
                                status=ReceptionDay.Status.HELD)  # fmt: skip
    march = _sum(_facts([commune.pk], D(2026, 3, 1), D(2026, 3, 31)), *YEAR)
    april = _sum(_facts([commune.pk], D(2026, 4, 1), D(2026, 4, 30)), *YEAR)
    assert march["reception.weeks_met"] == 1
    assert march["reception.days_held"] == 0
    assert april["reception.weeks_met"] == 0
    assert april["reception.days_held"] == 1


@pytest.mark.parametrize("commune_ids", [None, "own"])
def test_facts_are_the_same_with_or_without_the_commune_filter(commune, other_commune, commune_ids):
    village = VillageFactory(commune=commune)
    _add_community_rows(commune, village, 10)
    _add_community_rows(other_commune, VillageFactory(commune=other_commune), 10, seed=5)
    _random_requests(commune, [village], random.Random(2), 20)
    own = Counter(_facts([commune.pk]))
    every = _facts(None if commune_ids is None else [commune.pk, other_commune.pk])
    assert Counter(f for f in every if f.commune_id == commune.pk) == own
    assert any(f.commune_id == other_commune.pk for f in every)


def test_every_name_and_definition_reads_in_vietnamese():
    from django.utils import translation

    from danchu.core.management.commands.compile_translations import compile_all

    compile_all()
    translation.trans_real._translations = {}  # reload the freshly compiled catalogues
    for ind in indicators.INDICATORS:
        for text in (ind.name, ind.definition):
            with translation.override(None):
                english = str(text)
            with translation.override("vi"):
                assert str(text) != english, english


def test_time_dependent_codes_are_declared():
    codes = {i.code for i in indicators.INDICATORS}
    assert codes >= indicators.TIME_DEPENDENT


def test_a_former_commune_owes_no_reception_week_after_it_ceased(commune):
    # The 2025 reorganisation: a former commune's units end on 30 June 2025.
    commune.valid_to = D(2025, 6, 30)
    commune.save(update_fields=["valid_to"])
    ReceptionDay.objects.create(commune=commune, date=D(2025, 6, 24), host="Chủ tịch", place="Xã",
                                status=ReceptionDay.Status.HELD)  # fmt: skip
    facts = _facts([commune.pk], D(2025, 6, 1), D(2025, 7, 31), today=D(2025, 9, 1))
    owed = sorted(f.day for f in facts if f.code == "reception.days_required")
    assert owed == [D(2025, 6, 2), D(2025, 6, 9), D(2025, 6, 16), D(2025, 6, 23), D(2025, 6, 30)]
    assert [f.day for f in facts if f.code == "reception.weeks_met"] == [D(2025, 6, 23)]
