"""Vietnamese identifiers: one canonical phone and CCCD, whoever writes them and however."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from danchu.core.crypto import blind_index
from danchu.core.errors import ValidationFailed
from danchu.core.vn import citizen_id_problem, normalise_citizen_id, normalise_phone

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


# --- phone ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("091-234-5678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("(+84) 0912.345.678", "0912345678"),
        ("0912345678".translate(FULLWIDTH), "0912345678"),
        ("＋８４ ９１２ ３４５ ６７８", "0912345678"),
        ("0912\u00a0345\u00a0678", "0912345678"),  # no-break spaces from a word processor
        ("0312345678", "0312345678"),
        ("0512345678", "0512345678"),
        ("0712345678", "0712345678"),
        ("0812345678", "0812345678"),
        ("(024) 3825 1234", "02438251234"),  # landline: 11 digits, 02
        ("+84 24 3825 1234", "02438251234"),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_phone_is_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "0112345678",  # 01x is no longer a mobile prefix
        "0412345678",
        "0612345678",
        "091234567",  # 9 digits
        "09123456789",  # 11 digits mobile
        "0243825123",  # 10 digits landline
        "0912345678".translate(ARABIC_INDIC),  # other digits: refused, never stored
        "09l2345678",
        "+85 912 345 678",
        "0912+345678",
    ],
)
def test_not_a_phone_number(raw):
    assert normalise_phone(raw) is None


# --- citizen ID -------------------------------------------------------------------------------


def test_citizen_id_normalisation():
    assert normalise_citizen_id("042 080 000 123") == "042080000123"
    assert normalise_citizen_id("042080000123".translate(FULLWIDTH)) == "042080000123"
    assert normalise_citizen_id(" ０４２.０８０-０００\u3000１２３ ") == "042080000123"
    assert normalise_citizen_id(42080000123) == "042080000123"  # Excel number cell
    assert normalise_citizen_id(1205000001.0) == "001205000001"
    assert normalise_citizen_id("42080000123") == "42080000123"  # typed text: not guessed
    assert normalise_citizen_id(None) == ""
    assert normalise_citizen_id("") == ""


def test_other_unicode_digits_are_refused_not_stored():
    cccd = normalise_citizen_id("042080000123".translate(ARABIC_INDIC))
    assert cccd != "042080000123"
    assert citizen_id_problem(cccd) is not None


def _year_digits(year: int) -> str:
    return f"{2 * ((year - 1900) // 100)}{year % 100:02d}"


@pytest.mark.parametrize(
    ("cccd", "born", "sex", "ok"),
    [
        # Circular 59/2021/TT-BCA Art. 7: province code 001–096.
        ("001080000123", None, "", True),
        ("096080000123", None, "", True),
        ("000080000123", None, "", False),
        ("097080000123", None, "", False),
        ("04208000012", None, "", False),  # 11 digits
        ("0420800001234", None, "", False),  # 13 digits
        ("04208000012a", None, "", False),
        # Century and sex digit, both sides of 2000.
        ("042099000123", date(1999, 12, 31), "M", True),
        ("042199000123", date(1999, 12, 31), "F", True),
        ("042299000123", date(1999, 12, 31), "", False),  # 2099, not 1999
        ("042200000123", date(2000, 1, 1), "M", True),
        ("042300000123", date(2000, 1, 1), "F", True),
        ("042000000123", date(2000, 1, 1), "", False),  # 1900, not 2000
        ("042100000123", date(2000, 1, 1), "", False),
        ("042000000123", date(1900, 1, 1), "M", True),
        ("042080000123", date(1981, 5, 1), "M", False),  # year
        ("042099000123", date(1999, 12, 31), "F", False),  # sex
        ("042199000123", date(1999, 12, 31), "M", False),
        ("042200000123", date(2000, 1, 1), "F", False),
        ("042300000123", date(2000, 1, 1), "M", False),
        ("042080000123", None, "", True),
        ("042480000123", None, "", False),  # born 2180
    ],
)
def test_citizen_id_structure(cccd, born, sex, ok):
    assert (citizen_id_problem(cccd, born, sex) is None) is ok


def test_citizen_id_year_of_birth_cannot_be_in_the_future():
    year = timezone.localdate().year
    assert citizen_id_problem(f"042{_year_digits(year)}000123") is None
    assert citizen_id_problem(f"042{_year_digits(year + 1)}000123") is not None


def test_citizen_id_problem_is_translated(settings):
    from django.utils import translation

    with translation.override("vi"):
        assert "mã tỉnh" in (citizen_id_problem("097080000123") or "")


# --- one person, one blind index, whoever writes it ---------------------------------------------


@pytest.mark.django_db
def test_services_and_import_store_the_same_person_identically(
    commune, village, settings, tmp_path
):
    from danchu.territory import services
    from danchu.territory.import_file import citizen_id_from_cell, phone_from_cell
    from danchu.territory.imports import household_import_run
    from danchu.territory.models import HouseholdImport, Resident
    from danchu.territory.tests.import_files import HEADER, write_csv

    settings.MEDIA_ROOT = tmp_path / "media"
    household = services.household_create(
        actor=None, commune=commune, village=village, code="HGD001", address="Xóm 1",
        members=[{
            "full_name": "Nguyễn Văn An", "date_of_birth": date(1980, 5, 1), "sex": "M",
            "citizen_id": "０４２ ０８０ ０００ １２３", "phone": "+84 (0) 912.345.678",
            "is_representative": True,
        }],
    )  # fmt: skip
    stored = household.members.get()
    assert (stored.citizen_id, stored.phone) == ("042080000123", "0912345678")
    assert stored.citizen_id_index == blind_index("042080000123")
    assert stored.phone_index == blind_index("0912345678")
    # The import's cells, written three other ways, normalise to the very same values.
    assert citizen_id_from_cell(42080000123) == stored.citizen_id
    assert citizen_id_from_cell("042080000123".translate(FULLWIDTH)) == stored.citizen_id
    assert phone_from_cell(912345678) == stored.phone
    assert phone_from_cell("84 912 345 678") == stored.phone
    # Importing that person again (another spelling) updates them, never a second resident.
    row = [1, "HGD001", village.name, "Xóm 1", "Nguyễn Văn An", "01/05/1980", "Nam",
           "042 080 000 123", "０９１２３４５６７８", "x"]  # fmt: skip
    path = write_csv(tmp_path / "ho.csv", iter([row]))
    imp = household_import_run(actor=None, commune=commune, path=path, file_name="ho.csv")
    assert imp.status == HouseholdImport.Status.DONE, imp.errors
    assert HEADER[7] == "Số CCCD"
    again = Resident.objects.get(commune=commune)
    assert again.pk == stored.pk
    assert (again.citizen_id_index, again.phone_index) == (
        stored.citizen_id_index,
        stored.phone_index,
    )
    # And the services refuse the same person in another household of the commune.
    with pytest.raises(ValidationFailed) as caught:
        services.household_create(
            actor=None, commune=commune, village=village, code="HGD002", address="",
            members=[{"full_name": "An", "date_of_birth": None, "sex": "",
                      "citizen_id": "042080000123", "is_representative": True}],
        )  # fmt: skip
    assert "citizen_id" in caught.value.fields
