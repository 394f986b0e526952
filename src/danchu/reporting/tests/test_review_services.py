"""Review reports: creation with the figures snapshot, kinds and periods, numbering per issuer
and year (NĐ 30/2020 Art. 15), freezing on issue, permissions."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.core.errors import NotFound, PermissionDenied, ValidationFailed
from danchu.reporting import reviews
from danchu.reporting.models import ReviewReport
from danchu.reporting.periods import Period
from danchu.reporting.review_documents import review_docx, review_html
from danchu.reporting.tests.review_fakes import fake_facts_fixture  # noqa: F401
from danchu.territory.tests.factories import CommuneFactory, VillageFactory

H1 = Period.half(2026, 1)
TEXT = reviews.ReviewText


@pytest.fixture
def village_pair(commune):
    return VillageFactory(commune=commune, name="Thôn Đông"), VillageFactory(
        commune=commune, name="Thôn Tây"
    )


def _draft(actor, unit, kind=ReviewReport.Kind.HALF_YEAR, period=H1):
    return reviews.review_create(actor=actor, unit=unit, kind=kind, period=period)


def _signed(report, actor, name="Nguyễn Văn Chủ"):
    return reviews.review_update(
        actor=actor, report=report,
        text=TEXT(title=report.title, place=report.place, results="Kết quả tốt.",
                  recipients=report.recipients, signer_authority=report.signer_authority,
                  signer_title=report.signer_title, signer_name=name),
    )  # fmt: skip


def test_create_snapshots_figures_by_pillar_child_and_previous(
    fake_facts, commune, village_pair, chair
):
    east, west = village_pair
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 3, 1), 1_500_000,
                   east.pk)  # fmt: skip
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2026, 4, 1), 500_000,
                   west.pk)  # fmt: skip
    fake_facts.add("contributions.money_received_vnd", commune.pk, date(2025, 9, 1), 700_000)
    fake_facts.add("requests.resolved", commune.pk, date(2026, 2, 1), 4)
    fake_facts.add("requests.resolved_on_time", commune.pk, date(2026, 2, 1), 3)
    report = _draft(chair, commune)
    snap = report.snapshot
    assert report.status == ReviewReport.Status.DRAFT
    assert report.title == "Sơ kết 6 tháng đầu năm 2026 thực hiện dân chủ ở cơ sở"
    assert report.issuer_name == f"ỦY BAN NHÂN DÂN {commune.name.upper()}"
    assert snap["values"]["contributions.money_received_vnd"] == 2_000_000
    rows = {r["code"]: r for r in snap["indicators"]}
    assert rows["contributions.money_received_vnd"]["display"] == "2.000.000"
    assert rows["contributions.money_received_vnd"]["previous"] == 700_000  # 2025-H2
    assert rows["requests.on_time_rate"]["display"] == "75,0%"
    assert rows["requests.on_time_rate"]["name"] == "Tỷ lệ giải quyết đúng hạn"
    assert snap["previous"]["key"] == "2025-H2"
    assert [c["name"] for c in snap["children"]] == ["Thôn Đông", "Thôn Tây"]
    assert snap["children"][0]["values"]["contributions.money_received_vnd"] == 1_500_000
    assert snap["chart"]["code"] == "contributions.money_received_vnd"
    assert "requests.received_denunciation" not in [c["code"] for c in snap["child_columns"]]


def test_five_year_review_includes_former_communes(fake_facts, chair, commune):
    from danchu.territory.models import AdministrativeUnit, UnitSuccession

    former = CommuneFactory(era=AdministrativeUnit.Era.FORMER, parent=None)
    UnitSuccession.objects.create(predecessor=former, successor=commune)
    fake_facts.add("decisions.decided", former.pk, date(2022, 5, 1), 7)
    fake_facts.add("decisions.decided", commune.pk, date(2026, 2, 1), 2)
    report = _draft(chair, commune, ReviewReport.Kind.FIVE_YEAR, Period.years(2021, 2026))
    assert report.snapshot["values"]["decisions.decided"] == 9
    assert report.title == "Tổng kết 5 năm thực hiện dân chủ ở cơ sở giai đoạn 2021–2026"


@pytest.mark.parametrize(
    ("kind", "period", "ok"),
    [
        (ReviewReport.Kind.HALF_YEAR, "2026-H1", True),
        (ReviewReport.Kind.HALF_YEAR, "2026", False),
        (ReviewReport.Kind.ANNUAL, "2025", True),
        (ReviewReport.Kind.ANNUAL, "2025-H2", False),
        (ReviewReport.Kind.FIVE_YEAR, "2021-2026", True),
        (ReviewReport.Kind.FIVE_YEAR, "2022-2026", True),
        (ReviewReport.Kind.FIVE_YEAR, "2023-2026", False),
        (ReviewReport.Kind.OTHER, "2026-Q1", True),
    ],
)
def test_kind_must_fit_period(fake_facts, chair, commune, kind, period, ok):
    if ok:
        _draft(chair, commune, kind, Period.parse(period))
    else:
        with pytest.raises(ValidationFailed) as error:
            _draft(chair, commune, kind, Period.parse(period))
        assert "period" in error.value.fields


def test_period_must_have_started(fake_facts, chair, commune):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    with pytest.raises(ValidationFailed) as error:
        _draft(chair, commune, ReviewReport.Kind.OTHER, Period("range", tomorrow, tomorrow))
    assert "period" in error.value.fields
    _draft(chair, commune, ReviewReport.Kind.OTHER, Period("range", today, today))  # boundary


def test_numbers_run_per_issuer_and_year_without_gaps(fake_facts, chair, commune):
    other = CommuneFactory(parent=commune.parent)
    other_chair = RoleAssignmentFactory(commune=other, role=Role.COMMUNE_CHAIR).user
    issued = []
    for day in (date(2026, 7, 1), date(2026, 7, 2), date(2026, 7, 2)):
        report = _signed(_draft(chair, commune), chair)
        issued.append(reviews.review_issue(actor=chair, report=report, issued_on=day))
    assert [r.reference for r in issued] == ["01/BC-UBND", "02/BC-UBND", "03/BC-UBND"]
    theirs = _signed(_draft(other_chair, other), other_chair)
    theirs = reviews.review_issue(actor=other_chair, report=theirs, issued_on=date(2026, 7, 3))
    assert theirs.number == 1  # another issuer starts from 01
    # A new calendar year restarts from 01 (Art. 15: from 1 January to 31 December).
    next_year = _signed(_draft(chair, commune, ReviewReport.Kind.ANNUAL, Period.year(2026)), chair)
    if timezone.localdate() >= date(2027, 1, 1):  # pragma: no cover - depends on the clock
        day = date(2027, 1, 1)
        assert reviews.review_issue(actor=chair, report=next_year, issued_on=day).number == 1


def test_counter_restarts_each_year(fake_facts, chair, commune):
    first = _signed(_draft(chair, commune, ReviewReport.Kind.ANNUAL, Period.year(2025)), chair)
    first = reviews.review_issue(actor=chair, report=first, issued_on=date(2025, 12, 20))
    second = _signed(_draft(chair, commune), chair)
    second = reviews.review_issue(actor=chair, report=second, issued_on=date(2026, 1, 5))
    assert (first.number, first.number_year) == (1, 2025)
    assert (second.number, second.number_year) == (1, 2026)


def test_a_later_number_cannot_carry_an_earlier_date(fake_facts, chair, commune):
    a = _signed(_draft(chair, commune), chair)
    reviews.review_issue(actor=chair, report=a, issued_on=date(2026, 7, 10))
    b = _signed(_draft(chair, commune), chair)
    with pytest.raises(ValidationFailed) as error:
        reviews.review_issue(actor=chair, report=b, issued_on=date(2026, 7, 9))
    assert "issued_on" in error.value.fields
    b = reviews.review_issue(actor=chair, report=b, issued_on=date(2026, 7, 10))  # same day
    assert b.number == 2


def test_issue_date_rules(fake_facts, chair, commune):
    report = _signed(_draft(chair, commune), chair)
    tomorrow = timezone.localdate() + timedelta(days=1)
    for day in (tomorrow, date(2025, 12, 31)):
        with pytest.raises(ValidationFailed) as error:
            reviews.review_issue(actor=chair, report=report, issued_on=day)
        assert "issued_on" in error.value.fields
    assert reviews.review_issue(actor=chair, report=report, issued_on=date(2026, 1, 1)).number


def test_issue_needs_a_signer(fake_facts, chair, commune):
    report = _draft(chair, commune)
    with pytest.raises(ValidationFailed) as error:
        reviews.review_issue(actor=chair, report=report, issued_on=date(2026, 7, 1))
    assert "signer_name" in error.value.fields


def test_issued_report_is_frozen(fake_facts, chair, commune, village_pair):
    east, _west = village_pair
    fake_facts.add("decisions.decided", commune.pk, date(2026, 3, 1), 3, east.pk)
    report = _signed(_draft(chair, commune), chair)
    report = reviews.review_issue(actor=chair, report=report, issued_on=date(2026, 7, 1))
    html, docx_text = review_html(report), _docx_text(review_docx(report))
    snapshot = dict(report.snapshot)
    # The data change after issue: the report and its documents do not.
    fake_facts.add("decisions.decided", commune.pk, date(2026, 4, 1), 40, east.pk)
    VillageFactory(commune=commune, name="Thôn Mới")
    report = ReviewReport.objects.get(pk=report.pk)
    assert report.snapshot == snapshot
    assert review_html(report) == html
    assert _docx_text(review_docx(report)) == docx_text
    with pytest.raises(reviews.ReviewFrozen):
        reviews.review_refresh(actor=chair, report=report)
    with pytest.raises(reviews.ReviewFrozen):
        _signed(report, chair, name="Người Khác")
    with pytest.raises(reviews.ReviewFrozen):
        reviews.review_issue(actor=chair, report=report, issued_on=date(2026, 7, 2))
    assert ReviewReport.objects.get(pk=report.pk).signer_name == "Nguyễn Văn Chủ"


def test_refresh_reads_todays_data(fake_facts, chair, commune):
    report = _draft(chair, commune)
    assert report.snapshot["values"]["decisions.decided"] == 0
    fake_facts.add("decisions.decided", commune.pk, date(2026, 3, 1), 5)
    report = reviews.review_refresh(actor=chair, report=report)
    assert report.snapshot["values"]["decisions.decided"] == 5


def test_update_validates_fields(fake_facts, chair, commune):
    report = _draft(chair, commune)
    with pytest.raises(ValidationFailed) as error:
        reviews.review_update(
            actor=chair, report=report,
            text=TEXT(title="", place="Can Lộc", results="x" * (reviews.NARRATIVE_MAX + 1)),
        )  # fmt: skip
    assert set(error.value.fields) == {"title", "results"}
    ok = TEXT(title="T", place="Can Lộc", results="x" * reviews.NARRATIVE_MAX)  # boundary
    assert reviews.review_update(actor=chair, report=report, text=ok).results


def test_permissions(fake_facts, commune, chair, official, other_commune):
    from danchu.reporting.review_selectors import review_get, reviews_of_unit

    report = _draft(official, commune)  # an official writes drafts
    report = _signed(report, official)
    with pytest.raises(PermissionDenied):  # only the chair issues (REVIEW_ISSUE)
        reviews.review_issue(actor=official, report=report, issued_on=date(2026, 7, 1))
    stranger = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR).user
    with pytest.raises(NotFound):
        review_get(stranger, report.pk)
    with pytest.raises(NotFound):
        _draft(stranger, commune)
    assert list(reviews_of_unit(stranger, commune)) == []
    front = RoleAssignmentFactory(commune=commune, role=Role.FRONT_OFFICER).user
    assert review_get(front, report.pk) == report
    with pytest.raises(PermissionDenied):
        _draft(front, commune)
    village_head = RoleAssignmentFactory(
        commune=commune, role=Role.VILLAGE_HEAD, village=VillageFactory(commune=commune)
    ).user
    assert list(reviews_of_unit(village_head, commune)) == []


def test_province_review_and_reader(fake_facts, commune):
    province = commune.parent
    reader = RoleAssignmentFactory(role=Role.PROVINCE_READER, commune=None, unit=province).user
    fake_facts.add("decisions.decided", commune.pk, date(2026, 2, 1), 4)
    report = reviews.review_create(
        actor=reader, unit=province, kind=ReviewReport.Kind.HALF_YEAR, period=H1
    )
    assert report.commune_id is None
    assert report.province_id == province.pk
    assert report.issuer_name == f"ỦY BAN NHÂN DÂN {province.name.upper()}"
    assert report.snapshot["child_level"] == "commune"
    assert report.snapshot["values"]["decisions.decided"] == 4
    # A commune's chair does not see the province's report.
    chair = RoleAssignmentFactory(commune=commune, role=Role.COMMUNE_CHAIR).user
    from danchu.reporting.review_selectors import reviews_of_unit

    assert list(reviews_of_unit(chair, province)) == []
    assert list(reviews_of_unit(reader, province)) == [report]


def test_a_village_cannot_be_reviewed(fake_facts, chair, commune):
    from danchu.territory.models import AdministrativeUnit

    former = CommuneFactory(era=AdministrativeUnit.Era.FORMER)
    with pytest.raises(ValidationFailed) as error:
        _draft(chair, former)
    assert "unit" in error.value.fields


def test_audit_entries(fake_facts, chair, commune):
    from danchu.core.models import AuditEntry

    report = _signed(_draft(chair, commune), chair)
    reviews.review_refresh(actor=chair, report=report)
    reviews.review_issue(actor=chair, report=report, issued_on=date(2026, 7, 1))
    actions = list(
        AuditEntry.objects.filter(object_id=str(report.pk), action__startswith="reporting.review")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reporting.review.create", "reporting.review.update", "reporting.review.refresh",
        "reporting.review.issue",
    ]  # fmt: skip


def _docx_text(data: bytes) -> list[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        out.extend(cell.text for row in table.rows for cell in row.cells)
    return out
