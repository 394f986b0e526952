"""The demo commune: Xã Can Lộc, Hà Tĩnh (code 18406), with generated, clearly fake people.

Xã Can Lộc was formed on 1 July 2025 from Thị trấn Nghèn, Xã Thiên Lộc and Xã Vượng Lộc of the
former Can Lộc district. Its villages, households, names, citizen IDs and phones below are
invented (deterministic from a seed): every CCCD serial starts with 9 and every phone with
09000, so none can be mistaken for a real person's.

Households are inserted in bulk (a few seconds for 2,000) with one audit entry for the load;
villages, the profile and the accounts go through the services.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.db import transaction

from danchu.core import audit
from danchu.core.crypto import blind_index
from danchu.core.text import fold_vi
from danchu.territory import services
from danchu.territory.models import (
    AdministrativeUnit,
    CommuneProfile,
    Household,
    HouseholdVillagePeriod,
    Resident,
    Village,
)
from danchu.territory.units import load_units

__all__ = [
    "DEMO_COMMUNE_CODE",
    "DEMO_PASSWORD",
    "DEMO_URL",
    "DemoResult",
    "demo_load",
    "demo_load_apps",
    "generate_households",
]

DEMO_COMMUNE_CODE = "18406"
DEMO_PROVINCE_CODE = "42"
DEMO_PASSWORD = "CanLoc-demo-2025"  # noqa: S105 - printed on purpose: demo data only
DEMO_URL = "http://127.0.0.1:8000/"
CCCD_PROVINCE = "042"  # Hà Tĩnh's prefix in the citizen ID
START = date(2025, 7, 1)
_BATCH = 1000

Kind = Village.Kind
# (code, name, kind, weight): former Thị trấn Nghèn had tổ dân phố, Thiên Lộc and Vượng Lộc thôn.
VILLAGES = [
    ("01", "Tổ dân phố 1", Kind.TO_DAN_PHO, 9),
    ("02", "Tổ dân phố 2", Kind.TO_DAN_PHO, 9),
    ("03", "Tổ dân phố 3", Kind.TO_DAN_PHO, 8),
    ("04", "Tổ dân phố Trung Nghĩa", Kind.TO_DAN_PHO, 10),
    ("05", "Thôn Phú Thượng", Kind.THON, 11),
    ("06", "Thôn Phú Hòa", Kind.THON, 10),
    ("07", "Thôn Tân Tiến", Kind.THON, 10),
    ("08", "Thôn Vĩnh Phú", Kind.THON, 11),
    ("09", "Thôn Thịnh Lộc", Kind.THON, 11),
    ("10", "Thôn Hòa Bình", Kind.THON, 11),
]
SURNAMES = {
    "Nguyễn": 30, "Trần": 12, "Lê": 10, "Phan": 9, "Võ": 6, "Hoàng": 5, "Hồ": 4, "Đặng": 3,
    "Bùi": 3, "Đinh": 3, "Thái": 2, "Dương": 2, "Đỗ": 2, "Ngô": 2, "Lý": 1, "Mai": 1,
}  # fmt: skip
MIDDLE_MALE = ["Văn", "Văn", "Văn", "Đình", "Hữu", "Đức", "Quang", "Xuân", "Minh", "Công"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Phương"]
GIVEN_MALE = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Mạnh", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Vinh", "Hiếu",
]  # fmt: skip
GIVEN_FEMALE = [
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai",
    "Nga", "Ngọc", "Nhung", "Oanh", "Phượng", "Quỳnh", "Thảo", "Trang", "Vân", "Yến", "Hiền",
]  # fmt: skip
OFFICIALS = [
    # (username, full name, role, village code or None)
    ("chutich.canloc", "Phan Văn Hùng", "commune_chair", None),
    ("canbo1.canloc", "Nguyễn Thị Lan", "commune_official", None),
    ("canbo2.canloc", "Trần Đình Nam", "commune_official", None),
    ("mttq.canloc", "Lê Thị Hương", "front_officer", None),
    ("ttnd.canloc", "Võ Văn Sơn", "inspection_board", None),
]


@dataclass
class Member:
    full_name: str
    sex: str
    date_of_birth: date
    citizen_id: str
    phone: str
    is_representative: bool


@dataclass
class HouseholdPlan:
    code: str
    village_code: str
    address: str
    members: list[Member]


@dataclass
class SignIn:
    """One line of the printed sign-in block."""

    role: str  # an accounts Role value
    where: str  # the village or household, when the role is held there
    username: str
    secret: str  # the demo password, or the one-time slip code
    kind: str  # "password" or "slip"


@dataclass
class DemoResult:
    """What ``danchu demo`` did and what it prints."""

    commune: AdministrativeUnit
    households_created: int = 0
    households_total: int = 0
    residents_created: int = 0
    units_loaded: bool = False
    sign_ins: list[SignIn] = field(default_factory=list)


# --- generation (pure, deterministic) -------------------------------------------------------


class _Generator:
    """Families drawn from ``random.Random(seed)``; CCCD serials and phones from counters."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not secrets
        self.serial = 0
        self.phones = 0
        self.surnames = list(SURNAMES)
        self.surname_weights = list(SURNAMES.values())

    def surname(self) -> str:
        return self.rng.choices(self.surnames, self.surname_weights)[0]

    def name(self, surname: str, sex: str) -> str:
        if sex == "M":
            return f"{surname} {self.rng.choice(MIDDLE_MALE)} {self.rng.choice(GIVEN_MALE)}"
        return f"{surname} {self.rng.choice(MIDDLE_FEMALE)} {self.rng.choice(GIVEN_FEMALE)}"

    def birth(self, year: int) -> date:
        return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def citizen_id(self, sex: str, born: date) -> str:
        # CCCD: province (3) + sex/century (1: 0/1 for 1900s, 2/3 for 2000s) + year (2) + serial.
        if born.year > 2011:  # under 14 in 2025: no card yet in the demo
            return ""
        self.serial += 1
        century = 0 if born.year < 2000 else 2
        digit = century + (0 if sex == "M" else 1)
        return f"{CCCD_PROVINCE}{digit}{born.year % 100:02d}9{self.serial:05d}"

    def phone(self, born: date) -> str:
        if born.year > 2009 or self.rng.random() > 0.7:
            return ""
        self.phones += 1
        return f"09000{self.phones:05d}"

    def member(self, name: str, sex: str, born: date, rep: bool = False) -> Member:
        return Member(name, sex, born, self.citizen_id(sex, born), self.phone(born), rep)

    def family(self) -> list[Member]:
        rng = self.rng
        size = rng.choices([2, 3, 4, 5, 6], [18, 24, 30, 18, 10])[0]
        head_sex = "M" if rng.random() < 0.8 else "F"
        head_year = rng.randint(1950, 1998)
        family_name = self.surname()
        members = [
            self.member(self.name(family_name, head_sex), head_sex, self.birth(head_year), True)
        ]
        spouse_sex = "F" if head_sex == "M" else "M"
        # A wife keeps her own family name; children take their father's.
        members.append(
            self.member(
                self.name(self.surname(), spouse_sex),
                spouse_sex,
                self.birth(min(2000, head_year + rng.randint(-3, 6))),
            )
        )
        for _i in range(size - 2):
            sex = rng.choice("MF")
            year = min(2024, head_year + rng.randint(20, 38))
            members.append(self.member(self.name(family_name, sex), sex, self.birth(year)))
        return members


