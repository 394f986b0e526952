"""Writes of the review reports (báo cáo sơ kết, tổng kết): create a draft with its figures,
write its text, refresh its figures, issue it.

Rules (legal-spec §5):

* The People's Committee of the unit issues the report; its number and symbol (``Số:
  05/BC-UBND``) run per issuer and calendar year from 01, are unique within the year and given
  at signature (NĐ 30/2020/NĐ-CP Art. 15). The number comes from a counter row locked with
  ``select_for_update``: gap-free and never given twice, also under concurrent issues.
* An issued report is frozen: every service here refuses to change it, and its documents are
  printed from what it stored (text and the figures snapshot), never from live data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danchu.accounts.permissions import Action, require
from danchu.core import audit
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.core.text import normalize_spaces
from danchu.disclosure.notice import place_name
from danchu.reporting.models import ReviewNumberCounter, ReviewReport
from danchu.reporting.periods import Period
from danchu.reporting.review_selectors import compute_snapshot, report_period
from danchu.territory.models import AdministrativeUnit

__all__ = [
    "NARRATIVE_MAX",
    "ReviewFrozen",
    "ReviewText",
    "default_title",
    "review_create",
    "review_issue",
    "review_refresh",
    "review_update",
    "validate_kind_period",
]

NARRATIVE_MAX = 20_000
# Where a commune's and a province's reports go by default (one line each; the document adds
# the dashes and semicolons, NĐ 30/2020 Annex I box 9b). Officials edit them.
_RECIPIENTS = {
    AdministrativeUnit.Level.COMMUNE: (
        "UBND tỉnh (để báo cáo)\nBan Chỉ đạo thực hiện dân chủ ở cơ sở tỉnh\nSở Nội vụ\n"
        "Thường trực Đảng ủy, HĐND xã\nỦy ban MTTQ Việt Nam xã\nLưu: VT"
    ),
    AdministrativeUnit.Level.PROVINCE: (
        "Bộ Nội vụ (để báo cáo)\nThường trực Tỉnh ủy, HĐND tỉnh\nỦy ban MTTQ Việt Nam tỉnh\n"
        "UBND các xã, phường\nLưu: VT"
    ),
}


class ReviewFrozen(ApplicationError):
    """An issued report is frozen: no change is accepted (409)."""

    status = 409


@dataclass
class ReviewText:
    """What officials write on a draft."""

    title: str
    results: str = ""
    limitations: str = ""
    lessons: str = ""
    next_tasks: str = ""
    recommendations: str = ""
    recipients: str = ""
    place: str = ""
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""


_LIMITS = {
    "title": 300, "results": NARRATIVE_MAX, "limitations": NARRATIVE_MAX,
    "lessons": NARRATIVE_MAX, "next_tasks": NARRATIVE_MAX, "recommendations": NARRATIVE_MAX,
    "recipients": 2_000, "place": 200, "signer_authority": 100, "signer_title": 100,
    "signer_name": 200,
}  # fmt: skip
_REQUIRED = {"title", "place"}


def _refuse(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid", fields={name: [message]})


def validate_kind_period(kind: str, period: Period) -> None:
    """The period must fit the kind of review; a review looks back, so the period must have
    started. Field errors on ``kind`` or ``period``."""
    if kind not in ReviewReport.Kind.values:
        raise _refuse("kind", _("Choose a kind of review."))
    span = period.last.year - period.first.year + 1
    if kind == ReviewReport.Kind.HALF_YEAR and period.kind != "half":
        raise _refuse("period", _("A half-year review covers a half-year, e.g. 2026-H1."))
    if kind == ReviewReport.Kind.ANNUAL and period.kind != "year":
        raise _refuse("period", _("An annual review covers a calendar year, e.g. 2026."))
    # A five-year review covers a term written with both ends, e.g. 2021–2026 (five or six
    # calendar years).
    if kind == ReviewReport.Kind.FIVE_YEAR and not (period.kind == "years" and 5 <= span <= 6):
        raise _refuse("period", _("A five-year review covers five years, e.g. 2021-2026."))
    if period.first > timezone.localdate():
        raise _refuse("period", _("The period has not started yet."))


def default_title(kind: str, period: Period) -> str:
    """The summary line under "BÁO CÁO", in Vietnamese (the report is a state document)."""
    with translation.override("vi"):
        label = str(period.label)
    if kind == ReviewReport.Kind.HALF_YEAR:
        return f"Sơ kết {label} thực hiện dân chủ ở cơ sở"
    if kind == ReviewReport.Kind.ANNUAL:
        return f"Tổng kết thực hiện dân chủ ở cơ sở {label}"
    if kind == ReviewReport.Kind.FIVE_YEAR:
        return f"Tổng kết 5 năm thực hiện dân chủ ở cơ sở {label}"
    return f"Kết quả thực hiện dân chủ ở cơ sở {label}"


def _issuer(unit: AdministrativeUnit) -> str:
    return f"ỦY BAN NHÂN DÂN {unit.name.upper()}"


def _unit_checked(unit: AdministrativeUnit) -> None:
    levels = (AdministrativeUnit.Level.COMMUNE, AdministrativeUnit.Level.PROVINCE)
    if not unit.is_current or unit.level not in levels:
        raise _refuse("unit", _("Reviews are written by a commune or a province."))


def _clean(errors: dict[str, list[str]], name: str, value: Any) -> str:
    if value is not None and not isinstance(value, str):
        errors.setdefault(name, []).append(_("Enter a valid value."))
        return ""
    raw = value or ""
    text = raw.strip() if "\n" in raw else normalize_spaces(raw)
    if name in _REQUIRED and not text:
        errors.setdefault(name, []).append(_("This field is required."))
    elif len(text) > _LIMITS[name]:
        errors.setdefault(name, []).append(
            _("At most %(limit)s characters.") % {"limit": _LIMITS[name]}
        )
    elif any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in text):
        errors.setdefault(name, []).append(
            _("Remove the invisible control characters from this text.")
        )
    return text


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _locked_draft(report: ReviewReport) -> ReviewReport:
    """The report's row, locked for the change; an issued report is refused (frozen)."""
    row = ReviewReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if row.status != ReviewReport.Status.DRAFT:
        raise ReviewFrozen(_("This report is issued: it can no longer change."), code="issued")
    return row


