"""The life of a request: filing, classification, answer, notification, rating, reopen once,
forwarding, rejection; every write audited; figures for reports."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from danchu.accounts.models import Role
from danchu.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from danchu.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from danchu.core.models import AuditEntry
from danchu.notifications.models import Notification
from danchu.petitions import selectors, services
from danchu.petitions.models import CitizenRequest, RequesterIdentity, RequestStatus
from danchu.petitions.tests.requests_helpers import DENOUNCER, at, file

D = datetime.date


def test_a_web_request_gets_an_unguessable_tracking_code(commune):
    first, second = file(commune), file(commune, subject="Khác", content="Một việc khác hẳn")
    assert first.tracking_code != second.tracking_code
    assert first.tracking_code.startswith("PA-")
    assert len(first.tracking_code) == 15
    assert first.status == RequestStatus.RECEIVED
    assert selectors.request_by_code(first.tracking_code.lower()) == first


def test_the_requester_is_kept_apart_and_encrypted(commune):
    req = file(commune, content="Tôi là Trần Văn Nam, số 0987654321, báo đường hỏng.")
    assert "Trần Văn Nam" not in req.content
    assert "0987654321" not in req.content
    assert req.content.count("[…]") == 2
    row = RequesterIdentity.objects.get(request=req)
    assert row.full_name == "Trần Văn Nam"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, phone FROM petitions_requesteridentity WHERE id = %s", [row.pk]
        )
        stored = cursor.fetchone()
    assert "Nam" not in stored[0]
    assert "0987" not in stored[1]


def test_a_denunciation_needs_a_name_and_a_way_to_answer(commune):
    # Luật Tố cáo Art. 25: anonymous information is not handled as a denunciation.
    with pytest.raises(ValidationFailed) as error:
        file(commune, kind="denunciation", full_name="", phone="", address="")
    assert {"full_name", "address"} <= set(error.value.fields)


def test_keying_in_needs_the_permission(commune, village):
    resident = RoleAssignmentFactory(commune=commune, role=Role.RESIDENT, village=village).user
    with pytest.raises(PermissionDenied):
        file(commune, resident, channel="phone")


def test_bad_input_gives_field_errors(commune, village):
    with pytest.raises(ValidationFailed) as error:
        file(commune, subject="", content="x\x00", kind="nonsense", village_id=10**9)
    assert {"subject", "content", "kind", "village_id"} <= set(error.value.fields)


def test_answer_notifies_a_signed_in_requester_and_is_audited(commune, official, village):
    resident = RoleAssignmentFactory(commune=commune, role=Role.RESIDENT, village=village).user
    req = file(commune, resident)
    req = services.request_answer(actor=official, request=req, answer="Đã sửa xong đoạn đường.")
    notice = Notification.objects.get(recipient=resident)
    assert req.tracking_code in notice.title
    actions = list(
        AuditEntry.objects.filter(object_id=str(req.pk)).values_list("action", "actor_id")
    )
    # The resident's own filing names no account (the trail is read by the boards).
    assert actions == [
        ("petition_request.submit", None),
        ("petition_request.answer", official.pk),
    ]


def test_rate_then_reopen_once(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 9, 7))
    req = file(commune)
    with pytest.raises(ApplicationError):
        services.request_rate(tracking_code=req.tracking_code, satisfaction=4)
    services.request_answer(actor=official, request=req, answer="Trả lời")
    with pytest.raises(ValidationFailed):
        services.request_rate(tracking_code=req.tracking_code, satisfaction=6)
    req = services.request_rate(tracking_code=req.tracking_code, satisfaction=2)
    assert (req.status, req.satisfaction) == (RequestStatus.CLOSED, 2)
    req = services.request_reopen(tracking_code=req.tracking_code, reason="Chưa sửa")
    assert req.status == RequestStatus.IN_PROGRESS
    assert req.satisfaction is None
    assert req.due_on > D(2026, 9, 7)
    services.request_answer(actor=official, request=req, answer="Lần hai")
    with pytest.raises(ApplicationError) as error:
        services.request_reopen(tracking_code=req.tracking_code, reason="Lại nữa")
    assert error.value.code == "reopened_once"


def test_reopen_after_30_days_is_refused(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 9, 7))
    req = services.request_answer(actor=official, request=file(commune), answer="Trả lời")
    at(monkeypatch, D(2026, 10, 7))  # exactly 30 days: still allowed
    services.request_reopen(tracking_code=req.tracking_code, reason="Chưa sửa")
    at(monkeypatch, D(2026, 9, 7))
    other = file(commune, subject="Đèn đường hỏng", content="Đèn ở ngã ba không sáng")
    services.request_answer(actor=official, request=other, answer="Trả lời")
    at(monkeypatch, D(2026, 10, 8))  # 31 days
    with pytest.raises(ApplicationError) as error:
        services.request_reopen(tracking_code=other.tracking_code, reason="Chưa sửa")
    assert error.value.code == "too_late"


def test_an_unknown_tracking_code_is_not_found(db):
    with pytest.raises(NotFound):
        services.request_rate(tracking_code="PA-NONE-NONE-XX", satisfaction=3)


def test_forward_a_denunciation_outside_competence(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 9, 7))
    req = file(commune, official, channel="post", kind="denunciation", **DENOUNCER)
    req = services.request_forward(
        actor=official, request=req, forwarded_to="Thanh tra tỉnh", reason="Cán bộ cấp tỉnh"
    )
    assert req.status == RequestStatus.FORWARDED
    entry = AuditEntry.objects.filter(action="petition_request.forward").get()
    assert entry.after["on_time"] is True
    with pytest.raises(ApplicationError):
        services.request_answer(actor=official, request=req, answer="x")


def test_a_statutory_request_is_accepted_before_it_is_answered(commune, official):
    req = file(commune, official, channel="post", kind="complaint", address="x")
    with pytest.raises(ApplicationError):
        services.request_answer(actor=official, request=req, answer="x")


def test_assign_only_an_official_of_the_commune(commune, official, other_commune):
    req = file(commune)
    outsider = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_OFFICIAL).user
    with pytest.raises(ValidationFailed):
        services.request_assign(actor=official, request=req, handler=outsider)
    req = services.request_assign(actor=official, request=req, handler=official)
    assert req.handler == official


def test_reminders_go_to_the_handler_once_per_deadline(commune, official, chair, monkeypatch):
    at(monkeypatch, D(2026, 9, 7))
    req = file(commune, official, channel="post", kind="denunciation", **DENOUNCER)
    # Unassigned: the chair hears about it.
    assert services.request_remind_due(today=D(2026, 9, 14)) == 1
    assert Notification.objects.filter(recipient=chair).count() == 1
    assert services.request_remind_due(today=D(2026, 9, 14)) == 0  # idempotent
    services.request_assign(actor=chair, request=req, handler=official)
    # Far from the deadline: nothing.
    assert services.request_remind_due(today=D(2026, 9, 7)) == 0
    notice = Notification.objects.get(recipient=chair)
    assert DENOUNCER["full_name"] not in notice.title + notice.body


def test_figures_by_kind(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 3, 2))
    on_time = file(commune)
    late = file(commune, subject="Rác thải", content="Bãi rác tự phát ở đầu thôn")
    open_late = file(commune, subject="Nước sạch", content="Mất nước sinh hoạt cả tuần")
    services.request_answer(actor=official, request=on_time, answer="Xong")
    at(monkeypatch, D(2026, 4, 30))
    services.request_answer(actor=official, request=late, answer="Muộn")
    services.request_rate(tracking_code=late.tracking_code, satisfaction=3)
    figures = {
        f.kind: f
        for f in selectors.request_figures(
            commune, D(2026, 1, 1), D(2026, 12, 31), today=D(2026, 5, 1)
        )
    }
    feedback = figures["feedback"]
    assert (feedback.received, feedback.resolved, feedback.resolved_on_time) == (3, 2, 1)
    assert feedback.overdue_now == 1
    assert feedback.average_days == (0 + 59) / 2
    assert feedback.satisfaction == 3.0
    assert figures["complaint"].received == 0
    assert open_late.pk in set(
        selectors.request_list(
            actor=official, commune=commune, queue="overdue", today=D(2026, 5, 1)
        ).values_list("pk", flat=True)
    )


def test_queue_due_soon_and_overdue(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 9, 7))
    req = file(commune)  # due 15 WD later
    due = req.due_on

    def queue(name, today):
        rows = selectors.request_list(actor=official, commune=commune, queue=name, today=today)
        return list(rows.values_list("pk", flat=True))

    assert queue("due_soon", due) == [req.pk]
    assert queue("overdue", due) == []
    assert queue("overdue", due + datetime.timedelta(days=1)) == [req.pk]
    assert queue("due_soon", D(2026, 9, 8)) == []


def test_list_queries_do_not_grow_with_rows(commune, official, django_assert_max_num_queries):
    def count_queries(n):
        for i in range(n):
            file(commune, subject=f"Việc số {i}", content=f"Nội dung riêng số {i} " * (i + 1))
        rows = selectors.request_list(actor=official, commune=commune)
        with django_assert_max_num_queries(3):
            list(rows)
            [(r.village, r.handler) for r in rows]

    count_queries(2)
    count_queries(20)
    assert CitizenRequest.objects.count() == 22


def test_another_commune_sees_nothing(commune, other_commune):
    req = file(commune)
    outsider = RoleAssignmentFactory(commune=other_commune, role=Role.COMMUNE_CHAIR).user
    with pytest.raises(NotFound):
        selectors.request_get(actor=outsider, pk=req.pk)
    assert not selectors.request_list(actor=outsider, commune=commune).exists()
    assert not selectors.request_list(actor=AnonymousUser(), commune=commune).exists()
    assert UserFactory()  # a user with no role at all


def test_merge_a_duplicate(commune, official):
    first = file(commune)
    second = file(commune)
    assert second.possible_duplicate_of == first
    merged = services.request_merge(actor=official, request=second, into=first)
    assert merged.status == RequestStatus.MERGED
    assert merged.merged_into == first
    with pytest.raises(ValidationFailed):
        services.request_merge(actor=official, request=first, into=first)


def test_the_reminder_command_runs(commune, chair, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    file(commune, received_on=None)
    out = StringIO()
    call_command("remind_request_deadlines", stdout=out)
    assert "Reminded about 0 request(s)." in out.getvalue()  # due in 15 working days


def test_dates_far_off_are_field_errors_not_crashes(commune, official, monkeypatch):
    at(monkeypatch, D(2026, 9, 7))
    with pytest.raises(ValidationFailed) as error:
        file(commune, official, channel="post", received_on=D(1990, 1, 1))
    assert "received_on" in error.value.fields
    req = file(commune)
    with pytest.raises(ValidationFailed) as error:
        services.request_classify(actor=official, request=req, kind="feedback",
                                  due_on=D(9999, 12, 31))  # fmt: skip
    assert "due_on" in error.value.fields
    complaint = file(commune, official, channel="post", kind="complaint", address="x",
                     subject="Khác", content="Nội dung khác hẳn")  # fmt: skip
    with pytest.raises(ValidationFailed) as error:
        services.request_accept(actor=official, request=complaint, decision_known_on=D(1, 1, 1))
    assert error.value.code == "time_barred"