def _address(rng: random.Random, village_name: str, kind: str) -> str:
    if kind == Kind.TO_DAN_PHO:
        return f"Số {rng.randint(1, 180)}, {village_name[:1].lower()}{village_name[1:]}"
    return f"Xóm {rng.randint(1, 6)}, {village_name[:1].lower()}{village_name[1:]}"


def generate_households(seed: int, count: int) -> list[HouseholdPlan]:
    """``count`` households spread over the villages by weight; same seed, same households."""
    gen = _Generator(seed)
    codes = [v[0] for v in VILLAGES]
    weights = [v[3] for v in VILLAGES]
    by_code = {v[0]: v for v in VILLAGES}
    plans = []
    for n in range(1, count + 1):
        village_code = gen.rng.choices(codes, weights)[0]
        _c, name, kind, _w = by_code[village_code]
        plans.append(
            HouseholdPlan(
                code=f"CL{n:05d}",
                village_code=village_code,
                address=_address(gen.rng, name, kind),
                members=gen.family(),
            )
        )
    return plans


# --- loading --------------------------------------------------------------------------------


def _commune() -> tuple[AdministrativeUnit, bool]:
    lookup = {"era": AdministrativeUnit.Era.CURRENT, "level": AdministrativeUnit.Level.COMMUNE}
    commune = AdministrativeUnit.objects.filter(**lookup, code=DEMO_COMMUNE_CODE).first()
    if commune is not None:
        return commune, False
    load_units(actor=None)
    return AdministrativeUnit.objects.get(**lookup, code=DEMO_COMMUNE_CODE), True


