"""Opinions: residents on the web, officials from paper and meetings, reference numbers."""

from __future__ import annotations

import pytest

from danchu.consultation import selectors, services
from danchu.consultation.models import Opinion
from danchu.consultation.tests.factories import (
    data,
    open_consultation,
    past_deadline,
    resident_user,
)
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_resident_comments_on_a_section_and_gets_a_reference(official, commune, village):
    consultation = open_consultation(official, commune)
    section = consultation.sections.get(position=3)
    resident = resident_user(village)
    opinion = services.opinion_submit(
        actor=resident, consultation=consultation, body="Nên thu gom cả thứ Bảy.", section=section
    )
    assert opinion.reference.startswith("YK-")
    assert len(opinion.reference) == 12
    assert opinion.village == village
    assert opinion.form == "web"
    found = selectors.opinion_by_reference(opinion.reference.lower().replace("-", " "))
    assert found is not None
    assert found.pk == opinion.pk


def test_references_are_unique(official, commune, village):
    consultation = open_consultation(official, commune)
    resident = resident_user(village)
    refs = {
        services.opinion_submit(
            actor=resident, consultation=consultation, body=f"ý kiến {i}"
        ).reference
        for i in range(20)
    }
    assert len(refs) == 20


def test_lookup_of_an_unknown_reference(official, commune):
    assert selectors.opinion_by_reference("YK-AAAA-AAAA") is None
    assert selectors.opinion_by_reference("") is None
    assert selectors.opinion_by_reference("x" * 500) is None


def test_no_opinion_before_publication_or_after_the_last_day(official, commune, village):
    resident = resident_user(village)
    draft = services.consultation_create(actor=official, commune=commune, data=data())
    with pytest.raises(ApplicationError):
        services.opinion_submit(actor=resident, consultation=draft, body="Sớm quá")
    consultation = past_deadline(open_consultation(official, commune))
    with pytest.raises(ApplicationError) as caught:
        services.opinion_submit(actor=resident, consultation=consultation, body="Muộn")
    assert caught.value.code == "closed"


def test_verified_phone_only_where_the_commune_allows_it(official, commune, village):
    resident = resident_user(village)
    consultation = open_consultation(official, commune)
    with pytest.raises(ApplicationError) as caught:
        services.opinion_submit(
            actor=resident, consultation=consultation, body="ý kiến", via_phone="0912345678"
        )
    assert caught.value.code == "phone_not_allowed"
    allowed = open_consultation(official, commune, allow_phone=True)
    opinion = services.opinion_submit(
        actor=resident, consultation=allowed, body="ý kiến", via_phone="0912345678"
    )
    assert opinion.phone_index
    assert "0912345678" not in opinion.phone_index


def test_empty_or_foreign_section_is_refused(official, commune, other_commune, village):
    consultation = open_consultation(official, commune)
    other = open_consultation(official, commune)
    resident = resident_user(village)
    with pytest.raises(ValidationFailed) as caught:
        services.opinion_submit(
            actor=resident, consultation=consultation, body="  ",
            section=other.sections.first(),
        )  # fmt: skip
    assert set(caught.value.fields) == {"body", "section"}


def test_resident_of_another_commune_cannot_comment(official, commune, other_commune):
    from danchu.territory.tests.factories import VillageFactory

    consultation = open_consultation(official, commune)
    stranger = resident_user(VillageFactory(commune=other_commune))
    with pytest.raises(NotFound):  # another commune's consultation does not exist for them
        services.opinion_submit(actor=stranger, consultation=consultation, body="ý kiến")


def test_official_enters_paper_opinion_with_its_source(official, commune, village):
    consultation = open_consultation(official, commune)
    with pytest.raises(ValidationFailed) as caught:
        services.opinion_enter(
            actor=official, consultation=consultation, body="ý kiến", form="web", source=""
        )
    assert set(caught.value.fields) == {"form", "source"}
    opinion = services.opinion_enter(
        actor=official, consultation=consultation, body="Phí cao quá.", form="household_form",
        source="Phiếu hộ gia đình số 14", author_name="Nguyễn Văn An", village=village,
    )  # fmt: skip
    assert opinion.entered_by == official
    assert opinion.author is None
    assert Opinion.objects.filter(reference=opinion.reference).exists()


def test_paper_opinions_accepted_after_close_until_synthesis(official, commune):
    from danchu.consultation.tests.factories import closed_consultation

    consultation = closed_consultation(official, commune)
    opinion = services.opinion_enter(
        actor=official, consultation=consultation, body="Phiếu đến muộn", form="box",
        source="Hòm thư góp ý",
    )  # fmt: skip
    assert opinion.pk


def test_resident_cannot_enter_paper_opinions(official, commune, village):
    consultation = open_consultation(official, commune)
    with pytest.raises(PermissionDenied):
        services.opinion_enter(
            actor=resident_user(village), consultation=consultation, body="x", form="box",
            source="hòm thư",
        )  # fmt: skip
