"""The outbox: preferences, idempotence, sending, retries, never twice, masking, language."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from danchu.accounts.tests.factories import UserFactory
from danchu.core.errors import NotFound
from danchu.notifications import selectors, services
from danchu.notifications.models import ChannelPreference, Notification, OutboundMessage
from danchu.notifications.sms import LogSmsBackend, MemorySmsBackend, SentSms

PHONE = "0912345678"
Status = OutboundMessage.Status
pytestmark = pytest.mark.django_db


class FlakySms:
    """Fails the first ``failures`` sends (quoting the number, as real gateways do)."""

    failures = 1
    calls = 0

    def send(self, phone: str, text: str) -> None:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise ConnectionError(f"gateway refused {phone}")
        MemorySmsBackend.outbox.append(SentSms(phone, text))


@pytest.fixture(autouse=True)
def _clean_sms():
    MemorySmsBackend.reset()
    FlakySms.calls = 0
    yield
    MemorySmsBackend.reset()


@pytest.fixture
def person():
    return UserFactory(email="an@example.vn", phone=PHONE, preferred_language="vi")


def _notify(recipients, key="event:1", **kwargs):
    context = {"title": "Họp thôn", "body": "Họp thôn lúc 19 giờ."}
    return services.notify(
        event_key=key, recipients=recipients, template="generic", context=context, **kwargs
    )


def test_defaults_in_app_email_and_sms(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = _notify([person], url="/xa/18406/")
    assert result.notices == 1
    assert len(result.messages) == 2
    notice = Notification.objects.get(recipient=person)
    assert notice.title == "Họp thôn"
    assert notice.url == "/xa/18406/"
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert mail.outbox[0].subject == "Họp thôn"
    assert [s.phone for s in MemorySmsBackend.outbox] == [PHONE]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_same_event_twice_gives_one_of_each(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([person, person])
        second = _notify([person])
    assert second.notices == 0
    assert second.messages == []
    assert Notification.objects.count() == 1
    assert OutboundMessage.objects.count() == 2
    assert len(mail.outbox) == 1
    assert len(MemorySmsBackend.outbox) == 1


def test_preferences_and_missing_addresses_apply(person):
    no_contact = UserFactory()
    quiet = UserFactory(email="q@example.vn", phone="0987654321")
    ChannelPreference.objects.create(user=quiet, channel="sms", enabled=False)
    ChannelPreference.objects.create(user=quiet, channel="in_app", enabled=False)
    # Asking for SMS without a phone number cannot reach anyone.
    ChannelPreference.objects.create(user=no_contact, channel="sms", enabled=True)
    _notify([person, no_contact, quiet])
    pairs = set(OutboundMessage.objects.values_list("recipient__username", "channel"))
    assert pairs == {
        (person.username, "email"),
        (person.username, "sms"),
        (quiet.username, "email"),
    }
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        person.pk,
        no_contact.pk,
    }


def test_channels_argument_limits_channels(person):
    _notify([person], channels=["email"])
    assert list(OutboundMessage.objects.values_list("channel", flat=True)) == ["email"]
    assert not Notification.objects.exists()


def test_preference_service_only_for_oneself(person):
    services.channel_preference_set(actor=person, user=person, channel="email", enabled=False)
    _notify([person])
    assert list(OutboundMessage.objects.values_list("channel", flat=True)) == ["sms"]
    with pytest.raises(NotFound):
        services.channel_preference_set(
            actor=UserFactory(), user=person, channel="sms", enabled=False
        )


def test_rendered_in_the_recipients_language():
    vi = UserFactory(email="vi@example.vn", preferred_language="vi")
    en = UserFactory(email="en@example.vn", preferred_language="en")
    _notify([vi, en], channels=["email"])
    bodies = dict(OutboundMessage.objects.values_list("recipient_id", "body"))
    assert "This message was sent by danchu" in bodies[en.pk]
    assert "Tin nhắn này do danchu" in bodies[vi.pk]


def test_address_is_encrypted_at_rest(person):
    _notify([person], channels=["sms"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM notifications_outboundmessage")
        (raw,) = cursor.fetchone()
    assert PHONE not in raw
    assert OutboundMessage.objects.get().address == PHONE


@override_settings(SMS_BACKEND="danchu.notifications.tests.test_outbox.FlakySms")
def test_failure_is_retried_then_succeeds(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([person], channels=["sms"])
    message = OutboundMessage.objects.get()
    assert message.status == Status.QUEUED
    assert message.attempts == 1
    assert "ConnectionError" in message.last_error
    assert PHONE not in message.last_error  # the gateway quoted it: redacted
    assert message.next_attempt_at > timezone.now()
    # Not yet due: the sweep leaves it alone.
    assert services.outbound_send_pending(grace=timedelta(0)) == 0
    later = timezone.now() + timedelta(minutes=2)
    assert services.outbound_send_pending(now=later, grace=timedelta(0)) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    assert [s.phone for s in MemorySmsBackend.outbox] == [PHONE]


@override_settings(SMS_BACKEND="danchu.notifications.tests.test_outbox.FlakySms")
def test_gives_up_after_five_attempts(person, monkeypatch):
    monkeypatch.setattr(FlakySms, "failures", 99)
    _notify([person], channels=["sms"])
    message = OutboundMessage.objects.get()
    for attempt in range(1, 6):
        services.outbound_send(message_id=message.pk)
        message.refresh_from_db()
        assert message.attempts == attempt
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert message.status == Status.FAILED
    assert services.outbound_send(message_id=message.pk) == Status.FAILED
    assert FlakySms.calls == 5


def test_sent_message_is_never_sent_again(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([person], channels=["email"])
    message = OutboundMessage.objects.get()
    assert services.outbound_send(message_id=message.pk) == Status.SENT
    # A second worker racing on a message another one holds does not send it either.
    OutboundMessage.objects.filter(pk=message.pk).update(status=Status.SENDING)
    assert services.outbound_send(message_id=message.pk) == Status.SENDING
    assert services.outbound_send_pending(grace=timedelta(0)) == 0
    assert len(mail.outbox) == 1


def test_stuck_sending_message_is_revived_by_the_sweep(person):
    _notify([person], channels=["email"])
    old = timezone.now() - timedelta(hours=1)
    OutboundMessage.objects.update(status=Status.SENDING, last_attempt_at=old)
    call_command("send_pending", "--grace-seconds", "0")
    assert OutboundMessage.objects.get().status == Status.SENT
    assert len(mail.outbox) == 1


def test_send_pending_command_sends_lost_messages(person, capsys):
    # The transaction committed but the task was lost (no on_commit run here).
    _notify([person])
    call_command("send_pending", "--grace-seconds", "0")
    assert "Processed 2 pending message(s)." in capsys.readouterr().out
    assert len(mail.outbox) == 1
    assert len(MemorySmsBackend.outbox) == 1


@override_settings(
    SMS_BACKEND="danchu.notifications.tests.test_outbox.FlakySms",
    TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
)
def test_retry_is_enqueued_with_run_after_on_a_deferring_backend(
    person, django_capture_on_commit_callbacks
):
    from django.tasks import task_backends

    with django_capture_on_commit_callbacks(execute=True):
        _notify([person], channels=["sms"])
    message = OutboundMessage.objects.get()
    backend = task_backends["default"]
    assert [list(r.args) for r in backend.results] == [[message.pk]]  # queued, not yet run
    assert services.outbound_send(message_id=message.pk) == Status.QUEUED
    retry = backend.results[-1]
    message.refresh_from_db()
    assert list(retry.args) == [message.pk]
    assert retry.task.run_after == message.next_attempt_at
    assert message.next_attempt_at - message.last_attempt_at >= services.BACKOFF[0]


def test_log_backend_masks_the_number(caplog):
    with caplog.at_level(logging.INFO, logger="danchu.sms"):
        LogSmsBackend().send(PHONE, "Mã đăng nhập 123456")
    assert "SMS to 091*****78: Mã đăng nhập 123456" in caplog.text
    assert PHONE not in caplog.text


def test_selectors_and_mark_read(person):
    other = UserFactory()
    _notify([person, other], channels=["in_app"])
    _notify([person], key="event:2", channels=["in_app"])
    assert selectors.unread_count(person) == 2
    assert len(selectors.notices_for(person, limit=1)) == 1
    notice = selectors.unread_for(person).first()
    services.notice_mark_read(actor=person, notice=notice)
    services.notice_mark_read(actor=person, notice=notice)  # twice is harmless
    assert selectors.unread_count(person) == 1
    theirs = Notification.objects.get(recipient=other)
    assert selectors.notice_for(person, theirs.pk) is None
    with pytest.raises(NotFound):
        services.notice_mark_read(actor=person, notice=theirs)
    assert services.notices_mark_all_read(actor=person) == 1
    assert selectors.unread_count(person) == 0
    assert selectors.unread_count(None) == 0


def test_event_strategy_sends_once_to_its_recipients(person, village):
    from danchu.notifications.strategies import EventStrategy

    class VillageMeeting(EventStrategy):
        channels = ("in_app",)

        def event_key(self, obj):
            return f"meeting:{obj.pk}"

        def get_recipients(self, obj):
            return [person]

        def get_context(self, obj):
            return {"title": f"Họp {obj.name}", "body": "19 giờ"}

    VillageMeeting().send(village)
    VillageMeeting().send(village)
    notice = Notification.objects.get()
    assert notice.commune == village.commune
    assert notice.title == f"Họp {village.name}"
