"""Opening, publishing and closing consultations (Law 10/2022 Art. 25–28; Decree 61 Art. 9)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory
from danchu.consultation import rules, services
from danchu.consultation.models import Consultation
from danchu.consultation.tests.factories import (
    closed_consultation,
    data,
    open_consultation,
    past_deadline,
    resident_user,
)
from danchu.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from danchu.disclosure.models import Disclosure
from danchu.disclosure.rules import Category as DisclosureCategory

pytestmark = pytest.mark.django_db


def test_rules_period_boundaries():
    published = datetime.date(2026, 3, 1)
    # Art. 28(2): 20 days from publication; the period runs from the day after (Civil Code 147).
    assert not rules.period_long_enough(published, datetime.date(2026, 3, 20), convention=False)
    assert rules.period_long_enough(published, datetime.date(2026, 3, 21), convention=False)
    # Decree 61 Art. 9: a convention draft is posted for at least 30 days.
    assert not rules.period_long_enough(published, datetime.date(2026, 3, 30), convention=True)
    assert rules.period_long_enough(published, datetime.date(2026, 3, 31), convention=True)
    assert rules.earliest_close(published, convention=False) == datetime.date(2026, 3, 21)


@pytest.mark.parametrize(
    ("is_convention", "days", "accepted"),
    [(False, 19, False), (False, 20, True), (True, 29, False), (True, 30, True)],
)
def test_period_minimum_at_creation(official, commune, is_convention, days, accepted):
    make = data(period_days=days, is_convention=is_convention)
    if accepted:
        consultation = services.consultation_create(actor=official, commune=commune, data=make)
        assert consultation.period_days == days
    else:
        with pytest.raises(ValidationFailed) as caught:
            services.consultation_create(actor=official, commune=commune, data=make)
        assert "period_days" in caught.value.fields


def test_create_splits_sections_and_drafts_the_disclosure(official, commune, village):
    consultation = services.consultation_create(
        actor=official, commune=commune, data=data(village_ids=[village.pk])
    )
    headings = list(consultation.sections.values_list("heading", flat=True))
    # The title line before "Điều 1" is the preamble (its heading is translated).
    assert headings[1:] == ["Điều 1. Phạm vi", "Điều 2. Giờ thu gom", "Điều 3. Mức phí"]
    assert consultation.sections.get(position=1).body == "Dự thảo quy chế thu gom rác thải"
    assert consultation.status == Consultation.Status.DRAFT
    assert not consultation.all_villages
    disclosure = consultation.disclosure
    assert disclosure is not None
    assert disclosure.status == Disclosure.Status.DRAFT
    assert disclosure.category == DisclosureCategory.CONSULTATION  # Art. 11(11)


def test_split_sections_without_headings_is_the_whole_draft():
    assert services.split_sections("Một đoạn văn.\nHai đoạn.") == []


def test_closing_day_rolls_past_a_weekend(commune):
    # Civil Code Art. 148(5): a last day on a weekend moves to the next working day.
    published = datetime.date(2026, 6, 5)  # Friday; + 20 days = Thursday 25 June
    assert services.closing_day(published, 20, commune=commune) == datetime.date(2026, 6, 25)
    published = datetime.date(2026, 6, 6)  # Saturday; + 20 days = Friday 26 June
    assert services.closing_day(published, 20, commune=commune) == datetime.date(2026, 6, 26)
    published = datetime.date(2026, 6, 7)  # + 20 days = Saturday 27 June → Monday 29 June
    assert services.closing_day(published, 20, commune=commune) == datetime.date(2026, 6, 29)


def test_publish_goes_through_the_register_and_sets_the_period(official, commune):
    consultation = open_consultation(official, commune, period_days=20)
    today = timezone.localdate()
    assert consultation.status == Consultation.Status.OPEN
    assert consultation.published_on == today
    assert consultation.closes_on == services.closing_day(today, 20, commune=commune)
    assert consultation.closes_on >= today + datetime.timedelta(days=20)
    disclosure = Disclosure.objects.get(pk=consultation.disclosure_id)
    assert disclosure.status == Disclosure.Status.PUBLISHED
    assert disclosure.public_version is not None
    assert "Quy chế thu gom rác thải" in disclosure.public_version.title
    assert "Điều 2. Giờ thu gom" in disclosure.public_version.body


def test_publish_twice_is_refused(official, commune):
    consultation = open_consultation(official, commune)
    with pytest.raises(ApplicationError):
        services.consultation_publish(actor=official, consultation=consultation)


def test_draft_upload_is_attached_to_the_register_item(official, commune):
    consultation = services.consultation_create(actor=official, commune=commune, data=data())
    upload = SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    attachment = services.draft_upload(
        actor=official, consultation=consultation, uploaded_file=upload
    )
    assert attachment.version.disclosure_id == consultation.disclosure_id


def test_close_not_before_the_last_day(official, commune):
    consultation = open_consultation(official, commune)
    Consultation.objects.filter(pk=consultation.pk).update(closes_on=timezone.localdate())
    consultation.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:  # the last day is still for opinions
        services.consultation_close(actor=official, consultation=consultation)
    assert caught.value.code == "too_early"
    past_deadline(consultation)
    closed = services.consultation_close(actor=official, consultation=consultation)
    assert closed.status == Consultation.Status.CLOSED


def test_resident_cannot_open_a_consultation(commune, village):
    with pytest.raises(PermissionDenied):
        services.consultation_create(actor=resident_user(village), commune=commune, data=data())


def test_convention_links_a_convention_matter(official, commune):
    from danchu.decisions.models import Matter

    consultation = services.consultation_create(
        actor=official, commune=commune, data=data(is_convention=True, period_days=30)
    )
    other = Matter.objects.create(commune=commune, matter_type=6, title="t", question="q")
    with pytest.raises(ValidationFailed):
        services.consultation_link_matter(actor=official, consultation=consultation, matter=other)
    vote = Matter.objects.create(commune=commune, matter_type=3, title="Hương ước", question="q")
    linked = services.consultation_link_matter(
        actor=official, consultation=consultation, matter=vote
    )
    assert linked.matter_id == vote.pk


def test_only_a_convention_feeds_a_vote(official, commune):
    from danchu.decisions.models import Matter

    consultation = services.consultation_create(actor=official, commune=commune, data=data())
    vote = Matter.objects.create(commune=commune, matter_type=3, title="Hương ước", question="q")
    with pytest.raises(ValidationFailed):
        services.consultation_link_matter(actor=official, consultation=consultation, matter=vote)


def test_village_head_enters_but_cannot_manage(official, commune, village):
    consultation = open_consultation(official, commune)
    head = RoleAssignmentFactory(role=Role.VILLAGE_HEAD, commune=commune, village=village).user
    opinion = services.opinion_enter(
        actor=head, consultation=consultation, body="Nên thu gom buổi chiều.",
        form="meeting", source="Họp thôn 12/11", village=village,
    )  # fmt: skip
    assert opinion.source == "Họp thôn 12/11"
    with pytest.raises(PermissionDenied):
        services.consultation_close(actor=head, consultation=past_deadline(consultation))


def test_closed_consultation_fixture(official, commune):
    assert closed_consultation(official, commune).status == Consultation.Status.CLOSED
