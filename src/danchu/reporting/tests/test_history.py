"""Historical figures: the XLSX import (all-or-nothing, Vietnamese field errors), the template,
and how reported figures count in figures and raw_figures."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from danchu.core.models import AuditEntry
from danchu.reporting import history, rollups
from danchu.reporting.models import ReportedFigure
from danchu.reporting.periods import Period
from danchu.reporting.scopes import Scope
from danchu.reporting.selectors import figures, figures_by_child, raw_figures, series
from danchu.reporting.tests.rollup_fakes import FakeSource, fake_source  # noqa: F401
from danchu.territory.models import AdministrativeUnit, UnitSuccession
from danchu.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

HEADER = [h for _k, h in history.COLUMNS]


def sheet(*rows: list[object], header: list[str] | None = None) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(header or HEADER)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def units(fake_source: FakeSource, commune):  # noqa: F811
    old = AdministrativeUnit.objects.create(
        era=AdministrativeUnit.Era.FORMER, level=AdministrativeUnit.Level.COMMUNE,
        code=commune.code, name="Xã Cũ Trùng Mã", name_folded="xa cu trung ma",
    )  # fmt: skip
    UnitSuccession.objects.create(predecessor=old, successor=commune)
    rollups.refresh_dirty()
    return commune, old


def test_template_has_the_headers_and_indicators(fake_source: FakeSource) -> None:  # noqa: F811
    book = load_workbook(io.BytesIO(history.template_workbook()))
    assert [c.value for c in book.worksheets[0][1]] == HEADER
    codes = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert codes == ["fake.count", "fake.money_vnd", "fake.done"]  # no rate


def test_import_counts_in_figures_and_raw(units, official) -> None:
    commune, old = units
    content = sheet(
        [commune.code, "", "fake.count", "01/01/2024", "31/12/2024", 12, ""],  # the former unit
        [commune.code, "", "fake.money_vnd", date(2025, 7, 1), date(2025, 12, 31),
         "1.250.000.000", "Báo cáo 6 tháng"],  # the 2025 commune, dotted thousands
    )  # fmt: skip
    result = history.reported_figures_import(actor=official, content=content, file_name="bc.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 2
    first = ReportedFigure.objects.get(code="fake.count")
    assert (first.unit, first.commune, first.province) == (old, commune, commune.parent)
    entry = AuditEntry.objects.get(action="reporting.reported_figures.import")
    assert entry.object_id == result.batch
    assert entry.after["created"] == 2
    for scope in (Scope.of(commune), Scope.of(commune.parent), Scope.nation()):
        for key, expected in (
            ("2021-2026", {"fake.count": 12, "fake.money_vnd": 1_250_000_000}),
            ("2024", {"fake.count": 12}),
            ("2025-H2", {"fake.money_vnd": 1_250_000_000}),
            ("2024-H1", {}),  # straddles: excluded (the rule)
            ("2025-07-01..2025-12-30", {}),
        ):
            period = Period.parse(key)
            assert figures(scope, period).values == expected, (scope.key, key)
            assert raw_figures(scope, period).values == expected
    assert figures_by_child(Scope.of(commune.parent), Period.parse("2024"))[0].values == {
        "fake.count": 12
    }
    steps = series(Scope.of(commune), Period.parse("2021-2026"))
    assert [s.values for s in steps if s.values] == [
        {"fake.count": 12},
        {"fake.money_vnd": 1_250_000_000},
    ]
    # The same sheet again replaces the figures (a corrected sheet), it does not add them.
    again = history.reported_figures_import(actor=official, content=content)
    assert (again.created, again.replaced) == (0, 2)
    assert figures(Scope.of(commune), Period.parse("2024")).values == {"fake.count": 12}
    assert history.reported_figures_delete_batch(actor=official, batch=again.batch) == 2
    assert not ReportedFigure.objects.exists()


def errors_of(actor, *rows: list[object], **kw) -> list[str]:
    with translation.override("vi"):
        result = history.reported_figures_import(actor=actor, content=sheet(*rows, **kw))
        assert not ReportedFigure.objects.exists()  # all or nothing
        return [str(e) for e in result.errors]


def test_import_errors_name_the_row_and_column(units, official) -> None:
    commune, old = units
    good = [commune.code, "", "fake.count", "01/01/2024", "31/12/2024", 12, ""]
    errors = errors_of(
        official,
        good,
        ["", "", "fake.rate", "31/02/2024", "2024-12-31", "12,5", ""],
        [commune.code, "", "fake.count", "01/01/2025", "31/12/2025", 1, ""],  # straddles
        ["99999", "", "fake.count", "01/01/2024", "31/12/2024", -1, ""],
        [commune.code, "", "fake.count", "01/06/2024", "30/06/2024", 3, ""],  # overlaps row 2
        [commune.code, "", "fake.count", "01/01/2026", "31/12/2099", 3, ""],  # not over
    )
    assert len(errors) == 8, errors
    assert errors[0].startswith("Dòng 3, cột “Mã chỉ tiêu”")
    assert any(e.startswith("Dòng 3, cột “Từ ngày”") for e in errors)
    assert any(e.startswith("Dòng 3, cột “Mã đơn vị”") for e in errors)
    assert any(e.startswith("Dòng 3, cột “Giá trị”") for e in errors)
    assert any("30/06/2025" in e and e.startswith("Dòng 4") for e in errors)
    assert any(e.startswith("Dòng 5, cột “Mã đơn vị”") and "99999" in e for e in errors)
    assert any(e.startswith("Dòng 5, cột “Giá trị”") for e in errors)
    assert any(e.startswith("Dòng 7, cột “Đến ngày”") for e in errors)
    # Overlaps are checked once the rows are valid.
    errors = errors_of(official, good, [commune.code, "", "fake.count", "01/06/2024",
                                        "30/06/2024", 3, ""])  # fmt: skip
    assert errors == [
        "Dòng 3, cột “Từ ngày”: Trùng thời gian với dòng 2 (cùng đơn vị và chỉ tiêu)."
    ]


def test_import_refuses_bad_files_and_other_communes(units, official) -> None:
    commune, old = units
    with translation.override("vi"):
        bad = history.reported_figures_import(actor=official, content=b"not a workbook")
        assert [str(e) for e in bad.errors] == ["Tệp không phải là bảng tính Excel (.xlsx)."]
    assert errors_of(official, header=["Mã đơn vị", "Giá trị"])[0].startswith("Dòng 1:")
    assert errors_of(official) == ["Tệp không có số liệu nào."]
    other = CommuneFactory()
    errors = errors_of(official, [other.code, "", "fake.count", "01/08/2025", "31/08/2025", 1, ""])
    assert errors == [f"Dòng 2, cột “Mã đơn vị”: Bạn không được nhập số liệu của {other.name}."]