@transaction.atomic
def review_create(
    *, actor: Any, unit: AdministrativeUnit, kind: str, period: Period
) -> ReviewReport:
    """A draft review of ``unit`` for ``period`` with its figures computed now."""
    _unit_checked(unit)
    is_commune = unit.level == AdministrativeUnit.Level.COMMUNE
    report = ReviewReport(
        unit=unit,
        commune=unit if is_commune else None,
        province_id=unit.parent_id if is_commune else unit.pk,
    )
    require(actor, Action.REVIEW_WRITE, report)
    validate_kind_period(kind, period)
    report.kind = kind
    report.period_kind, report.period_first, report.period_last = (
        period.kind, period.first, period.last,
    )  # fmt: skip
    report.issuer_name = _issuer(unit)
    report.place = place_name(unit)
    report.title = default_title(kind, period)
    report.recipients = _RECIPIENTS[AdministrativeUnit.Level(unit.level)]
    report.signer_authority = "TM. ỦY BAN NHÂN DÂN"
    report.signer_title = "CHỦ TỊCH"
    report.snapshot = compute_snapshot(unit, period)
    report.figures_at = timezone.now()
    report.created_by = _person(actor)
    report.save()
    audit.record(
        actor=_person(actor), action="reporting.review.create", obj=report,
        commune_id=report.commune_id,
        after={"unit": unit.code, "kind": kind, "period": period.key},
    )  # fmt: skip
    return report


