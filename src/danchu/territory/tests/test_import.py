"""Household import: format, validation, atomicity, idempotence, history and permissions."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.crypto import blind_index
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.core.vn import citizen_id_problem
from danchu.territory import imports
from danchu.territory.import_file import phone_from_cell
from danchu.territory.imports import (
    household_import_run,
    household_import_start,
    parse_household_file,
)
from danchu.territory.models import (
    Household,
    HouseholdImport,
    HouseholdVillagePeriod,
    Resident,
)
from danchu.territory.tests.factories import (
    HouseholdFactory,
    ResidentFactory,
    VillageFactory,
)
from danchu.territory.tests.import_files import HEADER, make_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    # Stored uploads and progress files per test: parallel runs share the test MEDIA_ROOT.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def villages(commune):
    return [
        VillageFactory(commune=commune, code="T01", name="Thôn Đông"),
        VillageFactory(commune=commune, code="T02", name="Thôn Tây"),
    ]


def _rows(n=5, **kwargs):
    return list(make_rows(n, ["Thôn Đông", "Thôn Tây"], **kwargs))


def _run(commune, path, actor=None):
    return household_import_run(actor=actor, commune=commune, path=path, file_name=Path(path).name)


def _messages(result):
    return [e["message"] for e in result.errors]


# --- valid files ------------------------------------------------------------------------------


def test_valid_xlsx_imports_households_residents_and_periods(commune, villages, tmp_path):
    rows = _rows(5)
    imp = _run(commune, write_xlsx(tmp_path / "ho.xlsx", iter(rows)))
    assert imp.status == HouseholdImport.Status.DONE, imp.errors
    assert Household.objects.filter(commune=commune).count() == 5
    assert Resident.objects.filter(commune=commune).count() == len(rows)
    assert imp.summary["households_created"] == 5
    assert imp.summary["residents_created"] == len(rows)
    assert imp.processed == imp.total == 2 * len(rows)
    # Law 10/2022 Art. 18(2): one representative per household.
    for household in Household.objects.filter(commune=commune):
        assert household.members.filter(is_representative=True).count() == 1
        assert household.periods.get().end is None
        assert household.representative_name_folded
    first = Resident.objects.get(citizen_id_index=blind_index(rows[0][7]))
    assert first.citizen_id == rows[0][7]  # decrypts to the clear value
    assert first.phone == rows[0][8]
    assert first.name_folded == first.full_name.lower() or "đ" not in first.name_folded


def test_valid_csv_with_semicolons_and_bom(commune, villages, tmp_path):
    rows = _rows(3)
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows), delimiter=";"))
    assert imp.status == HouseholdImport.Status.DONE, imp.errors
    assert Resident.objects.filter(commune=commune).count() == len(rows)


def test_one_audit_entry_without_personal_data(commune, villages, tmp_path):
    rows = _rows(3)
    before = AuditEntry.objects.count()
    imp = _run(commune, write_xlsx(tmp_path / "ho.xlsx", iter(rows)))
    entries = AuditEntry.objects.order_by("id")[before:]
    assert [e.action for e in entries] == ["household.import"]
    dumped = str(entries[0].after)
    assert imp.sha256 in dumped
    assert rows[0][7] not in dumped
    assert rows[0][4] not in dumped


def test_reimport_is_idempotent(commune, villages, tmp_path):
    path = write_xlsx(tmp_path / "ho.xlsx", iter(_rows(6)))
    _run(commune, path)
    counts = (
        Household.objects.count(),
        Resident.objects.count(),
        HouseholdVillagePeriod.objects.count(),
    )
    stamps = list(Resident.objects.order_by("id").values_list("updated_at", flat=True))
    again = _run(commune, path)
    assert again.status == HouseholdImport.Status.DONE
    assert again.summary["households_created"] == 0
    assert again.summary["households_updated"] == 0
    assert again.summary["residents_created"] == 0
    assert again.summary["residents_updated"] == 0
    assert again.summary["residents_unchanged"] == counts[1]
    assert (
        Household.objects.count(),
        Resident.objects.count(),
        HouseholdVillagePeriod.objects.count(),
    ) == counts
    assert list(Resident.objects.order_by("id").values_list("updated_at", flat=True)) == stamps


def test_residents_without_citizen_id_match_by_name_and_birth(commune, villages, tmp_path):
    rows = _rows(2)
    for row in rows:
        row[7] = ""
    path = write_csv(tmp_path / "ho.csv", iter(rows))
    _run(commune, path)
    again = _run(commune, path)
    assert again.summary["residents_created"] == 0
    assert Resident.objects.count() == len(rows)


def test_move_village_keeps_history_and_changes_representative(commune, villages, tmp_path):
    rows = [r for r in _rows(1, members=(2, 2))]
    _run(commune, write_csv(tmp_path / "a.csv", iter(rows)))
    household = Household.objects.get()
    old_village = household.village
    new_village = villages[1] if old_village == villages[0] else villages[0]
    for row in rows:
        row[2] = new_village.code  # by code this time
    rows[0][9], rows[1][9] = "", "x"
    imp = _run(commune, write_csv(tmp_path / "b.csv", iter(rows)))
    assert imp.status == HouseholdImport.Status.DONE, imp.errors
    assert imp.summary["households_moved"] == 1
    household.refresh_from_db()
    assert household.village == new_village
    periods = list(household.periods.order_by("start", "id"))
    assert [(p.village, p.end) for p in periods] == [
        (old_village, timezone.localdate()),
        (new_village, None),
    ]
    rep = household.members.get(is_representative=True)
    assert rep.citizen_id == rows[1][7]


# --- refused files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("ho.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "97-2003"),
        ("ho.pdf", b"%PDF-1.7\n...", "PDF"),
        ("ho.xlsx", b"Ma ho,Thon\nHGD1,Thon Dong\n", "not an Excel workbook"),
        ("ho.csv", b"PK\x03\x04" + b"\0" * 100, "not a text file"),
        ("ho.docx", b"hello", "Unsupported"),
        ("ho.csv", b"", "empty"),
    ],
)
def test_bad_file_types_are_refused(commune, villages, name, content, fragment):
    with translation_en():
        result = parse_household_file(
            path_or_file=io.BytesIO(content), file_name=name, commune=commune
        )
    assert not result.ok
    assert fragment in result.errors[0]["message"]


def test_renamed_zip_that_is_not_a_workbook_is_refused(commune, villages, tmp_path):
    import zipfile

    path = tmp_path / "ho.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    imp = _run(commune, path)
    assert imp.status == HouseholdImport.Status.FAILED
    assert Household.objects.count() == 0


def test_wrong_columns_name_the_missing_and_unknown_columns(commune, villages, tmp_path):
    header = ["Mã hộ", "Họ và tên", "Ngày sinh", "Quê quán"]
    path = write_csv(
        tmp_path / "ho.csv",
        iter([["HGD1", "Nguyễn Văn An", "01/01/1980", "Hà Tĩnh"]]),
        header=header,
    )
    imp = _run(commune, path)
    assert imp.status == HouseholdImport.Status.FAILED
    columns = {e["column"] for e in imp.errors}
    assert {"Thôn/Tổ dân phố", "Chủ hộ/Đại diện", "Quê quán"} <= columns
    assert any("Thôn/Tổ dân phố" in e["message"] for e in imp.errors)


def test_headers_ignore_diacritics_case_and_english_aliases(commune, villages, tmp_path):
    header = ["ma ho", "THON", "Full name", "date of birth", "SEX", "citizen id", "phone", "CHU HO"]
    rows = [[r[1], r[2], r[4], r[5], r[6], r[7], r[8], r[9]] for r in _rows(2)]
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows), header=header))
    assert imp.status == HouseholdImport.Status.DONE, imp.errors


def test_duplicate_citizen_ids_in_file_and_in_commune(commune, villages, tmp_path):
    rows = _rows(3)
    rows[-1][7] = rows[0][7]  # a duplicate inside the file
    other = ResidentFactory(household=HouseholdFactory(village=villages[0], code="KHAC01"))
    rows[1][7] = other.citizen_id  # already in another household of the commune
    rows[1][5], rows[1][6] = "", ""  # so that only the duplicate is reported
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows)))
    assert imp.status == HouseholdImport.Status.FAILED
    by_row = {e["row"]: e for e in imp.errors}
    assert by_row[len(rows) + 1]["column"] == "Số CCCD"
    assert "KHAC01" in by_row[3]["message"]
    assert Household.objects.count() == 1  # only the factory's


def test_household_without_or_with_two_representatives(commune, villages, tmp_path):
    rows = _rows(2, members=(2, 2))
    rows[0][9] = ""  # household 1: none
    rows[3][9] = "x"  # household 2: two
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows)))
    assert imp.status == HouseholdImport.Status.FAILED
    assert {e["column"] for e in imp.errors} == {"Chủ hộ/Đại diện"}
    assert len(imp.errors) == 2


def test_unknown_or_inactive_or_other_commune_village(commune, other_commune, villages, tmp_path):
    inactive = VillageFactory(commune=commune, name="Thôn Cũ", is_active=False)
    VillageFactory(commune=other_commune, name="Thôn Xa")
    rows = _rows(3, members=(1, 1))
    rows[0][2], rows[1][2], rows[2][2] = "Thôn Không Có", inactive.name, "Thôn Xa"
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows)))
    assert [(e["row"], e["column"]) for e in imp.errors] == [
        (r, "Thôn/Tổ dân phố") for r in (2, 3, 4)
    ]


def test_village_matched_folded(commune, villages, tmp_path):
    rows = _rows(2)
    for row in rows:
        row[2] = "THON DONG"
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows)))
    assert imp.status == HouseholdImport.Status.DONE, imp.errors


@pytest.mark.parametrize(
    ("cccd", "born", "sex", "ok"),
    [
        ("042080000123", datetime.date(1980, 5, 1), "M", True),
        ("042180000123", datetime.date(1980, 5, 1), "F", True),
        ("001205000001", datetime.date(2005, 1, 1), "M", True),
        ("001305000001", datetime.date(2005, 1, 1), "F", True),
        ("04208000012", None, "", False),  # 11 digits
        ("04208000012a", None, "", False),
        ("096080000123", None, "", True),  # the last province code (Circular 59/2021 Art. 7)
        ("097080000123", None, "", False),  # province code above 096
        ("001080000123", None, "", True),
        ("000080000123", None, "", False),
        ("042080000123", datetime.date(1981, 5, 1), "M", False),  # year
        ("042280000123", datetime.date(1980, 5, 1), "M", False),  # century
        ("042080000123", datetime.date(1980, 5, 1), "F", False),  # sex
        ("042080000123", None, "", True),
    ],
)
def test_citizen_id_structure(cccd, born, sex, ok):
    assert (citizen_id_problem(cccd, born, sex) is None) is ok


def test_invalid_cells_are_all_reported(commune, villages, tmp_path):
    rows = _rows(4, members=(1, 1))
    rows[0][7] = "12345"  # CCCD
    rows[1][5] = "31/02/1980"  # date
    rows[2][8] = "12345"  # phone
    rows[3][5] = "1965"  # year only: refused by design
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows)))
    assert [(e["row"], e["column"]) for e in imp.errors] == [
        (2, "Số CCCD"), (3, "Ngày sinh"), (4, "Số điện thoại"), (5, "Ngày sinh"),
    ]  # fmt: skip
    assert all(e["message"] for e in imp.errors)


def test_messages_are_in_vietnamese(commune, villages, tmp_path):
    rows = _rows(1, members=(1, 1))
    rows[0][2] = "Thôn Không Có"
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows)))
    assert "Không có thôn" in imp.errors[0]["message"]


def test_rows_of_one_household_must_agree(commune, villages, tmp_path):
    rows = _rows(1, members=(2, 2))
    rows[1][2] = "Thôn Tây" if rows[0][2] == "Thôn Đông" else "Thôn Đông"
    rows[1][3] = "Số 999, nơi khác"
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows)))
    assert {e["column"] for e in imp.errors} == {"Thôn/Tổ dân phố", "Địa chỉ"}


def test_phone_normalisation():
    assert phone_from_cell("+84 912 345 678") == "0912345678"
    assert phone_from_cell("84912345678") == "0912345678"
    assert phone_from_cell("091.234.5678") == "0912345678"
    assert phone_from_cell(912345678) == "0912345678"  # a number cell lost its 0
    assert phone_from_cell(845123456) == "0845123456"  # …even when it then starts with 84
    assert phone_from_cell(2438251234) == "02438251234"  # landline
    assert phone_from_cell(84912345678) == "0912345678"
    assert phone_from_cell("０９１２３４５６７８") == "0912345678"
    assert phone_from_cell(None) == ""
    assert phone_from_cell("٠٩١٢٣٤٥٦٧٨") is None
    assert phone_from_cell(91234567.5) is None


def test_number_cells_lose_no_leading_zero(commune, villages, tmp_path):
    import openpyxl

    rows = _rows(1, members=(1, 1))
    cccd = rows[0][7]
    rows[0][7] = int(cccd)  # Excel dropped the leading 0
    rows[0][8] = int(rows[0][8])
    day, month, year = map(int, rows[0][5].split("/"))
    rows[0][5] = datetime.datetime(year, month, day)  # a real date cell
    path = tmp_path / "ho.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(rows[0])
    workbook.save(path)
    imp = _run(commune, path)
    assert imp.status == HouseholdImport.Status.DONE, imp.errors
    assert Resident.objects.get().citizen_id == cccd


def test_errors_are_capped_with_a_count(commune, villages, tmp_path, monkeypatch):
    monkeypatch.setattr("danchu.territory.import_file.MAX_LISTED_ERRORS", 5)
    rows = _rows(20, members=(1, 1))
    for row in rows:
        row[7] = "1"
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(rows)))
    assert len(imp.errors) == 5
    assert imp.summary["errors"] == 20
    assert imp.summary["unlisted_errors"] == 15


def test_file_over_the_size_limit_is_refused_before_reading(
    commune, villages, tmp_path, monkeypatch
):
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, instant to create
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(1))
    imp = _run(commune, path)
    assert imp.status == HouseholdImport.Status.FAILED
    assert "50.0" in imp.errors[0]["message"]
    assert opened == []
    assert imp.sha256 == ""


def test_upload_over_the_size_limit_is_refused(commune, official, settings):
    settings.IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("ho.csv", b"x" * 1001)
    with pytest.raises(ValidationFailed) as caught:
        household_import_start(actor=official, commune=commune, uploaded_file=upload)
    assert "file" in caught.value.fields
    assert HouseholdImport.objects.count() == 0


# --- atomicity --------------------------------------------------------------------------------


def test_error_in_last_row_writes_nothing(commune, villages, tmp_path):
    rows = _rows(50)
    rows[-1][7] = "999"
    imp = _run(commune, write_xlsx(tmp_path / "ho.xlsx", iter(rows)))
    assert imp.status == HouseholdImport.Status.FAILED
    assert imp.errors[0]["row"] == len(rows) + 1
    assert Household.objects.count() == 0
    assert Resident.objects.count() == 0
    assert HouseholdVillagePeriod.objects.count() == 0


def test_database_failure_mid_write_leaves_nothing(commune, villages, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 3)
    real = imports._insert_rows
    calls = []

    def failing(model, columns, rows):
        if model is Resident:
            calls.append(len(rows))
            if len(calls) == 2:  # the second batch of residents
                from django.db import DatabaseError

                raise DatabaseError("disk I/O error")
        return real(model, columns, rows)

    monkeypatch.setattr(imports, "_insert_rows", failing)
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(_rows(5))))
    assert len(calls) == 2
    assert imp.status == HouseholdImport.Status.FAILED
    assert imp.errors[0]["row"] == 0
    assert Household.objects.count() == 0
    assert Resident.objects.count() == 0
    assert HouseholdVillagePeriod.objects.count() == 0
    assert not AuditEntry.objects.filter(action="household.import").exists()


def test_failure_while_planning_marks_the_import_failed(commune, villages, tmp_path, monkeypatch):
    def broken_plan(parsed, commune):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(imports, "_plan", broken_plan)
    imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(_rows(3))))
    imp.refresh_from_db()
    assert imp.status == HouseholdImport.Status.FAILED
    assert imp.finished_at is not None
    assert [(e["row"], e["column"]) for e in imp.errors] == [(0, "")]
    assert "unexpected" not in imp.errors[0]["message"]
    assert Household.objects.count() == 0
    assert Resident.objects.count() == 0
    assert not AuditEntry.objects.filter(action="household.import").exists()


def test_failure_while_planning_message_is_translated(commune, villages, tmp_path, monkeypatch):
    from django.utils import translation

    monkeypatch.setattr(imports, "_plan", lambda parsed, commune: 1 / 0)
    with translation.override("vi"):
        imp = _run(commune, write_csv(tmp_path / "ho.csv", iter(_rows(1))))
    assert imp.errors[0]["message"].startswith("Việc nhập dữ liệu bị lỗi")


# --- web start, task, permissions -------------------------------------------------------------


@pytest.mark.parametrize("failing", ["create", "audit"])
def test_start_deletes_the_stored_file_when_it_fails(
    commune, villages, official, tmp_path, monkeypatch, failing
):
    from django.db import DatabaseError

    seen = []

    def boom(*args, **kwargs):
        seen.extend(imports._uploads_dir().iterdir())
        raise DatabaseError("disk full")

    if failing == "create":
        monkeypatch.setattr(HouseholdImport.objects, "create", boom)
    else:
        monkeypatch.setattr(imports.audit, "record", boom)
    path = write_csv(tmp_path / "ho.csv", iter(_rows(2)))
    upload = SimpleUploadedFile("ho.csv", path.read_bytes())
    with pytest.raises(DatabaseError):
        household_import_start(actor=official, commune=commune, uploaded_file=upload)
    assert len(seen) == 1  # the file was written before the failure…
    assert list(imports._uploads_dir().iterdir()) == []  # …and removed after it
    assert HouseholdImport.objects.count() == 0


def test_start_stores_queues_and_processes(
    commune, villages, official, tmp_path, django_capture_on_commit_callbacks
):
    path = write_xlsx(tmp_path / "ho.xlsx", iter(_rows(3)))
    upload = SimpleUploadedFile("ho.xlsx", path.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        imp = household_import_start(actor=official, commune=commune, uploaded_file=upload)
    imp.refresh_from_db()
    assert imp.status == HouseholdImport.Status.DONE, imp.errors
    assert imp.uploaded_by == official
    assert imp.file_path == ""  # the stored upload (clear citizen IDs) is deleted
    assert Household.objects.filter(commune=commune).count() == 3
    assert imports.import_progress(imp).percent == 100


def test_start_refuses_a_renamed_file(commune, official):
    upload = SimpleUploadedFile("ho.xlsx", b"%PDF-1.4 not a workbook")
    with pytest.raises(ValidationFailed):
        household_import_start(actor=official, commune=commune, uploaded_file=upload)


def test_official_of_another_commune_gets_404(commune, other_commune, tmp_path):
    outsider = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_OFFICIAL).user
    upload = SimpleUploadedFile("ho.csv", b"a,b\n")
    with pytest.raises(NotFound):
        household_import_start(actor=outsider, commune=commune, uploaded_file=upload)
    with pytest.raises(NotFound):
        household_import_run(
            actor=outsider, commune=commune, path=tmp_path / "x.csv", file_name="x.csv"
        )


def test_resident_gets_403(commune, villages):
    resident = RoleAssignmentFactory(commune=commune, role=Role.RESIDENT, village=villages[0]).user
    upload = SimpleUploadedFile("ho.csv", b"a,b\n")
    with pytest.raises(PermissionDenied):
        household_import_start(actor=resident, commune=commune, uploaded_file=upload)


def test_progress_callback_reaches_total(commune, villages, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 4)
    seen = []
    rows = _rows(6)
    household_import_run(
        actor=None, commune=commune, path=write_csv(tmp_path / "ho.csv", iter(rows)),
        file_name="ho.csv", progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert seen[-1] == (2 * len(rows), 2 * len(rows))
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


def translation_en():
    from django.utils import translation

    return translation.override("en")


# --- command line -----------------------------------------------------------------------------


def test_command_imports_and_dry_run_writes_nothing(commune, villages, tmp_path):
    from django.core.management import call_command

    path = write_xlsx(tmp_path / "ho.xlsx", iter(_rows(4)))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_households", str(path), commune=commune.code, dry_run=True, stdout=out, stderr=err
    )
    assert Household.objects.count() == 0
    call_command("import_households", str(path), commune=commune.code, stdout=out, stderr=err)
    assert Household.objects.count() == 4
    assert "100.0%" in err.getvalue()


def test_command_prints_error_table_and_fails(commune, villages, tmp_path):
    from django.core.management import CommandError, call_command

    rows = _rows(2, members=(1, 1))
    rows[1][7] = "123"
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_households", str(write_csv(tmp_path / "ho.csv", iter(rows))),
            commune=commune.code, no_progress=True, stdout=out,
        )  # fmt: skip
    text = out.getvalue()
    assert "Dòng" in text
    assert "Cột" in text
    assert "Lỗi" in text
    assert "Số CCCD" in text
    assert Household.objects.count() == 0


def test_write_phase_progress_is_visible_outside_the_transaction(
    commune, villages, tmp_path, monkeypatch
):
    monkeypatch.setattr(imports, "BATCH_SIZE", 4)
    seen = []

    def spy(done, total):
        if 2 * done > total:  # the write phase: the web reads the progress file
            current = HouseholdImport.objects.latest("id")
            seen.append(imports.import_progress(current).processed == done)

    imp = household_import_run(
        actor=None, commune=commune, path=write_csv(tmp_path / "ho.csv", iter(_rows(6))),
        file_name="ho.csv", progress=spy,
    )  # fmt: skip
    assert seen
    assert all(seen)
    assert not imports._progress_path(imp.pk).exists()  # cleaned up
