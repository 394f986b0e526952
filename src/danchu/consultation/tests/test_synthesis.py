"""Synthesis and explanation (Art. 28(3)–(4)), Art. 27 citizens, suggestions and figures."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from danchu.consultation import selectors, services
from danchu.consultation.models import Consultation
from danchu.consultation.tests.factories import closed_consultation, resident_user
from danchu.core.errors import ApplicationError, ValidationFailed
from danchu.disclosure.models import Disclosure
from danchu.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _enter(official, consultation, body, **kwargs):
    return services.opinion_enter(
        actor=official, consultation=consultation, body=body, form="meeting",
        source="Họp thôn", **kwargs,
    )  # fmt: skip


def _answered(official, consultation, refused: int, accepted: int):
    """A closed consultation with ``refused`` opinions not accepted and ``accepted`` accepted."""
    no = [_enter(official, consultation, f"không đồng ý {i}").pk for i in range(refused)]
    yes = [_enter(official, consultation, f"đồng ý {i}").pk for i in range(accepted)]
    for ids, outcome, answer in (
        (no, "not_accepted", "Vì quy định"),
        (yes, "accepted", "Sửa Điều 2"),
    ):
        if ids:
            group = services.group_create(
                actor=official, consultation=consultation, topic=outcome, opinion_ids=ids
            )
            services.group_answer(actor=official, group=group, outcome=outcome, answer=answer)
    return services.synthesis_publish(actor=official, consultation=consultation)


def test_synthesis_needs_every_opinion_grouped_and_answered(official, commune):
    consultation = closed_consultation(official, commune)
    first = _enter(official, consultation, "Giờ thu gom sớm quá")
    second = _enter(official, consultation, "Phí hợp lý")
    with pytest.raises(ApplicationError) as caught:
        services.synthesis_publish(actor=official, consultation=consultation)
    assert caught.value.code == "unanswered"
    group = services.group_create(
        actor=official, consultation=consultation, topic="Giờ thu gom",
        opinion_ids=[first.pk, second.pk],
    )  # fmt: skip
    with pytest.raises(ApplicationError):  # grouped but not answered
        services.synthesis_publish(actor=official, consultation=consultation)
    with pytest.raises(ValidationFailed) as invalid:
        services.group_answer(actor=official, group=group, outcome="not_accepted", answer=" ")
    assert "answer" in invalid.value.fields
    services.group_answer(
        actor=official, group=group, outcome="accepted", answer="Đổi sang 7 giờ sáng."
    )
    published = services.synthesis_publish(actor=official, consultation=consultation)
    assert published.status == Consultation.Status.ANSWERED
    disclosure = Disclosure.objects.get(pk=consultation.disclosure_id)
    assert disclosure.public_version.number == 2  # the synthesis is the register's next version
    assert "Đổi sang 7 giờ sáng." in disclosure.public_version.body
    with pytest.raises(ApplicationError):  # frozen once published
        services.group_answer(actor=official, group=group, outcome="not_accepted", answer="x")


def test_synthesis_not_before_closing(official, commune):
    from danchu.consultation.tests.factories import open_consultation

    consultation = open_consultation(official, commune)
    with pytest.raises(ApplicationError):
        services.synthesis_publish(actor=official, consultation=consultation)


def test_resident_sees_what_happened_to_their_opinion(official, commune, village):
    from danchu.consultation.tests.factories import open_consultation, past_deadline

    consultation = open_consultation(official, commune)
    resident = resident_user(village)
    opinion = services.opinion_submit(
        actor=resident, consultation=consultation, body="Thu gom cả thứ Bảy"
    )
    services.consultation_close(actor=official, consultation=past_deadline(consultation))
    group = services.group_create(
        actor=official, consultation=consultation, topic="Ngày thu gom", opinion_ids=[opinion.pk]
    )
    services.group_answer(actor=official, group=group, outcome="not_accepted", answer="Chưa đủ xe.")
    services.synthesis_publish(actor=official, consultation=consultation)
    found = selectors.opinion_by_reference(opinion.reference)
    assert found.group.outcome == "not_accepted"
    assert found.group.answer == "Chưa đủ xe."
    assert Notification.objects.filter(recipient=resident).exists()
    mine = selectors.opinions_of_user(resident)
    assert [o.pk for o in mine] == [opinion.pk]


@pytest.mark.parametrize(("refused", "accepted", "departs"), [(2, 2, False), (3, 2, True)])
def test_majority_departure_boundary(official, commune, refused, accepted, departs):
    # Art. 28(4): "more than half" of the opinions not accepted: exactly half is not a departure.
    consultation = _answered(official, closed_consultation(official, commune), refused, accepted)
    assert services.majority_not_accepted(consultation) is departs


def test_departure_cannot_be_recorded_without_explanation(official, commune):
    consultation = _answered(official, closed_consultation(official, commune), 3, 1)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as caught:
        services.decision_record(
            actor=official, consultation=consultation, reference="QĐ 12/QĐ-UBND", issued_on=today
        )
    assert "explanation" in caught.value.fields
    consultation.refresh_from_db()
    assert consultation.decision_issued_on is None
    recorded = services.decision_record(
        actor=official, consultation=consultation, reference="QĐ 12/QĐ-UBND", issued_on=today,
        explanation="Ngân sách không cho phép thu gom thêm.",
    )  # fmt: skip
    assert recorded.departs_from_majority
    assert recorded.departure_explanation


def test_declared_departure_also_needs_explanation(official, commune):
    consultation = _answered(official, closed_consultation(official, commune), 0, 2)
    with pytest.raises(ValidationFailed):
        services.decision_record(
            actor=official, consultation=consultation, reference="QĐ 1",
            issued_on=timezone.localdate(), departs_from_majority=True,
        )  # fmt: skip
    recorded = services.decision_record(
        actor=official, consultation=consultation, reference="QĐ 1", issued_on=timezone.localdate()
    )
    assert not recorded.departs_from_majority


def test_individual_decision_needs_citizens_told_and_views_kept(official, commune, village):
    consultation = closed_consultation(official, commune, category=8, forms=["dialogue"])
    person = resident_user(village)
    told = services.affected_citizen_add(
        actor=official, consultation=consultation, name="Trần Thị Bình", user=person
    )
    assert told.notified_at is not None
    assert Notification.objects.filter(recipient=person).exists()  # through the outbox
    paper = services.affected_citizen_add(
        actor=official, consultation=consultation, name="Lê Văn Cường"
    )
    assert paper.notified_at is None
    with pytest.raises(ValidationFailed) as invalid:
        services.affected_citizen_record_views(
            actor=official, citizen=paper, views="Tôi không đồng ý", answer=""
        )
    assert "answer" in invalid.value.fields
    consultation = _answered(official, consultation, 0, 1)
    with pytest.raises(ValidationFailed) as caught:
        services.decision_record(
            actor=official, consultation=consultation, reference="QĐ 3",
            issued_on=timezone.localdate(),
        )  # fmt: skip
    assert "affected" in caught.value.fields
    kept = services.affected_citizen_record_views(
        actor=official, citizen=paper, views="Xin gia hạn", representative="Con trai",
        answer="Gia hạn 30 ngày", notified_on_paper=True,
    )  # fmt: skip
    assert kept.views == "Xin gia hạn"
    assert kept.answer == "Gia hạn 30 ngày"
    services.decision_record(
        actor=official, consultation=consultation, reference="QĐ 3",
        issued_on=timezone.localdate(),
    )  # fmt: skip


def test_affected_citizens_only_on_individual_decisions(official, commune):
    consultation = closed_consultation(official, commune)
    with pytest.raises(ValidationFailed):
        services.affected_citizen_add(actor=official, consultation=consultation, name="An")


def test_suggestions_ignore_diacritics_and_stay_suggestions(official, commune):
    consultation = closed_consultation(official, commune)
    a = _enter(official, consultation, "Phí thu gom rác quá cao")
    b = _enter(official, consultation, "phi thu gom rac qua cao, nen giam")
    c = _enter(official, consultation, "Cần thêm thùng rác ở chợ")
    suggestions = selectors.suggest_groups(consultation)
    together = next(s for s in suggestions if a.pk in s.opinion_ids)
    assert set(together.opinion_ids) == {a.pk, b.pk}
    assert [c.pk] in [s.opinion_ids for s in suggestions]
    assert not consultation.opinions.filter(group__isnull=False).exists()  # nothing applied
    group = services.group_create(
        actor=official, consultation=consultation, topic=together.topic,
        opinion_ids=together.opinion_ids,
    )  # fmt: skip
    services.opinions_assign(actor=official, group=group, opinion_ids=[c.pk])  # official changes
    assert set(group.opinions.values_list("pk", flat=True)) == {a.pk, b.pk, c.pk}
    assert selectors.suggest_groups(consultation) == []


def test_figures(official, commune, village):
    consultation = closed_consultation(official, commune)
    resident = resident_user(village)
    consultation.status = Consultation.Status.OPEN
    consultation.closes_on = timezone.localdate()
    consultation.save()
    services.opinion_submit(actor=resident, consultation=consultation, body="một")
    services.opinion_submit(actor=resident, consultation=consultation, body="hai")
    consultation.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    consultation.save()
    services.consultation_close(actor=official, consultation=consultation)
    _enter(official, consultation, "ba", author_name="Nguyễn Văn An")
    first = services.group_create(
        actor=official, consultation=consultation, topic="Chung",
        opinion_ids=list(consultation.opinions.values_list("pk", flat=True)),
    )  # fmt: skip
    services.group_answer(actor=official, group=first, outcome="accepted", answer="Đã sửa")
    _answered(official, consultation, 2, 1)  # 3 more, anonymous paper opinions
    consultation.refresh_from_db()
    today = timezone.localdate()
    services.decision_record(
        actor=official, consultation=consultation, reference="QĐ 9", issued_on=today,
        explanation="Vì ngân sách.",
    )  # fmt: skip
    figures = selectors.consultation_figures(commune, today - datetime.timedelta(days=1), today)
    assert figures.held_by_category == {5: 1}
    assert figures.opinions == 6
    assert figures.opinions_by_form == {"meeting": 4, "web": 2}
    assert figures.participants == 1 + 1 + 3  # one account, one named author, three anonymous
    assert figures.answered == 6
    assert figures.accepted == 4
    assert figures.share_answered == 1.0
    assert figures.share_accepted == pytest.approx(4 / 6)
    assert figures.decisions == 1
    assert figures.departures == 0
    outside = selectors.consultation_figures(commune, today + datetime.timedelta(days=1), today)
    assert outside.opinions == 0
    assert outside.share_answered is None


def test_synthesis_document_in_the_state_format(client, official, commune):
    import io

    import docx
    from django.urls import reverse

    consultation = _answered(official, closed_consultation(official, commune), 1, 2)
    url = reverse("consultation:consultation_synthesis_docx", args=[commune.code, consultation.pk])
    response = client.get(url)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any("Sửa Điều 2" in c for c in cells)
    assert any("Vì quy định" in c for c in cells)
    assert document.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)


def test_no_synthesis_document_before_publication(client, official, commune):
    from django.urls import reverse

    consultation = closed_consultation(official, commune)
    url = reverse("consultation:consultation_synthesis_docx", args=[commune.code, consultation.pk])
    assert client.get(url).status_code == 404