def _ensure_villages(commune: AdministrativeUnit) -> dict[str, Village]:
    existing = {v.code: v for v in Village.objects.filter(commune=commune)}
    for code, name, kind, _weight in VILLAGES:
        if code not in existing:
            existing[code] = services.village_create(
                actor=None, commune=commune, name=name, kind=kind, code=code
            )
    return existing


def _insert_households(
    commune: AdministrativeUnit, villages: dict[str, Village], plans: list[HouseholdPlan]
) -> int:
    """Bulk insert: households, their residence periods, then residents (one representative)."""
    households = [
        Household(
            commune=commune,
            village=villages[p.village_code],
            code=p.code,
            address=p.address,
            address_folded=fold_vi(p.address),
            representative_name_folded=fold_vi(p.members[0].full_name),
        )
        for p in plans
    ]
    Household.objects.bulk_create(households, batch_size=_BATCH)
    HouseholdVillagePeriod.objects.bulk_create(
        [
            HouseholdVillagePeriod(commune=commune, household=h, village=h.village, start=START)
            for h in households
        ],
        batch_size=_BATCH,
    )
    residents = [
        Resident(
            commune=commune,
            household=h,
            full_name=m.full_name,
            name_folded=fold_vi(m.full_name),
            date_of_birth=m.date_of_birth,
            sex=m.sex,
            citizen_id=m.citizen_id,
            citizen_id_index=blind_index(m.citizen_id),
            phone=m.phone,
            phone_index=blind_index(m.phone),
            is_representative=m.is_representative,
        )
        for h, p in zip(households, plans, strict=True)
        for m in p.members
    ]
    Resident.objects.bulk_create(residents, batch_size=_BATCH)
    return len(residents)


def _reset(commune: AdministrativeUnit) -> None:
    """Remove the demo commune's people, villages and accounts (the audit trail stays)."""
    from danchu.accounts.models import RoleAssignment, SignInSlip, User

    # Other apps' demo rows refer to the villages and accounts removed below: they go first.
    for reset_demo in _app_hooks("reset_demo"):
        reset_demo(commune)
    demo_users = {u for u, *_ in OFFICIALS} | {f"truongthon{c}.canloc" for c, *_ in VILLAGES}
    demo_users.add("tinh.hatinh")
    SignInSlip.objects.filter(commune=commune).delete()
    User.objects.filter(resident__commune=commune).delete()
    RoleAssignment.objects.filter(commune=commune).delete()
    User.objects.filter(username__in=demo_users).delete()
    Resident.objects.filter(commune=commune).delete()
    HouseholdVillagePeriod.objects.filter(commune=commune).delete()
    Household.objects.filter(commune=commune).delete()
    Village.objects.filter(commune=commune, merged_into__isnull=False).delete()
    Village.objects.filter(commune=commune).delete()
    CommuneProfile.objects.filter(commune=commune).delete()
    audit.record(
        actor=None, action="demo.reset", object_type="territory.administrativeunit",
        object_id=commune.pk, commune_id=commune.pk,
    )  # fmt: skip


