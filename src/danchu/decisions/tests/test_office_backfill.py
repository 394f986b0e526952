"""The heads in office before danchu (back-filling): the one-village service at its boundaries
(start today / tomorrow, the ±6-month shift, the interim limit), the decision's reference, only
into an empty history, the role, the audit, the permissions; the commune's sheet, all or nothing."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from danchu.accounts.models import Role, RoleAssignment
from danchu.accounts.services import role_grant
from danchu.core.calendar import add_months
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.decisions import office, office_import
from danchu.decisions.models import VillageHeadTerm
from danchu.decisions.tests.factories import households_of, make_village, official_of, village_head
from danchu.decisions.tests.test_office import _account, dismiss, elect
from danchu.territory.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db
D = datetime.date
Kind, Source = VillageHeadTerm.Kind, VillageHeadTerm.Source
REF = "Quyết định số 12/QĐ-UBND ngày 05/01/2024"


def _today() -> D:
    return timezone.localdate()


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def small(commune):
    return make_village(commune, households=3)


def record(actor, village, **kwargs):
    kwargs.setdefault("kind", Kind.ELECTED)
    kwargs.setdefault("name", "Nguyễn Văn Cũ")
    kwargs.setdefault("started_on", _today() - _days(400))
    kwargs.setdefault("reference", REF)
    return office.term_record_existing(actor=actor, village=village, **kwargs)


# --- the one-village service -----------------------------------------------------------------


@pytest.mark.parametrize(("offset", "allowed"), [(0, True), (1, False)])
def test_the_start_is_today_at_the_latest(small, chair, offset, allowed):
    start = _today() + _days(offset)
    if allowed:
        term = record(chair, small, started_on=start)
        assert (term.started_on, term.planned_end_on) == (start, add_months(start, 60))
        assert office.office_state(small).current == term
    else:
        with pytest.raises(ValidationFailed) as exc:
            record(chair, small, started_on=start)
        assert set(exc.value.fields) == {"started_on"}
        assert not VillageHeadTerm.objects.exists()


@pytest.mark.parametrize(
    ("months", "extra_days", "allowed"),
    [(6, 0, True), (6, 1, False), (-6, 0, True), (-6, -1, False)],
)
def test_an_elected_term_ends_within_six_months_of_its_normal_end(
    small, chair, months, extra_days, allowed
):
    start = _today() - _days(100)
    end = add_months(add_months(start, 60), months) + _days(extra_days)
    if allowed:
        assert record(chair, small, started_on=start, planned_end_on=end).planned_end_on == end
    else:
        with pytest.raises(ApplicationError) as exc:
            record(chair, small, started_on=start, planned_end_on=end)
        assert exc.value.code == "shift_too_far"
        assert "185/2026" in exc.value.message
        assert not VillageHeadTerm.objects.exists()


@pytest.mark.parametrize(("extra_days", "allowed"), [(0, True), (1, False)])
def test_an_interim_head_serves_at_most_the_interim_limit(small, chair, extra_days, allowed):
    start = _today() - _days(30)
    end = add_months(start, 6) + _days(extra_days)

    def go():
        return record(
            chair, small, kind=Kind.INTERIM, reference="", started_on=start, planned_end_on=end
        )

    if allowed:
        term = go()
        assert (term.kind, term.planned_end_on, term.reference) == (Kind.INTERIM, end, "")
    else:
        with pytest.raises(ApplicationError) as exc:
            go()
        assert exc.value.code == "interim_too_long"
        assert not VillageHeadTerm.objects.exists()


def test_the_interim_default_end_is_the_limit(small, chair, settings):
    settings.VILLAGE_HEAD_INTERIM_MONTHS = 3
    start = _today() - _days(10)
    term = record(chair, small, kind=Kind.INTERIM, started_on=start)
    assert term.planned_end_on == add_months(start, 3)


def test_an_elected_head_needs_the_recognition_decision(small, chair):
    with pytest.raises(ValidationFailed) as exc:
        record(chair, small, reference=" ", name="", kind="mayor", planned_end_on="x")
    assert set(exc.value.fields) == {"name", "kind", "planned_end_on"}
    with pytest.raises(ValidationFailed) as exc:
        record(chair, small, reference="")
    assert set(exc.value.fields) == {"reference"}
    with pytest.raises(ValidationFailed) as exc:
        record(chair, small, reference="x" * 301)
    assert set(exc.value.fields) == {"reference"}
    assert record(chair, small, reference="x" * 300).reference == "x" * 300


def test_only_an_empty_history_is_back_filled(small, chair):
    interim = office.interim_appoint(
        actor=chair, village=small, name="Tạm", started_on=_today() - _days(300)
    )
    office.term_resign(actor=chair, term=interim, on=_today() - _days(200))
    with pytest.raises(ValidationFailed) as exc:
        record(chair, small)
    assert set(exc.value.fields) == {"village"}
    assert VillageHeadTerm.objects.count() == 1


def test_a_head_dismissed_in_danchu_is_not_back_filled_before_it(small, official, chair):
    on = _today() - _days(20)
    dismiss(official, chair, small, on)  # a head from before danchu, dismissed in danchu
    with pytest.raises(ValidationFailed) as exc:
        record(chair, small, started_on=on)
    assert set(exc.value.fields) == {"started_on"}
    term = record(chair, small, kind=Kind.INTERIM, started_on=on + _days(1))
    assert office.office_state(small).current == term


def test_a_planned_end_already_past_leaves_the_office_vacant(small, chair):
    resident, user = _account(small)
    start = add_months(_today(), -61)
    term = record(chair, small, started_on=start, resident=resident)
    state = office.office_state(small)
    assert state.vacant
    assert state.expired
    assert term.role_assignment is None
    assert not RoleAssignment.objects.filter(user=user, role=Role.VILLAGE_HEAD).exists()
    # The next head closes it at its planned end, as for any term.
    office.interim_appoint(actor=chair, village=small, name="Tạm", started_on=_today())
    term.refresh_from_db()
    assert (term.ended_on, term.end_reason) == (
        term.planned_end_on,
        VillageHeadTerm.EndReason.TERM_ENDED,
    )


def test_the_resident_gets_the_role_and_the_audit_says_where_it_came_from(small, chair):
    resident, user = _account(small)
    start = _today() - _days(400)
    term = record(chair, small, name="", started_on=start, resident=resident.pk)
    assert (term.name, term.resident, term.source) == (
        resident.full_name,
        resident,
        Source.BEFORE_PLATFORM,
    )
    role = RoleAssignment.objects.get(user=user, role=Role.VILLAGE_HEAD)
    assert (role.village, role.valid_to) == (small, term.planned_end_on)
    assert term.role_assignment == role
    entry = AuditEntry.objects.get(action="decisions.office.existing")
    assert entry.object_id == str(term.pk)
    assert entry.after["source"] == "before_platform"
    assert entry.after["reference"] == REF
    assert "Điều 8" in entry.after["article"]
    assert entry.actor_id == chair.pk


def test_a_role_granted_when_the_commune_started_is_extended_not_doubled(small, chair):
    resident, user = _account(small)
    held = role_grant(
        actor=chair, user=user, role=Role.VILLAGE_HEAD, unit=small.commune, village=small,
        valid_from=_today() - _days(3),
    )  # fmt: skip
    term = record(chair, small, resident=resident, started_on=_today() - _days(700))
    role = RoleAssignment.objects.get(user=user, role=Role.VILLAGE_HEAD)
    assert role == held
    assert role.valid_to == term.planned_end_on


def test_the_back_filled_head_is_replaced_by_the_next_election(small, official, chair):
    old = record(chair, small, started_on=_today() - _days(1500))
    new = elect(official, chair, small, _today() - _days(2))
    old.refresh_from_db()
    assert (old.ended_on, old.end_reason) == (new.started_on, VillageHeadTerm.EndReason.REPLACED)


def test_only_the_chair_of_this_commune_records_the_existing_head(
    small, official, chair, other_commune
):
    for actor in (official, village_head(small), official_of(small.commune, Role.FRONT_OFFICER)):
        with pytest.raises(PermissionDenied):
            record(actor, small)
    with pytest.raises(NotFound):
        record(official_of(other_commune, Role.COMMUNE_CHAIR), small)
    assert not VillageHeadTerm.objects.exists()


# --- the commune's sheet -----------------------------------------------------------------------

HEADERS = [header for header, _aliases in office_import.COLUMNS.values()]


def xlsx(rows, headers=HEADERS, title=None):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(actor, commune, content, name="truong-thon.xlsx"):
    return office_import.heads_import(actor=actor, commune=commune, content=content, file_name=name)


@pytest.fixture
def three(commune):
    return [make_village(commune, households=1) for _ in range(3)]


def test_a_valid_sheet_records_every_village(commune, chair, three):
    a, b, c = three
    start = _today() - _days(500)
    content = xlsx(
        [
            [a.name, "Nguyễn Văn A", "Được bầu", start.strftime("%d/%m/%Y"), None, REF],
            [b.code, "Trần Thị B", "tạm thời", _today(), None, None],
            [c.name.upper(), "Lê Văn C", "Bầu", start, add_months(add_months(start, 60), 6), REF],
        ],
        title="DANH SÁCH TRƯỞNG THÔN",
    )
    result = run(chair, commune, content)
    assert result.ok, result.errors
    assert result.created == 3
    terms = {t.village_id: t for t in VillageHeadTerm.objects.all()}
    assert terms[a.pk].planned_end_on == add_months(start, 60)
    assert (terms[b.pk].kind, terms[b.pk].planned_end_on) == (
        Kind.INTERIM,
        add_months(_today(), 6),
    )
    assert terms[c.pk].planned_end_on == add_months(add_months(start, 60), 6)
    assert {t.source for t in terms.values()} == {Source.BEFORE_PLATFORM}
    assert AuditEntry.objects.filter(action="decisions.office.existing").count() == 3
    entry = AuditEntry.objects.get(action="decisions.office.import")
    assert entry.after["terms"] == 3
    assert len(entry.after["sha256"]) == 64


def test_one_bad_row_records_nothing(commune, chair, three):
    a, b, _c = three
    content = xlsx(
        [
            [a.name, "Nguyễn Văn A", "Được bầu", _today(), None, REF],
            [b.name, "Trần Thị B", "Được bầu", _today() + _days(1), None, REF],
        ]
    )
    result = run(chair, commune, content)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "Ngày bắt đầu")]
    assert "Dòng 3" in str(result.errors[0])
    assert not VillageHeadTerm.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="decisions.office").exists()


def test_every_problem_is_listed_by_row_and_column(commune, chair, three, small):
    a, b, c = three
    office.interim_appoint(actor=chair, village=small, name="Tạm", started_on=_today())
    start = _today() - _days(100)
    far = add_months(add_months(start, 60), 6) + _days(1)
    content = xlsx(
        [
            [a.name, "A", "Được bầu", start, None, REF],
            [a.name, "A lần hai", "Được bầu", start, None, REF],  # twice
            ["Thôn Không Có", "X", "Được bầu", start, None, REF],
            [small.name, "Y", "Tạm thời", start, None, None],  # history already recorded
            [b.name, "", "Trưởng", "1965", None, None],  # no name, bad kind, bad date
            [c.name, "Z", "Được bầu", start, far, None],  # no reference, too far
            [None, None, None, None, None, "ghi chú lạc"],
            [make_village(commune).name, "Tạm Lâu", "Tạm thời", start, add_months(start, 7), ""],
        ]
    )
    result = run(chair, commune, content)
    got = {(e.row, e.column) for e in result.errors}
    assert got == {
        (3, "Thôn/Tổ dân phố"),
        (4, "Thôn/Tổ dân phố"),
        (5, "Thôn/Tổ dân phố"),
        (6, "Họ và tên trưởng thôn"),
        (6, "Hình thức"),
        (6, "Ngày bắt đầu"),
        (7, "Quyết định"),
        (7, "Ngày kết thúc dự kiến"),
        (8, "Thôn/Tổ dân phố"),
        (8, "Họ và tên trưởng thôn"),
        (8, "Hình thức"),
        (8, "Ngày bắt đầu"),
        (9, "Ngày kết thúc dự kiến"),
    }
    assert VillageHeadTerm.objects.count() == 1  # the interim entered before


def test_the_sheet_boundaries_are_the_services(commune, chair, three):
    a, b, _c = three
    start = _today() - _days(100)
    edge = add_months(add_months(start, 60), -6)
    rows = [
        [a.name, "A", "Được bầu", start, edge, REF],
        [b.name, "B", "Tạm thời", start, add_months(start, 6), ""],
    ]
    assert run(chair, commune, xlsx(rows)).created == 2


def test_the_sheet_columns_are_checked(commune, chair, three):
    missing = run(chair, commune, xlsx([[three[0].name, "A"]], headers=HEADERS[:3] + ["Lạ"]))
    assert {e.column for e in missing.errors} == {"Lạ", "Ngày bắt đầu"}
    few = run(chair, commune, xlsx([[three[0].name, "A"]], headers=HEADERS[:2]))
    assert few.errors[0].message.startswith("Không tìm thấy dòng tiêu đề")
    empty = run(chair, commune, xlsx([]))
    assert [e.message for e in empty.errors] == ["Tệp không có dòng dữ liệu nào."]
    wrong = run(chair, commune, b"%PDF-1.4 ...", name="a.pdf")
    assert wrong.errors[0].row == 0
    big = run(chair, commune, b"x" * (office_import.MAX_BYTES + 1))
    assert not big.ok
    assert not VillageHeadTerm.objects.exists()


def test_a_csv_sheet_is_read_too(commune, chair, three):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["STT", *HEADERS])
    writer.writerow([1, three[0].code, "Nguyễn A", "Được bầu", "05/01/2024", "", REF])
    result = run(chair, commune, out.getvalue().encode("utf-8-sig"), name="a.csv")
    assert result.created == 1
    assert VillageHeadTerm.objects.get().started_on == D(2024, 1, 5)


def test_only_the_chair_imports(commune, official, three):
    content = xlsx([[three[0].name, "A", "Được bầu", _today(), None, REF]])
    for actor in (official, village_head(three[0])):
        with pytest.raises(PermissionDenied):
            run(actor, commune, content)
    assert not VillageHeadTerm.objects.exists()


def test_the_template_lists_the_villages_to_fill(commune, chair, three):
    record(chair, three[0])
    book = load_workbook(io.BytesIO(office_import.template_workbook(commune)))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert sorted(r[0] for r in rows[1:]) == sorted(v.name for v in three[1:])
    # The filled template imports as it is.
    sheet = book.active
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, 2, "Tên")
        sheet.cell(row, 3, "Tạm thời")
        sheet.cell(row, 4, _today().strftime("%d/%m/%Y"))
    out = io.BytesIO()
    book.save(out)
    assert run(chair, commune, out.getvalue()).created == 2


def test_a_resident_linked_later_gets_the_role(commune, chair, three):
    run(chair, commune, xlsx([[three[0].name, "A", "Được bầu", _today(), None, REF]]))
    term = VillageHeadTerm.objects.get()
    resident = ResidentFactory(household=households_of(three[0])[0])
    office.term_holder_link(actor=chair, term=term, resident=resident)
    term.refresh_from_db()
    assert term.resident == resident
