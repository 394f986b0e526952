"""Edge cases found in review: calendar-edge dates, control characters, a drafted change's
sector deadline, replaced and withdrawn versions, the loudspeaker switch, records dated before
the duty, and what the public API shows of a publishing record."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from danchu.core.errors import ValidationFailed
from danchu.disclosure import selectors, services
from danchu.disclosure.models import PublishingRecord
from danchu.disclosure.rules import Category, Channel, Outcome
from danchu.disclosure.tests.factories import data, make_disclosure, png_file
from danchu.disclosure.tests.test_api import Client
from danchu.territory.models import CommuneProfile

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _status(version, channel):
    found = selectors.compliance_for([version])[version.pk]
    return next(s for s in found.statuses if s.requirement.channel == channel)


@pytest.mark.parametrize(
    "query",
    ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=0001-01-01&date_to=9999-12-31"],
)
def test_dates_at_the_edges_of_the_calendar_are_no_bound(client, commune, official, query):
    make_disclosure(official, commune, publish=True)
    page = client.get(f"/xa/{commune.code}/cong-khai/?{query}")
    assert page.status_code == 200
    assert "Danh sách hộ nghèo" in page.content.decode()
    api = client.get(f"/api/v1/communes/{commune.code}/disclosures?{query}")
    assert api.status_code == 200
    assert api.json()["count"] == 1


@pytest.mark.parametrize("field", ["title", "summary", "body", "source_document"])
def test_control_characters_are_refused_with_a_field_error(commune, official, field):
    with pytest.raises(ValidationFailed) as exc:
        make_disclosure(official, commune, **{field: "Danh sách \x1b hộ nghèo"})
    assert field in exc.value.fields


def test_line_breaks_stay_allowed_in_long_texts(commune, official):
    disclosure = make_disclosure(official, commune, body="Dòng 1\r\nDòng 2\n\tDòng 3")
    assert "Dòng 2" in disclosure.current_version.body


def test_the_feed_survives_every_accepted_text(client, commune, official):
    make_disclosure(official, commune, publish=True, summary="Tóm tắt\nhai dòng & <b>thẻ</b>")
    response = client.get(f"/xa/{commune.code}/cong-khai/feed.atom")
    assert response.status_code == 200


def test_a_drafted_change_refuses_a_sector_deadline_before_its_duty_starts(commune, official):
    issued = TODAY() - datetime.timedelta(days=20)
    disclosure = make_disclosure(official, commune, source_issued_on=issued, publish=True)
    changed = services.disclosure_update(
        actor=official, disclosure=disclosure, data=data(source_issued_on=issued, change_note="x")
    )
    with pytest.raises(ValidationFailed) as exc:
        services.disclosure_update(
            actor=official, disclosure=changed,
            data=data(
                source_issued_on=issued, change_note="x", sector_rule="Luật X",
                sector_deadline=TODAY() - datetime.timedelta(days=10),
            ),
        )  # fmt: skip
    assert "sector_deadline" in exc.value.fields


def test_a_permanent_posting_of_a_replaced_version_is_not_taken_down(commune, official):
    # Art. 13(2): clause 13 is posted permanently "and updated on change".
    disclosure = make_disclosure(
        official, commune, category=Category.ADMIN_PROCEDURES, source_issued_on=TODAY(),
        publish=True,
    )  # fmt: skip
    v1 = disclosure.public_version
    record = services.publishing_record_add(
        actor=official, version=v1, channel=Channel.COMMUNE_OFFICE, started_on=TODAY()
    )
    changed = services.disclosure_update(
        actor=official, disclosure=disclosure,
        data=data(
            category=Category.ADMIN_PROCEDURES, source_issued_on=TODAY(),
            change_note="Bổ sung 2 thủ tục",
        ),
    )  # fmt: skip
    services.disclosure_publish(actor=official, disclosure=changed)
    services.publishing_record_end(actor=official, record=record, ended_on=TODAY())
    assert _status(v1, Channel.COMMUNE_OFFICE).outcome == Outcome.DONE


def test_withdrawal_does_not_turn_postings_into_failures(commune, official):
    disclosure = make_disclosure(official, commune, category=Category.BUDGET, publish=True)
    version = disclosure.public_version
    services.publishing_record_add(
        actor=official, version=version, channel=Channel.COMMUNE_OFFICE, started_on=TODAY()
    )
    services.disclosure_withdraw(actor=official, disclosure=disclosure, reason="Nhầm văn bản")
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is not None
    assert _status(version, Channel.COMMUNE_OFFICE).outcome != Outcome.TOO_SHORT


def test_a_commune_without_loudspeakers_has_no_loudspeaker_duty(commune, official, village):
    disclosure = make_disclosure(official, commune, publish=True)  # clause 7
    version = disclosure.public_version
    channels = {
        s.requirement.channel for s in selectors.compliance_for([version])[version.pk].statuses
    }
    assert Channel.LOUDSPEAKER in channels
    CommuneProfile.objects.create(commune=commune, has_loudspeaker=False)
    channels = {
        s.requirement.channel for s in selectors.compliance_for([version])[version.pk].statuses
    }
    assert Channel.LOUDSPEAKER not in channels
    assert Channel.VILLAGE_HEAD in channels


def test_a_record_cannot_start_before_the_duty(commune, official):
    issued = TODAY() - datetime.timedelta(days=5)
    version = make_disclosure(
        official, commune, source_issued_on=issued, publish=True
    ).public_version
    with pytest.raises(ValidationFailed) as exc:
        services.publishing_record_add(
            actor=official, version=version, channel=Channel.COMMUNE_OFFICE,
            started_on=issued - datetime.timedelta(days=1),
        )  # fmt: skip
    assert "started_on" in exc.value.fields
    services.publishing_record_add(
        actor=official, version=version, channel=Channel.COMMUNE_OFFICE, started_on=issued
    )


def test_the_public_api_hides_proofs_and_names_officials_see_them(client, commune, official):
    version = make_disclosure(official, commune, publish=True).public_version
    services.publishing_record_add(
        actor=official, version=version, channel=Channel.COMMUNE_OFFICE, started_on=TODAY(),
        performed_by="Văn phòng UBND", proofs=[png_file("anh_nguyen_van_a.png")],
    )  # fmt: skip
    path = f"/disclosures/{version.disclosure_id}/records"
    public = Client(client).get(path).json()["items"]
    office = next(r for r in public if r["channel"] == "commune_office")
    assert office["proofs"] == []
    assert office["performed_by"] == ""
    assert "anh_nguyen" not in str(public)
    seen = Client(client, official).get(path).json()["items"]
    office = next(r for r in seen if r["channel"] == "commune_office")
    assert office["performed_by"] == "Văn phòng UBND"
    assert office["proofs"][0]["name"] == "anh_nguyen_van_a.png"
    assert PublishingRecord.objects.count() == 2