@transaction.atomic
def demo_load(
    *,
    seed: int = 2025,
    households: int = 2000,
    reset: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Load (or complete) the demo commune; safe to run again — nothing is duplicated.

    A second run keeps the households and accounts and issues fresh slips (earlier slip codes
    stop working: only their hashes were stored, so they cannot be printed again).
    """
    say = progress or (lambda _msg: None)
    commune, units_loaded = _commune()
    result = DemoResult(commune=commune, units_loaded=units_loaded)
    if reset:
        say("Removing the previous demo data…")
        _reset(commune)
    services.commune_profile_update(
        actor=None,
        commune=commune,
        address="Khối 6, Xã Can Lộc, tỉnh Hà Tĩnh (địa chỉ minh họa)",
        phone="0239 3840 000",
        email="ubnd.canloc@example.invalid",
        introduction=(
            "Xã Can Lộc được thành lập ngày 1/7/2025 trên cơ sở Thị trấn Nghèn, Xã Thiên Lộc và "
            "Xã Vượng Lộc. Dữ liệu người dân trên trang này là dữ liệu minh họa (demo)."
        ),
    )
    villages = _ensure_villages(commune)
    if not Household.objects.filter(commune=commune).exists():
        say("Generating households…")
        plans = generate_households(seed, households)
        result.residents_created = _insert_households(commune, villages, plans)
        result.households_created = len(plans)
        audit.record(
            actor=None, action="demo.load", object_type="territory.administrativeunit",
            object_id=commune.pk, commune_id=commune.pk,
            after={"seed": seed, "households": len(plans), "residents": result.residents_created},
        )  # fmt: skip
    result.households_total = Household.objects.filter(commune=commune).count()
    say("Creating the demo accounts…")
    result.sign_ins = _ensure_accounts(commune, villages)
    return result


def _app_hooks(name: str) -> list[Callable[..., Any]]:
    """The ``name`` method of every installed app that has one.

    The pillars build on territory, not the reverse: territory finds their demo data through
    their AppConfigs (``load_demo(commune, *, seed, stdout)``, ``reset_demo(commune)``) instead
    of importing them.
    """
    return [
        getattr(config, name)
        for config in apps.get_app_configs()
        if callable(getattr(config, name, None))
    ]


def demo_load_apps(commune: AdministrativeUnit, *, seed: int, stdout: Any) -> None:
    """After the demo commune is loaded: every app loads its own demo data (idempotent)."""
    for load_demo in _app_hooks("load_demo"):
        load_demo(commune, seed=seed, stdout=stdout)


# --- accounts -------------------------------------------------------------------------------


def _ensure_official(
    username: str, full_name: str, role: str, unit: AdministrativeUnit, village: Village | None
) -> None:
    """One official with one role, through the accounts services (system actor)."""
    from danchu.accounts import services as accounts
    from danchu.accounts.models import RoleAssignment, User

    user = User.objects.filter(username=username).first()
    if user is None:
        if role == "province_reader":
            user = User(username=username, full_name=full_name)
            user.set_password(DEMO_PASSWORD)
            user.save()
        else:
            accounts.official_create(
                actor=None, username=username, full_name=full_name, password=DEMO_PASSWORD,
                commune=unit, role=role, village=village,
            )  # fmt: skip
            return
    if not RoleAssignment.objects.active().filter(user=user, role=role, unit=unit).exists():
        accounts.role_grant(
            actor=None, user=user, role=role, unit=unit, village=village, valid_from=START
        )


def _ensure_accounts(commune: AdministrativeUnit, villages: dict[str, Village]) -> list[SignIn]:
    from danchu.accounts import services as accounts

    sign_ins: list[SignIn] = []
    for username, full_name, role, _village in OFFICIALS:
        _ensure_official(username, full_name, role, commune, None)
        sign_ins.append(SignIn(role, commune.name, username, DEMO_PASSWORD, "password"))
    rng = random.Random(18406)  # noqa: S311 - fixed fake names
    for code, name, _kind, _w in VILLAGES:
        username = f"truongthon{code}.canloc"
        head = f"{rng.choice(list(SURNAMES))} Văn {rng.choice(GIVEN_MALE)}"
        _ensure_official(username, head, "village_head", commune, villages[code])
        sign_ins.append(SignIn("village_head", name, username, DEMO_PASSWORD, "password"))
    province = commune.parent
    assert province is not None
    _ensure_official("tinh.hatinh", "Hoàng Minh Quân", "province_reader", province, None)
    sign_ins.append(
        SignIn("province_reader", province.name, "tinh.hatinh", DEMO_PASSWORD, "password")
    )
    representatives = (
        Resident.objects.filter(commune=commune, is_representative=True)
        .select_related("household__village", "commune")
        .order_by("household__code")[:3]
    )
    for resident in representatives:
        user = accounts.resident_account_for(actor=None, resident=resident)
        _slip, code = accounts.slip_issue(actor=None, user=user)
        where = f"{resident.household.code}, {resident.household.village.name}"
        sign_ins.append(SignIn("household_representative", where, resident.full_name, code, "slip"))
    return sign_ins
