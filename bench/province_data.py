"""A generated province and a year of its grassroots democracy, written raw into the pillars'
real tables (bench data: never through the services, no audit entries).

At ``scale=1``: one province, 100 communes, 3,000 villages (about 30 a commune, of varying
size), 1,000,000 households, and from 1 December 2025 to 30 November 2026:

* decisions — in every village two to six matters of its own (meeting with attendance and
  counts per option, ballot or online vote with one ``Vote`` row per participating household),
  and one commune-wide matter per commune (meetings in every village);
* contributions — four campaigns per commune (one with the compulsory level that commune-wide
  matter decided), a pledge from most households (money; some workdays or land), receipts for
  most pledges (numbered per campaign and year, a few cancelled by counter-entries), gifts from
  organisations, spending;
* petitions — requests of every kind (about one per 30 households a year) with deadlines,
  answers and ratings; reception days and their visitors; two dialogues per commune with their
  commitments; a mediation team per village and its cases;
* disclosure — about 50 items per commune with their versions (some changed), publishing
  records on the channels the law requires (some short or late), information requests;
* consultations — six per commune with sections, opinions from the villages, answered groups;
* oversight — the inspection board, its plan, inspections and recommendations with answers.

Dates are drawn with a fixed seed; times of day are 09:00 in Vietnam (02:00 UTC), so a row's
date is the same in UTC and in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bulk import Table, fast_load
from django.db import connection, models

FIRST = date(2025, 12, 1)
LAST = date(2026, 11, 30)
STAMP = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def at(day: date) -> datetime:
    """09:00 in Vietnam on ``day``."""
    return datetime.combine(day, time(2, 0), UTC)


@dataclass
class Sizes:
    communes: int
    villages: int
    households: int

    @classmethod
    def at_scale(cls, scale: float) -> Sizes:
        households = max(1_000, round(1_000_000 * scale))
        communes = max(2, round(100 * scale))
        villages = max(3 * communes, round(3_000 * scale))
        return cls(communes, villages, households)


@dataclass
class Built:
    """What the generator made: the province and row counts per table."""

    province_id: int
    commune_ids: list[int]
    rows: Counter[str] = field(default_factory=Counter)
    how: list[str] = field(default_factory=list)


class Generator:
    def __init__(self, sizes: Sizes, seed: int) -> None:
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.tables: dict[type[models.Model], Table] = {}
        self.rows: Counter[str] = Counter()

    def t(self, model: type[models.Model]) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(model, STAMP)
        return self.tables[model]

    def write(self, model: type[models.Model], columns: tuple[str, ...], rows: Any) -> None:
        self.rows[model._meta.label] += self.t(model).write(columns, rows)

    def day(self, first: date = FIRST, last: date = LAST) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    # --- territory ------------------------------------------------------------------------

    def territory(self) -> None:
        from danchu.territory.models import AdministrativeUnit, CommuneProfile, Household, Village

        rng, units = self.rng, self.t(AdministrativeUnit)
        self.province_id = units.new_id()
        self.commune_ids = list(units.ids(self.sizes.communes))
        columns = ("era", "level", "code", "name", "unit_type", "name_folded", "parent_id")
        self.write(
            AdministrativeUnit,
            columns,
            [
                (
                    self.province_id,
                    "2025",
                    "province",
                    "42",
                    "Tỉnh Hà Tĩnh",
                    "Tỉnh",
                    "tinh ha tinh",
                    None,
                )
            ]
            + [
                (
                    cid,
                    "2025",
                    "commune",
                    f"{20000 + i}",
                    f"Xã Thử {i}",
                    "Xã",
                    f"xa thu {i}",
                    self.province_id,
                )
                for i, cid in enumerate(self.commune_ids, start=1)
            ],
        )
        self.loudspeaker = {c: rng.random() < 0.9 for c in self.commune_ids}
        self.write(
            CommuneProfile,
            ("commune_id", "has_loudspeaker"),
            ((self.t(CommuneProfile).new_id(), c, self.loudspeaker[c]) for c in self.commune_ids),
        )
        # Villages: every commune has at least three, the rest at random.
        commune_of_village = [c for c in self.commune_ids for _ in range(3)]
        commune_of_village += [
            rng.choice(self.commune_ids)
            for _ in range(self.sizes.villages - len(commune_of_village))
        ]
        commune_of_village.sort()
        village_ids = self.t(Village).ids(len(commune_of_village))
        self.villages_of: dict[int, list[int]] = defaultdict(list)
        self.commune_of: dict[int, int] = {}
        for vid, cid in zip(village_ids, commune_of_village, strict=True):
            self.villages_of[cid].append(vid)
            self.commune_of[vid] = cid
        position: Counter[int] = Counter()

        def villages() -> Iterator[tuple[Any, ...]]:
            for vid, cid in zip(village_ids, commune_of_village, strict=True):
                position[cid] += 1
                n = position[cid]
                yield (vid, cid, f"T{n:03d}", f"Thôn {n}", f"thon {n}", "thon", True)

        self.write(
            Village, ("commune_id", "code", "name", "name_folded", "kind", "is_active"), villages()
        )
        # Households: villages differ in size (weights 0.4–1.6).
        weights = [rng.uniform(0.4, 1.6) for _ in village_ids]
        village_of = rng.choices(list(village_ids), weights, k=self.sizes.households)
        household_ids = self.t(Household).ids(len(village_of))
        self.households_of: dict[int, list[int]] = defaultdict(list)
        for hid, vid in zip(household_ids, village_of, strict=True):
            self.households_of[vid].append(hid)
        self.write(
            Household,
            ("commune_id", "code", "village_id"),
            (
                (hid, self.commune_of[vid], f"H{hid:08d}", vid)
                for hid, vid in zip(household_ids, village_of, strict=True)
            ),
        )

    # --- decisions --------------------------------------------------------------------------

    def decisions(self) -> None:
        from danchu.decisions import rules
        from danchu.decisions.models import Matter, MatterVillage, Option, Vote

        rng = self.rng
        matters: list[tuple[Any, ...]] = []
        options: list[tuple[Any, ...]] = []
        villages: list[tuple[Any, ...]] = []
        self.commune_matter: dict[int, int] = {}
        vote_table = self.t(Vote)

        def new_matter(
            cid: int, mtype: int, wide: bool, held: date, title: str
        ) -> tuple[int, list[int]]:
            mid = self.t(Matter).new_id()
            status = "closed" if held <= LAST - timedelta(days=10) else "open"
            closed = at(held + timedelta(days=1)) if status == "closed" else None
            matters.append(
                (
                    mid,
                    cid,
                    mtype,
                    wide,
                    title,
                    f"{title}?",
                    status,
                    at(held - timedelta(days=3)),
                    closed,
                    at(held - timedelta(days=5)),
                )
            )
            oids = list(self.t(Option).ids(3))
            for position, (oid, kind, label) in enumerate(
                zip(
                    oids,
                    ("approve", "reject", "other"),
                    ("Đồng ý", "Không đồng ý", "Ý kiến khác"),
                    strict=True,
                ),
                start=1,
            ):
                options.append((oid, cid, mid, position, kind, label))
            return mid, oids

        def votes(rows: list[tuple[Any, ...]]) -> None:
            self.write(
                Vote,
                (
                    "commune_id",
                    "matter_id",
                    "matter_village_id",
                    "household_id",
                    "option_id",
                    "channel",
                    "cast_at",
                    "changed_at",
                ),
                rows,
            )

        def village_row(
            cid: int, mid: int, oids: list[int], mtype: int, vid: int, form: str, held: date
        ) -> None:
            mvid = self.t(MatterVillage).new_id()
            households = self.households_of[vid]
            total = len(households)
            lean = rng.uniform(0.55, 0.9)
            turnout = rng.uniform(0.6, 0.97)
            counted = held <= LAST - timedelta(days=10)
            present, hands, approvals = 0, {}, 0
            if form == "meeting":
                present = round(total * turnout)
                approvals = round(present * lean)
                reject = round((present - approvals) * 0.7)
                hands = {
                    str(oids[0]): approvals,
                    str(oids[1]): reject,
                    str(oids[2]): present - approvals - reject,
                }
            else:
                rows = []
                cast = at(held)
                for hid in rng.sample(households, round(total * turnout)):
                    draw = rng.random()
                    oid = oids[0] if draw < lean else oids[1] if draw < 0.97 else oids[2]
                    approvals += oid == oids[0]
                    rows.append((vote_table.new_id(), cid, mid, mvid, hid, oid, form, cast, cast))
                votes(rows)
            adopted = rules.passes(mtype, approvals, total) if counted else None
            sent = held + timedelta(days=rng.randint(1, 7)) if counted else None
            recognition, recognised_on = "", None
            if counted:
                if mtype in (1, 2, 6):
                    recognition = "not_needed"  # Law 10/2022 Art. 21(2)
                elif adopted and sent is not None:
                    recognition, recognised_on = "recognised", sent + timedelta(days=3)
            villages.append(
                (
                    mvid,
                    cid,
                    mid,
                    vid,
                    form,
                    total,
                    "counted" if counted else "open",
                    held - timedelta(days=3),
                    held,
                    at(held) + timedelta(hours=10) if form != "meeting" else None,
                    present,
                    json.dumps(hands),
                    adopted,
                    sent,
                    recognition,
                    recognised_on,
                )
            )

        titles = {
            1: "Đóng góp xây dựng đường thôn",
            2: "Thu chi quỹ thôn",
            3: "Sửa đổi hương ước thôn",
            6: "Tổ chức vệ sinh môi trường",
        }
        for cid in self.commune_ids:
            # The commune-wide matter (Art. 15(1)): the contribution level for the road.
            held = date(2026, 3, 1) + timedelta(days=rng.randint(0, 20))
            mid, oids = new_matter(cid, 1, True, held, "Mức đóng góp bê tông hóa đường liên thôn")
            self.commune_matter[cid] = mid
            for vid in self.villages_of[cid]:
                village_row(cid, mid, oids, 1, vid, "meeting", held)
            for vid in self.villages_of[cid]:
                for _ in range(rng.randint(2, 6)):
                    mtype = rng.choice((1, 2, 3, 6, 6))
                    draw = rng.random()
                    if mtype == 3:
                        form = "meeting"  # Decree 59/2023: conventions at a meeting
                    elif mtype == 6 and draw < 0.3:
                        form = "online"  # Decree 59/2023 Art. 5: online for clause 6 matters
                    else:
                        form = "ballot" if draw > 0.7 else "meeting"
                    held = self.day()
                    mid, oids = new_matter(cid, mtype, False, held, titles[mtype])
                    village_row(cid, mid, oids, mtype, vid, form, held)
        self.write(
            Matter,
            (
                "commune_id",
                "matter_type",
                "commune_wide",
                "title",
                "question",
                "status",
                "opened_at",
                "closed_at",
                "created_at",
            ),
            matters,
        )
        self.write(Option, ("commune_id", "matter_id", "position", "kind", "label"), options)
        self.write(
            MatterVillage,
            (
                "commune_id",
                "matter_id",
                "village_id",
                "form",
                "total_households",
                "status",
                "notice_on",
                "held_on",
                "closes_at",
                "present",
                "hand_counts",
                "adopted",
                "decision_sent_on",
                "recognition",
                "recognition_on",
            ),
            villages,
        )

    # --- contributions ----------------------------------------------------------------------

    def contributions(self) -> None:
        from danchu.contributions.models import (
            Campaign,
            Pledge,
            Receipt,
            ReceiptCounter,
            Spending,
        )

        rng = self.rng
        campaign_cols = (
            "commune_id",
            "title",
            "purpose",
            "serves",
            "starts_on",
            "ends_on",
            "level",
            "decision_id",
            "level_per_household",
            "target_money",
            "target_land_m2",
            "target_workdays",
            "status",
            "created_at",
            "closed_at",
        )
        contributor = (
            "commune_id",
            "campaign_id",
            "contributor_kind",
            "household_id",
            "contributor_name",
            "contributor_key",
            "village_id",
            "kind",
            "amount",
        )
        campaigns: list[tuple[Any, ...]] = []
        counters: list[tuple[Any, ...]] = []
        spendings: list[tuple[Any, ...]] = []
        pledge_table, receipt_table = self.t(Pledge), self.t(Receipt)
        plans = (
            (date(2025, 12, 1), 90, "Quỹ vì người nghèo", False),
            (date(2026, 3, 25), 120, "Bê tông hóa đường liên thôn", True),
            (date(2026, 6, 1), 90, "Sửa chữa nhà văn hóa thôn", False),
            (date(2026, 9, 1), 75, "Quỹ phòng, chống thiên tai", False),
        )

        def book(cid: int) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
            ids = []
            for starts, days, title, compulsory in plans:
                starts += timedelta(days=rng.randint(0, 10))
                ends = starts + timedelta(days=days)
                kid = self.t(Campaign).new_id()
                ids.append((kid, starts, ends, compulsory))
                closed = ends < LAST
                campaigns.append(
                    (
                        kid,
                        cid,
                        title,
                        f"Vận động đóng góp: {title}",
                        title,
                        starts,
                        ends,
                        "compulsory" if compulsory else "voluntary",
                        self.commune_matter[cid] if compulsory else None,
                        500_000 if compulsory else None,
                        0,
                        0,
                        0,
                        "closed" if closed else "open",
                        at(starts),
                        at(ends) if closed else None,
                    )
                )
            pledges: list[tuple[Any, ...]] = []
            receipts: dict[int, list[list[Any]]] = defaultdict(list)
            for vid in self.villages_of[cid]:
                for hid in self.households_of[vid]:
                    draws = []
                    if rng.random() < 0.85:
                        draws.append(("money", 50_000 * rng.randint(2, 40)))
                    if rng.random() < 0.15:
                        draws.append(("workdays", rng.randint(1, 10)))
                    if rng.random() < 0.01:
                        draws.append(("land", rng.randint(5, 200)))
                    for kind, amount in draws:
                        kid, starts, ends, compulsory = rng.choice(ids)
                        if compulsory and kind == "money":
                            amount = 500_000
                        pledged = starts + timedelta(days=rng.randint(0, 30))
                        who: tuple[Any, ...] = (
                            cid,
                            kid,
                            "household",
                            hid,
                            f"Hộ {hid}",
                            f"h:{hid}",
                            vid,
                            kind,
                        )
                        pledges.append((pledge_table.new_id(), *who, amount, pledged))
                        if rng.random() < 0.9:
                            got = min(LAST, pledged + timedelta(days=rng.randint(0, 60)), ends)
                            receipts[kid].append([*who, amount, got])
            for kid, starts, _ends, _compulsory in ids:
                for n in range(rng.randint(1, 4)):
                    # Organisations and persons from elsewhere (no village).
                    kind, name, key = (
                        ("organisation", f"Công ty TNHH Thử {cid}-{n}", f"o:cong ty thu {cid}-{n}")
                        if n % 2 == 0
                        else ("person", f"Ông Nguyễn Văn {cid}-{n}", f"p:ong nguyen van {cid}-{n}")
                    )
                    who = (cid, kid, kind, None, name, key, None, "money")
                    amount = 1_000_000 * rng.randint(5, 100)
                    pledged = starts + timedelta(days=rng.randint(0, 20))
                    pledges.append((pledge_table.new_id(), *who, amount, pledged))
                    receipts[kid].append([*who, amount, min(LAST, pledged + timedelta(days=7))])
            rows: list[tuple[Any, ...]] = []
            for kid, starts, _ends, _compulsory in ids:
                numbers: Counter[int] = Counter()
                money = 0
                for entry in sorted(receipts[kid], key=lambda r: r[-1]):
                    *person, amount, got = entry
                    who = tuple(person)
                    rid = receipt_table.new_id()
                    numbers[got.year] += 1
                    rows.append(
                        (rid, *who, amount, got.year, numbers[got.year], got, "Thủ quỹ", None, "")
                    )
                    money += amount if who[7] == "money" else 0
                    if rng.random() < 0.003:  # a mistaken receipt, cancelled by a counter-entry
                        fixed = min(LAST, got + timedelta(days=2))
                        numbers[fixed.year] += 1
                        rows.append(
                            (
                                receipt_table.new_id(),
                                *who,
                                -amount,
                                fixed.year,
                                numbers[fixed.year],
                                fixed,
                                "Thủ quỹ",
                                rid,
                                "Ghi nhầm số tiền",
                            )
                        )
                        money -= amount if who[7] == "money" else 0
                for year, last in numbers.items():
                    counters.append((self.t(ReceiptCounter).new_id(), cid, kid, year, last))
                budget = money * rng.uniform(0.3, 0.7)
                for n in range(4):
                    spent = min(LAST, starts + timedelta(days=30 + 15 * n))
                    amount = int(budget / 4) // 1000 * 1000
                    if amount > 0:
                        spendings.append(
                            (
                                self.t(Spending).new_id(),
                                cid,
                                kid,
                                spent,
                                f"Thanh toán đợt {n + 1}",
                                "Công ty xây dựng",
                                f"{n + 1}/HĐ-{kid}",
                                amount,
                                rng.choice(self.villages_of[cid]),
                            )
                        )
            yield pledges, rows

        for cid in self.commune_ids:
            for pledges, receipts in book(cid):
                self.write(Pledge, (*contributor, "pledged_on"), pledges)
                self.write(
                    Receipt,
                    (
                        *contributor,
                        "year",
                        "number",
                        "received_on",
                        "collector_name",
                        "cancels_id",
                        "cancel_reason",
                    ),
                    receipts,
                )
        self.write(Campaign, campaign_cols, campaigns)
        self.write(ReceiptCounter, ("commune_id", "campaign_id", "year", "last_number"), counters)
        self.write(
            Spending,
            (
                "commune_id",
                "campaign_id",
                "spent_on",
                "description",
                "payee",
                "document",
                "amount",
                "village_id",
            ),
            spendings,
        )

    # --- petitions: requests, reception, dialogues, mediation -------------------------------

    def petitions(self) -> None:
        from danchu.petitions.models import (
            CitizenRequest,
            Dialogue,
            DialogueCommitment,
            MediationCase,
            MediationTeam,
            ReceptionDay,
            ReceptionRecord,
        )

        rng = self.rng
        kinds = (
            ("feedback",) * 12
            + ("complaint",) * 3
            + ("denunciation", "information", "information", "dispute")
        )
        days_for = {
            "feedback": 15,
            "complaint": 30,
            "denunciation": 30,
            "information": 15,
            "dispute": 30,
        }
        subjects = (
            "Đường liên thôn bị sụt lún",
            "Đèn đường không sáng",
            "Rác thải sai nơi quy định",
            "Mương thoát nước bị tắc",
            "Khiếu nại mức bồi thường",
            "Tranh chấp ranh giới đất",
        )
        requests: list[tuple[Any, ...]] = []
        table = self.t(CitizenRequest)
        for cid in self.commune_ids:
            for vid in self.villages_of[cid]:
                for _ in range(round(len(self.households_of[vid]) / 30 * rng.uniform(0.5, 1.5))):
                    rid = table.new_id()
                    kind = rng.choice(kinds)
                    received = self.day()
                    due = received + timedelta(days=days_for[kind])
                    subject = rng.choice(subjects)
                    draw = rng.random()
                    answered, status, rating = None, "in_progress", None
                    if draw < 0.75:
                        answered = received + timedelta(days=rng.randint(1, days_for[kind]))
                    elif draw < 0.88:
                        answered = due + timedelta(days=rng.randint(1, 20))
                    if answered is not None and answered > LAST:
                        answered = None
                    if answered is not None:
                        status = "closed" if rng.random() < 0.6 else "answered"
                        if rng.random() < 0.35:
                            rating = rng.choices((1, 2, 3, 4, 5), (1, 1, 2, 4, 4))[0]
                    requests.append(
                        (
                            rid,
                            cid,
                            vid if rng.random() < 0.85 else None,
                            f"BQ{rid:010d}",
                            kind,
                            rng.choice(("web", "phone", "reception", "post")),
                            status,
                            subject,
                            f"{subject} ở thôn.",
                            received,
                            at(received),
                            received + timedelta(days=3),
                            received + timedelta(days=1),
                            due,
                            "Đã trả lời." if answered else "",
                            at(answered) if answered else None,
                            rating,
                            kind == "denunciation",
                        )
                    )
        self.write(
            CitizenRequest,
            (
                "commune_id",
                "village_id",
                "tracking_code",
                "kind",
                "channel",
                "status",
                "subject",
                "content",
                "received_on",
                "received_at",
                "first_step_due_on",
                "accepted_on",
                "due_on",
                "answer",
                "answered_at",
                "satisfaction",
                "identity_protected",
            ),
            requests,
        )

        days, records, dialogues, commitments, teams, cases = [], [], [], [], [], []
        for cid in self.commune_ids:
            # Reception: the chair receives citizens at least one day a week (Luật Tiếp công
            # dân Art. 15(2)); here every Wednesday, a few cancelled — some of those made up by
            # an unscheduled day on the Friday.
            monday = FIRST - timedelta(days=FIRST.weekday())
            while monday <= LAST:
                planned: list[tuple[date, bool | None]] = [(monday + timedelta(days=2), False)]
                if rng.random() < 0.08:
                    planned = [(monday + timedelta(days=2), None)]
                    if rng.random() < 0.5:
                        planned.append((monday + timedelta(days=4), True))
                for held, ad_hoc in planned:
                    if held > LAST:
                        continue
                    did = self.t(ReceptionDay).new_id()
                    status = "cancelled" if ad_hoc is None else "held"
                    days.append(
                        (
                            did,
                            cid,
                            held,
                            "Chủ tịch UBND xã",
                            "Trụ sở UBND xã",
                            bool(ad_hoc),
                            status,
                            at(held - timedelta(days=20)),
                        )
                    )
                    for _ in range(rng.randint(0, 4) if status == "held" else 0):
                        records.append(
                            (
                                self.t(ReceptionRecord).new_id(),
                                cid,
                                did,
                                "Công dân",
                                "Chủ tịch UBND xã",
                                "Phản ánh về đường giao thông",
                                rng.choice(("answered", "accepted", "guided")),
                                at(held),
                            )
                        )
                monday += timedelta(days=7)
            # Dialogues (Law 10/2022 Art. 32(1)), with their commitments.
            for held in (date(2026, 4, 15), date(2026, 10, 15)):
                held += timedelta(days=rng.randint(0, 14))
                did = self.t(Dialogue).new_id()
                dialogues.append(
                    (
                        did,
                        cid,
                        "Hội nghị đối thoại với Nhân dân",
                        held,
                        "Hội trường xã",
                        "held",
                        at(held),
                    )
                )
                for _ in range(rng.randint(2, 6)):
                    due = held + timedelta(days=rng.choice((30, 60, 90)))
                    done = due - timedelta(days=rng.randint(0, 25)) if rng.random() < 0.7 else None
                    if done is not None and done > LAST:
                        done = None
                    commitments.append(
                        (
                            self.t(DialogueCommitment).new_id(),
                            cid,
                            did,
                            "Sửa chữa tuyến đường",
                            "Phó Chủ tịch UBND xã",
                            due,
                            "fulfilled" if done else "open",
                            done,
                        )
                    )
            # Mediation (Luật Hòa giải ở cơ sở): one team a village, its cases.
            for vid in self.villages_of[cid]:
                team = self.t(MediationTeam).new_id()
                teams.append((team, cid, vid, "Tổ hòa giải", True))
                numbers: Counter[int] = Counter()
                for got in sorted(self.day() for _ in range(rng.randint(0, 6))):
                    numbers[got.year] += 1
                    draw = rng.random()
                    status = (
                        "success"
                        if draw < 0.75
                        else "failed"
                        if draw < 0.85
                        else "stopped"
                        if draw < 0.9
                        else "in_progress"
                    )
                    closed: date | None = got + timedelta(days=rng.randint(3, 30))
                    if closed is not None and closed > LAST:
                        status, closed = "in_progress", None
                    cases.append(
                        (
                            self.t(MediationCase).new_id(),
                            cid,
                            team,
                            vid,
                            numbers[got.year],
                            got.year,
                            got,
                            rng.choice(("land", "family", "neighbours", "debt")),
                            "Hai hộ",
                            "Tranh chấp",
                            status,
                            got,
                            got + timedelta(days=5),
                            got + timedelta(days=2),
                            closed if status != "in_progress" else None,
                        )
                    )
        self.write(
            ReceptionDay,
            ("commune_id", "date", "host", "place", "ad_hoc", "status", "created_at"),
            days,
        )
        self.write(
            ReceptionRecord,
            (
                "commune_id",
                "day_id",
                "visitor_name",
                "received_by",
                "raised",
                "outcome",
                "created_at",
            ),
            records,
        )
        self.write(
            Dialogue,
            ("commune_id", "title", "held_on", "place", "status", "created_at"),
            dialogues,
        )
        self.write(
            DialogueCommitment,
            (
                "commune_id",
                "dialogue_id",
                "text",
                "responsible",
                "due_on",
                "status",
                "fulfilled_on",
            ),
            commitments,
        )
        self.write(MediationTeam, ("commune_id", "village_id", "name", "is_active"), teams)
        self.write(
            MediationCase,
            (
                "commune_id",
                "team_id",
                "village_id",
                "number",
                "year",
                "received_on",
                "subject",
                "parties",
                "details",
                "status",
                "assigned_on",
                "start_due_on",
                "started_on",
                "closed_on",
            ),
            cases,
        )

    # --- disclosure -------------------------------------------------------------------------

    def disclosure(self, requester_id: int) -> None:
        from danchu.disclosure import rules
        from danchu.disclosure.models import (
            Disclosure,
            DisclosureVersion,
            InformationRequest,
            PublishingRecord,
        )

        rng = self.rng
        items, versions, records, asks = [], [], [], []
        categories = list(range(1, 15))
        weights = [6, 6, 4, 1, 5, 3, 6, 2, 1, 2, 3, 3, 2, 1]

        def publish(cid: int, xid: int, category: int, published: date) -> None:
            for need in rules.requirements(
                category, self.villages_of[cid], has_loudspeaker=self.loudspeaker[cid]
            ):
                if rng.random() < 0.003:
                    continue  # a channel forgotten
                start = published + timedelta(days=rng.randint(0, 1) if need.village_id else 0)
                if need.permanent or need.min_days is None:
                    end = None if need.permanent else start
                else:
                    short = rng.random() < 0.05  # taken down too early
                    days = need.min_days // 2 if short else need.min_days + rng.randint(0, 5)
                    end = start + timedelta(days=days)
                records.append(
                    (
                        self.t(PublishingRecord).new_id(),
                        cid,
                        xid,
                        str(need.channel),
                        need.village_id,
                        start,
                        end,
                        "Văn phòng UBND xã",
                    )
                )

        for cid in self.commune_ids:
            for _ in range(rng.randint(35, 65)):
                did = self.t(Disclosure).new_id()
                category = rng.choices(categories, weights)[0]
                issued = self.day()
                number = 0
                public = current = None
                first_published = published_at = None
                change = issued
                while True:
                    number += 1
                    xid = self.t(DisclosureVersion).new_id()
                    deadline = change + timedelta(days=7)  # 5 working days (Art. 12(2))
                    draw = rng.random()
                    published = (
                        change + timedelta(days=rng.randint(0, 6))
                        if draw < 0.85
                        else deadline + timedelta(days=rng.randint(1, 15))
                        if draw < 0.95
                        else None
                    )
                    if published is not None and published > LAST:
                        published = None
                    versions.append(
                        (
                            xid,
                            cid,
                            did,
                            number,
                            category,
                            f"Thông báo {did}",
                            f"Số {did}/QĐ-UBND",
                            issued,
                            change,
                            deadline,
                            True,
                            at(published) if published else None,
                            at(change),
                        )
                    )
                    current = xid
                    if published is None:
                        break
                    public, published_at = xid, at(published)
                    first_published = first_published or published_at
                    publish(cid, xid, category, published)
                    if number == 2 or rng.random() > 0.1:
                        break
                    change = published + timedelta(days=rng.randint(10, 60))
                    if change > LAST:
                        break
                items.append(
                    (
                        did,
                        cid,
                        "published" if public else "draft",
                        current,
                        public,
                        category,
                        True,
                        first_published,
                        published_at,
                        at(issued),
                    )
                )
            for _ in range(rng.randint(2, 15)):
                got = self.day()
                answered: date | None = got + timedelta(days=rng.randint(1, 15))
                if answered is not None and (answered > LAST or rng.random() < 0.1):
                    answered = None
                asks.append(
                    (
                        self.t(InformationRequest).new_id(),
                        cid,
                        requester_id,
                        "Xin thông tin dự toán",
                        "Đề nghị cung cấp dự toán ngân sách.",
                        rng.choice(("not_yet", "expired", "no_access")),
                        "answered" if answered else "open",
                        at(got),
                        got + timedelta(days=10),
                        "Đã cung cấp." if answered else "",
                        at(answered) if answered else None,
                    )
                )
        self.write(
            Disclosure,
            (
                "commune_id",
                "status",
                "current_version_id",
                "public_version_id",
                "category",
                "all_villages",
                "first_published_at",
                "published_at",
                "created_at",
            ),
            items,
        )
        self.write(
            DisclosureVersion,
            (
                "commune_id",
                "disclosure_id",
                "number",
                "category",
                "title",
                "source_document",
                "source_issued_on",
                "duty_starts_on",
                "deadline",
                "all_villages",
                "published_at",
                "created_at",
            ),
            versions,
        )
        self.write(
            PublishingRecord,
            (
                "commune_id",
                "version_id",
                "channel",
                "village_id",
                "started_on",
                "ended_on",
                "performed_by",
            ),
            records,
        )
        self.write(
            InformationRequest,
            (
                "commune_id",
                "requester_id",
                "subject",
                "message",
                "reason",
                "status",
                "received_at",
                "due_on",
                "answer",
                "answered_at",
            ),
            asks,
        )

    # --- consultations ----------------------------------------------------------------------

    def consultation(self) -> None:
        from danchu.consultation.models import Consultation, Opinion, OpinionGroup, Section

        rng = self.rng
        consultations, sections, groups, opinions = [], [], [], []
        opinion_table = self.t(Opinion)
        forms = ("web", "meeting", "household_form", "box")
        for cid in self.commune_ids:
            villages = self.villages_of[cid]
            for _ in range(6):
                kid = self.t(Consultation).new_id()
                published = self.day(FIRST, LAST - timedelta(days=5))
                closes = published + timedelta(days=30)  # Law 10/2022 Art. 26: ≥ 20 days
                answered = closes + timedelta(days=rng.randint(5, 20))
                status = "answered" if answered <= LAST else "closed" if closes < LAST else "open"
                departs = status == "answered" and rng.random() < 0.1
                consultations.append(
                    (
                        kid,
                        cid,
                        rng.randint(1, 9),
                        f"Dự thảo {kid}",
                        json.dumps(list(forms[:2])),
                        30,
                        status,
                        published,
                        closes,
                        at(answered) if status == "answered" else None,
                        f"Quyết định số {kid}/QĐ-UBND" if status == "answered" else "",
                        answered if status == "answered" else None,
                        departs,
                        "Theo quy định của pháp luật" if departs else "",
                        at(published),
                    )
                )
                section_ids = list(self.t(Section).ids(3))
                for position, sid in enumerate(section_ids, start=1):
                    sections.append((sid, cid, kid, position, f"Điều {position}"))
                group_ids = list(self.t(OpinionGroup).ids(4))
                for gid in group_ids:
                    outcome = (
                        rng.choice(("accepted", "accepted", "not_accepted"))
                        if status == "answered"
                        else "pending"
                    )
                    groups.append(
                        (
                            gid,
                            cid,
                            kid,
                            rng.choice(section_ids),
                            "Góp ý",
                            outcome,
                            {"pending": "", "accepted": "Tiếp thu, chỉnh sửa dự thảo"}.get(
                                outcome, "Giải trình lý do không tiếp thu"
                            ),
                            at(answered) if outcome != "pending" else None,
                        )
                    )
                for _ in range(rng.randint(20, 60) * len(villages) // 10):
                    oid = opinion_table.new_id()
                    opinions.append(
                        (
                            oid,
                            cid,
                            kid,
                            rng.choice(section_ids),
                            f"YK{oid:010d}",
                            rng.choice(forms),
                            "Ý kiến góp ý dự thảo",
                            "Người dân",
                            rng.choice(villages),
                            rng.choice(group_ids) if status == "answered" else None,
                            at(published + timedelta(days=rng.randint(0, 29))),
                        )
                    )
        self.write(
            Consultation,
            (
                "commune_id",
                "category",
                "title",
                "forms",
                "period_days",
                "status",
                "published_on",
                "closes_on",
                "synthesis_published_at",
                "decision_reference",
                "decision_issued_on",
                "departs_from_majority",
                "departure_explanation",
                "created_at",
            ),
            consultations,
        )
        self.write(Section, ("commune_id", "consultation_id", "position", "heading"), sections)
        self.write(
            OpinionGroup,
            (
                "commune_id",
                "consultation_id",
                "section_id",
                "topic",
                "outcome",
                "answer",
                "decided_at",
            ),
            groups,
        )
        self.write(
            Opinion,
            (
                "commune_id",
                "consultation_id",
                "section_id",
                "reference",
                "form",
                "body",
                "author_name",
                "village_id",
                "group_id",
                "submitted_at",
            ),
            opinions,
        )

    # --- oversight --------------------------------------------------------------------------

    def oversight(self) -> None:
        from danchu.oversight.models import BoardPlan, Inspection, InspectionBoard, Recommendation

        rng = self.rng
        boards, plans, inspections, recommendations = [], [], [], []
        for cid in self.commune_ids:
            boards.append(
                (
                    self.t(InspectionBoard).new_id(),
                    cid,
                    date(2025, 1, 1),
                    date(2027, 12, 31),
                    date(2025, 1, 20),
                    "Quyết định công nhận",
                )
            )
            pid = self.t(BoardPlan).new_id()
            plans.append((pid, cid, "inspection", "year", 2026, 1, "Kế hoạch kiểm tra năm 2026"))
            for _ in range(rng.randint(4, 12)):
                iid = self.t(Inspection).new_id()
                starts = self.day()
                done = starts <= LAST - timedelta(days=3)
                vid = rng.choice(self.villages_of[cid]) if rng.random() < 0.7 else None
                inspections.append(
                    (
                        iid,
                        cid,
                        "inspection",
                        pid,
                        vid,
                        "Kiểm tra thu chi quỹ",
                        "Ban quản lý thôn",
                        starts,
                        starts - timedelta(days=7),
                        "done" if done else "planned",
                        "Có sai sót nhỏ" if done else "",
                        starts if done else None,
                    )
                )
                if not done:
                    continue
                for _ in range(rng.randint(0, 3)):
                    got = starts + timedelta(days=rng.randint(1, 5))
                    due = got + timedelta(days=15)  # Law 10/2022 Art. 40(1)(c): 15 days
                    draw = rng.random()
                    answered = (
                        got + timedelta(days=rng.randint(1, 15))
                        if draw < 0.75
                        else due + timedelta(days=rng.randint(1, 20))
                        if draw < 0.9
                        else None
                    )
                    if answered is not None and answered > LAST:
                        answered = None
                    recommendations.append(
                        (
                            self.t(Recommendation).new_id(),
                            cid,
                            "inspection",
                            iid,
                            vid,
                            "Đề nghị công khai thu chi",
                            4,
                            5,
                            got,
                            due,
                            "answered" if answered else "open",
                            "Đã chấn chỉnh" if answered else "",
                            answered,
                        )
                    )
        self.write(
            InspectionBoard,
            (
                "commune_id",
                "term_starts_on",
                "term_ends_on",
                "recognised_on",
                "recognition_reference",
            ),
            boards,
        )
        self.write(
            BoardPlan,
            ("commune_id", "board_kind", "period", "year", "number", "content"),
            plans,
        )
        self.write(
            Inspection,
            (
                "commune_id",
                "board_kind",
                "plan_id",
                "village_id",
                "subject",
                "inspected_party",
                "starts_on",
                "notified_on",
                "status",
                "findings",
                "carried_out_on",
            ),
            inspections,
        )
        self.write(
            Recommendation,
            (
                "commune_id",
                "board_kind",
                "inspection_id",
                "village_id",
                "content",
                "votes_for",
                "members_total",
                "received_on",
                "due_on",
                "status",
                "answer",
                "answered_on",
            ),
            recommendations,
        )

    def finish(self) -> None:
        for table in self.tables.values():
            table.reset_sequence()


def build(sizes: Sizes, seed: int, clock: Any, *, check_keys: bool = False) -> Built:
    """Write the province in one transaction; ``clock(name)`` is called after each part."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from danchu.consultation.models import Opinion
    from danchu.contributions.models import Pledge, Receipt
    from danchu.decisions.models import Vote
    from danchu.disclosure.models import PublishingRecord
    from danchu.territory.models import Household

    generator = Generator(sizes, seed)
    big = (Household, Vote, Pledge, Receipt, PublishingRecord, Opinion)
    with transaction.atomic():
        user, _created = get_user_model().objects.get_or_create(username="bench-citizen")
        with fast_load(big, check_keys=check_keys) as how:
            clock("drop indexes")
            generator.territory()
            clock("territory")
            generator.decisions()
            clock("decisions")
            generator.contributions()
            clock("contributions")
            generator.petitions()
            clock("petitions")
            generator.disclosure(user.pk)
            clock("disclosure")
            generator.consultation()
            clock("consultation")
            generator.oversight()
            clock("oversight")
            generator.finish()
        clock("build indexes")
    clock("commit")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    clock("analyze")
    return Built(generator.province_id, generator.commune_ids, generator.rows, how)
