"""The register's services: deadlines (Art. 12(3)), versions (Art. 14), records, requests."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.disclosure import files, selectors, services
from danchu.disclosure.models import Attachment, Disclosure, InformationRequest, PublishingRecord
from danchu.disclosure.rules import Channel, Outcome
from danchu.disclosure.tests.factories import (
    PDF_BYTES,
    data,
    docx_file,
    make_disclosure,
    pdf_file,
    png_file,
)
from danchu.territory.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


# --- Art. 12(3): 5 working days, across holidays -------------------------------------------


def test_deadline_is_five_working_days_after_the_issue_date(commune):
    # Wednesday 4 Nov 2026 + 5 working days = Wednesday 11 Nov (a weekend in between).
    assert services.publish_deadline(datetime.date(2026, 11, 4), commune=commune) == (
        datetime.date(2026, 11, 11)
    )


def test_deadline_across_tet_2027(commune):
    # Tết Nguyên đán 2027: the holiday of 5–9 Feb 2027 (per the `holidays` package) is skipped.
    from danchu.core import calendar

    issued = datetime.date(2027, 2, 3)
    deadline = services.publish_deadline(issued, commune=commune)
    assert deadline == calendar.add_working_days(issued, 5)
    skipped = [
        issued + datetime.timedelta(days=n)
        for n in range(1, (deadline - issued).days)
        if not calendar.is_working_day(issued + datetime.timedelta(days=n))
        and (issued + datetime.timedelta(days=n)).weekday() < 5
    ]
    assert skipped, "the Tết holiday must push the deadline past plain weekdays"
    assert (deadline - issued).days > 7


def test_deadline_counts_the_swapped_working_saturday(commune):
    # Saturday 22 Aug 2026 is a working day (swapped for Monday 31 Aug), when the national
    # adjustment is entered — the calendar's override table.
    from danchu.core.calendar import calendar_cache_clear
    from danchu.core.models import WorkingDayOverride

    WorkingDayOverride.objects.get_or_create(
        date=datetime.date(2026, 8, 22), commune=None,
        defaults={"kind": "working_day", "name": "Làm bù"},
    )  # fmt: skip
    calendar_cache_clear()
    # Thursday 20 Aug + 5 WD: Fri 21, Sat 22 (worked), Mon 24, Tue 25, Wed 26.
    assert services.publish_deadline(datetime.date(2026, 8, 20), commune=commune) == (
        datetime.date(2026, 8, 26)
    )
    calendar_cache_clear()


def test_a_sector_rule_replaces_the_five_days(commune, official):
    disclosure = make_disclosure(
        official, commune, sector_rule="Luật Ngân sách nhà nước, Điều 15",
        sector_deadline=datetime.date(2026, 12, 31),
    )  # fmt: skip
    assert disclosure.current_version.deadline == datetime.date(2026, 12, 31)


def test_a_sector_deadline_needs_its_rule_and_cannot_precede_the_issue_date(commune, official):
    with pytest.raises(ValidationFailed) as exc:
        make_disclosure(official, commune, sector_deadline=datetime.date(2026, 10, 1))
    assert set(exc.value.fields) == {"sector_rule", "sector_deadline"}


# --- creating and validating ---------------------------------------------------------------


def test_create_records_a_draft_with_its_audit_entry(commune, official):
    disclosure = make_disclosure(official, commune)
    assert disclosure.status == Disclosure.Status.DRAFT
    assert disclosure.current_version.number == 1
    assert disclosure.public_version is None
    entry = AuditEntry.objects.get(action="disclosure.create")
    assert entry.commune_id == commune.pk
    assert entry.actor_id == official.pk


def test_bad_input_gives_field_errors_and_writes_nothing(commune, official):
    future = TODAY() + datetime.timedelta(days=3)
    with pytest.raises(ValidationFailed) as exc:
        make_disclosure(official, commune, title="  ", source_document="", category=99,
                        source_issued_on=future)  # fmt: skip
    assert set(exc.value.fields) == {"title", "source_document", "category", "source_issued_on"}
    assert not Disclosure.objects.exists()


def test_villages_must_be_active_villages_of_the_commune(commune, official, other_commune):
    foreign = VillageFactory(commune=other_commune)
    with pytest.raises(ValidationFailed) as exc:
        make_disclosure(official, commune, village_ids=[foreign.pk])
    assert "village_ids" in exc.value.fields


def test_another_communes_official_gets_not_found(commune, other_commune):
    stranger = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_OFFICIAL).user
    with pytest.raises(NotFound):
        make_disclosure(stranger, commune)


def test_a_board_member_may_read_but_not_create(commune):
    board = RoleAssignmentFactory(commune=commune, role=Role.INSPECTION_BOARD).user
    with pytest.raises(PermissionDenied):
        make_disclosure(board, commune)


# --- publishing and versions (Art. 14) -----------------------------------------------------


def test_publishing_freezes_the_version_and_records_the_website(commune, official):
    disclosure = make_disclosure(official, commune, publish=True)
    version = disclosure.public_version
    assert disclosure.status == Disclosure.Status.PUBLISHED
    assert version.is_frozen
    website = PublishingRecord.objects.get(version=version)
    assert website.channel == Channel.WEBSITE
    assert website.started_on == TODAY()
    with pytest.raises(ApplicationError) as exc:
        services.disclosure_publish(actor=official, disclosure=disclosure)
    assert exc.value.code == "conflict"


def test_a_draft_is_edited_in_place(commune, official):
    disclosure = make_disclosure(official, commune)
    services.disclosure_update(
        actor=official, disclosure=disclosure, data=data(title="Tiêu đề đã sửa")
    )
    disclosure.refresh_from_db()
    assert disclosure.versions.count() == 1
    assert disclosure.current_version.title == "Tiêu đề đã sửa"


def test_a_change_after_publication_is_a_new_version_that_restarts_the_duty(commune, official):
    disclosure = make_disclosure(official, commune, publish=True)
    old = disclosure.public_version
    services.publishing_record_add(
        actor=official, version=old, channel=Channel.COMMUNE_OFFICE, started_on=TODAY()
    )
    with pytest.raises(ValidationFailed) as exc:
        services.disclosure_update(actor=official, disclosure=disclosure, data=data())
    assert "change_note" in exc.value.fields

    changed = services.disclosure_update(
        actor=official, disclosure=disclosure,
        data=data(title="Danh sách đã điều chỉnh", change_note="Bổ sung 2 hộ."),
    )  # fmt: skip
    new = changed.current_version
    assert new.number == 2
    assert not new.is_frozen
    # Art. 14: the duty restarts from the day of the change, with its own deadline.
    assert new.duty_starts_on == TODAY()
    assert new.deadline == services.publish_deadline(TODAY(), commune=commune)
    # The public still reads version 1 until version 2 is published; v1 is unchanged.
    assert changed.public_version_id == old.pk
    assert changed.has_pending_change
    old.refresh_from_db()
    assert old.title == "Danh sách hộ nghèo, hộ cận nghèo năm 2026"

    published = services.disclosure_publish(actor=official, disclosure=changed)
    assert published.public_version_id == new.pk
    assert not published.has_pending_change
    # The new version starts with no postings of its own: the old ones do not count.
    found = selectors.compliance_for([new])[new.pk]
    office = next(s for s in found.statuses if s.requirement.channel == Channel.COMMUNE_OFFICE)
    assert office.outcome == Outcome.PENDING
    # Version 1's website posting ended when version 2 replaced it.
    assert PublishingRecord.objects.get(version=old, channel=Channel.WEBSITE).ended_on == TODAY()


def test_withdrawn_disclosures_end_their_postings(commune, official):
    disclosure = make_disclosure(official, commune, publish=True)
    with pytest.raises(ValidationFailed):
        services.disclosure_withdraw(actor=official, disclosure=disclosure, reason=" ")
    services.disclosure_withdraw(actor=official, disclosure=disclosure, reason="Nhầm xã")
    assert not PublishingRecord.objects.filter(ended_on__isnull=True).exists()
    assert not selectors.disclosure_list_public(commune).exists()


# --- attachments ---------------------------------------------------------------------------


def test_attachments_are_checked_by_type_content_and_size(commune, official, settings):
    disclosure = make_disclosure(official, commune)
    ok = services.attachment_add(actor=official, disclosure=disclosure, uploaded_file=pdf_file())
    assert ok.content_type == "application/pdf"
    assert files.stored_path(ok.path).is_file()
    services.attachment_add(actor=official, disclosure=disclosure, uploaded_file=docx_file())
    services.attachment_add(actor=official, disclosure=disclosure, uploaded_file=png_file())

    bad = [
        SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" * 10),  # a renamed program
        SimpleUploadedFile("fake.docx", PDF_BYTES),
        SimpleUploadedFile("empty.pdf", b""),
    ]
    for upload in bad:
        with pytest.raises(ValidationFailed) as exc:
            services.attachment_add(actor=official, disclosure=disclosure, uploaded_file=upload)
        assert "file" in exc.value.fields
    settings.DISCLOSURE_FILE_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as exc:
        services.attachment_add(
            actor=official, disclosure=disclosure, uploaded_file=pdf_file(content=PDF_BYTES * 50)
        )
    assert exc.value.code == "too_large"
    # Only the three good files are stored: refused uploads leave nothing behind.
    assert len(list(files.uploads_dir().iterdir())) == 3


def test_a_safe_name_strips_directories_and_odd_characters():
    assert files.safe_name("../../etc/passwd") == "passwd"
    assert files.safe_name("Quyết định <số 5>.PDF") == "Quyết định _số 5_.pdf"


def test_a_published_version_takes_no_attachment_and_a_new_version_keeps_them(commune, official):
    disclosure = make_disclosure(official, commune)
    services.attachment_add(actor=official, disclosure=disclosure, uploaded_file=pdf_file())
    disclosure = services.disclosure_publish(actor=official, disclosure=disclosure)
    with pytest.raises(ApplicationError) as exc:
        services.attachment_add(actor=official, disclosure=disclosure, uploaded_file=pdf_file())
    assert exc.value.code == "frozen"
    changed = services.disclosure_update(
        actor=official, disclosure=disclosure, data=data(change_note="Sửa lỗi chính tả")
    )
    assert changed.current_version.attachments.count() == 1
    copied = changed.current_version.attachments.get()
    services.attachment_remove(actor=official, attachment=copied)
    # The stored file stays for version 1.
    original = Attachment.objects.get(version=disclosure.public_version)
    assert files.stored_path(original.path).is_file()


# --- publishing records --------------------------------------------------------------------


def test_records_are_validated(commune, official, village, other_commune):
    outside = VillageFactory(commune=commune)
    disclosure = make_disclosure(official, commune, village_ids=[village.pk])
    version = disclosure.current_version
    with pytest.raises(ValidationFailed) as exc:
        services.publishing_record_add(
            actor=official, version=version, channel=Channel.COMMUNE_OFFICE, started_on=TODAY()
        )
    assert "started_on" in exc.value.fields  # not published yet
    disclosure = services.disclosure_publish(actor=official, disclosure=disclosure)
    cases = [
        ({"channel": Channel.VILLAGE_POINT, "village": outside}, "village"),
        ({"channel": Channel.VILLAGE_POINT}, "village"),
        ({"channel": Channel.LOUDSPEAKER, "village": village}, "village"),
        ({"channel": "fax"}, "channel"),
        (
            {"channel": Channel.COMMUNE_OFFICE, "ended_on": TODAY() - datetime.timedelta(days=1)},
            "ended_on",
        ),
        (
            {"channel": Channel.COMMUNE_OFFICE, "started_on": TODAY() + datetime.timedelta(1)},
            "started_on",
        ),
    ]
    for kwargs, field in cases:
        kwargs.setdefault("started_on", TODAY())
        with pytest.raises(ValidationFailed) as exc:
            services.publishing_record_add(actor=official, version=version, **kwargs)
        assert field in exc.value.fields, kwargs
    assert PublishingRecord.objects.filter(version=version).count() == 1  # the website only


def test_a_village_head_records_only_at_their_own_village(commune, official):
    mine, theirs = VillageFactory(commune=commune), VillageFactory(commune=commune)
    head = RoleAssignmentFactory(commune=commune, role=Role.VILLAGE_HEAD, village=mine).user
    version = make_disclosure(official, commune, publish=True).public_version
    services.publishing_record_add(
        actor=head, version=version, channel=Channel.VILLAGE_HEAD, village=mine,
        started_on=TODAY(), note="Thông báo tại họp thôn",
    )  # fmt: skip
    for kwargs in ({"channel": Channel.VILLAGE_POINT, "village": theirs},
                   {"channel": Channel.COMMUNE_OFFICE}):  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.publishing_record_add(
                actor=head, version=version, started_on=TODAY(), **kwargs
            )


def test_proofs_are_stored_with_the_record_and_a_bad_proof_writes_nothing(commune, official):
    version = make_disclosure(official, commune, publish=True).public_version
    record = services.publishing_record_add(
        actor=official, version=version, channel=Channel.COMMUNE_OFFICE, started_on=TODAY(),
        proofs=[png_file()],
    )  # fmt: skip
    assert record.proofs.get().kind == Attachment.Kind.PROOF
    with pytest.raises(ValidationFailed) as exc:
        services.publishing_record_add(
            actor=official, version=version, channel=Channel.LOUDSPEAKER, started_on=TODAY(),
            proofs=[png_file(), SimpleUploadedFile("x.png", b"not an image")],
        )  # fmt: skip
    assert "proof" in exc.value.fields
    assert not PublishingRecord.objects.filter(channel=Channel.LOUDSPEAKER).exists()
    assert len(list(files.uploads_dir().iterdir())) == 1


def test_ending_a_posting(commune, official):
    version = make_disclosure(official, commune, publish=True).public_version
    start = TODAY() - datetime.timedelta(days=10)
    # A past posting can be recorded on a version published today (entered after the fact).
    record = services.publishing_record_add(
        actor=official, version=version, channel=Channel.COMMUNE_OFFICE, started_on=start
    )
    with pytest.raises(ValidationFailed):
        services.publishing_record_end(
            actor=official, record=record, ended_on=start - datetime.timedelta(days=1)
        )
    # Taken down yesterday (its last day up): 9 days, too short.
    yesterday = TODAY() - datetime.timedelta(days=1)
    services.publishing_record_end(actor=official, record=record, ended_on=yesterday)
    with pytest.raises(ApplicationError):
        services.publishing_record_end(actor=official, record=record, ended_on=TODAY())
    found = selectors.compliance_for([version])[version.pk]
    office = next(s for s in found.statuses if s.requirement.channel == Channel.COMMUNE_OFFICE)
    assert office.outcome == Outcome.TOO_SHORT


# --- information requests (Art. 14) --------------------------------------------------------


@pytest.fixture
def resident_user(commune, village):
    from danchu.territory.tests.factories import HouseholdFactory, ResidentFactory

    resident = ResidentFactory(household=HouseholdFactory(village=village))
    user = UserFactory(resident=resident)
    RoleAssignmentFactory(user=user, role=Role.RESIDENT, commune=commune, village=village)
    return user


def test_a_request_has_its_due_date_and_is_answered(commune, official, resident_user):
    request = services.information_request_submit(
        actor=resident_user, commune=commune, subject="Danh sách hộ nghèo",
        message="Xin cung cấp danh sách đã hết thời hạn niêm yết.",
        reason=InformationRequest.Reason.EXPIRED,
    )  # fmt: skip
    assert request.due_on == services.information_request_due(TODAY(), commune=commune)
    with pytest.raises(PermissionDenied):
        services.information_request_answer(actor=resident_user, request=request, answer="x")
    with pytest.raises(ValidationFailed):
        services.information_request_answer(actor=official, request=request, answer="  ")
    services.information_request_answer(actor=official, request=request, answer="Đã gửi.")
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.ANSWERED
    assert services.request_on_time(request)


def test_a_request_needs_its_fields(commune, resident_user):
    with pytest.raises(ValidationFailed) as exc:
        services.information_request_submit(
            actor=resident_user, commune=commune, subject="", message="", reason="whatever"
        )
    assert set(exc.value.fields) == {"subject", "message", "reason"}


def test_residents_see_only_their_own_requests(commune, village, resident_user, official):
    other = UserFactory()
    RoleAssignmentFactory(user=other, role=Role.RESIDENT, commune=commune, village=village)
    mine = services.information_request_submit(
        actor=resident_user, commune=commune, subject="a", message="b", reason="not_yet"
    )
    services.information_request_submit(
        actor=other, commune=commune, subject="c", message="d", reason="not_yet"
    )
    assert list(selectors.information_request_list(actor=resident_user, commune=commune)) == [mine]
    assert selectors.information_request_list(actor=official, commune=commune).count() == 2
    with pytest.raises((NotFound, PermissionDenied)):
        selectors.information_request_get(actor=other, pk=mine.pk)


# --- figures for the reports ---------------------------------------------------------------


def test_figures_count_on_time_and_channel_compliance(commune, official, village):
    issued = TODAY() - datetime.timedelta(days=60)
    done = make_disclosure(official, commune, category=14, source_issued_on=issued, publish=True)
    late = make_disclosure(official, commune, category=1, source_issued_on=issued, publish=True)
    # Category 14: the website alone, started today — after the deadline: late.
    # Category 1: backdate the website record to make it on time, leave the postings missing.
    PublishingRecord.objects.filter(version=done.public_version).update(started_on=issued)
    figures = selectors.disclosure_figures(commune, issued, TODAY())
    assert figures.disclosures_made == 2
    assert figures.judged == 2
    assert figures.on_time == 1
    assert figures.on_time_rate == 0.5
    # Judged requirements: done's website (done), late's website (late), office and village.
    assert figures.requirements_judged == 4
    assert figures.requirements_done == 2
    assert late.public_version.deadline < TODAY()