@transaction.atomic
def review_update(*, actor: Any, report: ReviewReport, text: ReviewText) -> ReviewReport:
    """Write the draft's title, narrative sections, recipients and signature block."""
    require(actor, Action.REVIEW_WRITE, report)
    report = _locked_draft(report)
    errors: dict[str, list[str]] = {}
    values = {name: _clean(errors, name, getattr(text, name)) for name in _LIMITS}
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), code="invalid",
                               fields=errors)  # fmt: skip
    changed = [name for name, value in values.items() if getattr(report, name) != value]
    for name in changed:
        setattr(report, name, values[name])
    report.save(update_fields=[*changed, "updated_at"])
    audit.record(
        actor=_person(actor), action="reporting.review.update", obj=report,
        commune_id=report.commune_id, after={"fields": changed},
    )  # fmt: skip
    return report


@transaction.atomic
def review_refresh(*, actor: Any, report: ReviewReport) -> ReviewReport:
    """Recompute the draft's figures, tasks and awards from today's data."""
    require(actor, Action.REVIEW_WRITE, report)
    report = _locked_draft(report)
    report.snapshot = compute_snapshot(report.unit, report_period(report))
    report.figures_at = timezone.now()
    report.save(update_fields=["snapshot", "figures_at", "updated_at"])
    audit.record(
        actor=_person(actor), action="reporting.review.refresh", obj=report,
        commune_id=report.commune_id,
    )  # fmt: skip
    return report


def _next_number(unit: AdministrativeUnit, issued_on: date) -> int:
    """The next number of ``unit``'s reports in ``issued_on``'s year (NĐ 30/2020 Art. 15:
    from 01 each 1 January). The counter row is locked until the caller's transaction ends,
    so two issues at once wait for each other: no gap, no duplicate."""
    # get_or_create survives a concurrent first insert (it reads the winner's row after the
    # unique constraint refused its own).
    ReviewNumberCounter.objects.get_or_create(unit=unit, year=issued_on.year)
    counter = ReviewNumberCounter.objects.select_for_update().get(unit=unit, year=issued_on.year)
    if counter.last_issued_on is not None and issued_on < counter.last_issued_on:
        # Numbers follow the order of signature: a later number cannot carry an earlier date.
        raise _refuse(
            "issued_on",
            _("Report %(number)02d/%(year)d is dated %(day)s: a new report cannot be dated "
              "earlier.")
            % {"number": counter.last, "year": counter.year,
               "day": counter.last_issued_on.strftime("%d/%m/%Y")},
        )  # fmt: skip
    counter.last += 1
    counter.last_issued_on = issued_on
    counter.save(update_fields=["last", "last_issued_on"])
    return counter.last


@transaction.atomic
def review_issue(
    *, actor: Any, report: ReviewReport, issued_on: date | None = None
) -> ReviewReport:
    """Number, date and freeze the report (the head of the People's Committee signs it)."""
    require(actor, Action.REVIEW_ISSUE, report)
    report = _locked_draft(report)
    today = timezone.localdate()
    issued_on = issued_on or today
    if issued_on > today:
        raise _refuse("issued_on", _("A report cannot be dated in the future."))
    if issued_on < report.period_first:
        raise _refuse("issued_on", _("A report cannot be dated before its period starts."))
    if not report.signer_name.strip():
        raise _refuse("signer_name", _("Write the name of the person who signs the report."))
    report.number = _next_number(report.unit, issued_on)
    report.number_year = issued_on.year
    report.issued_on = issued_on
    report.status = ReviewReport.Status.ISSUED
    report.issued_by = _person(actor)
    report.issued_at = timezone.now()
    report.save(
        update_fields=["number", "number_year", "issued_on", "status", "issued_by",
                       "issued_at", "updated_at"]
    )  # fmt: skip
    audit.record(
        actor=_person(actor), action="reporting.review.issue", obj=report,
        commune_id=report.commune_id,
        after={"reference": report.reference, "issued_on": issued_on},
    )  # fmt: skip
    return report
