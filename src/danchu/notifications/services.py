"""Writes of the notification outbox.

``notify`` is what other services call, inside their own transaction, after the change that
people must hear about (adhocracy+'s strategies: the caller decides who and what, this
module applies each person's channel preferences). It writes in-app notices and queued
outbound messages and, once the transaction commits, enqueues one ``send_outbound`` task per
message. ``notify`` writes no audit entry of its own: the caller's entry records the change,
and the outbox rows are the record of what was sent (auditing every SMS would flood the chain).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from danchu.core import audit
from danchu.core.errors import NotFound, ValidationFailed
from danchu.core.logging import redact
from danchu.notifications.channels import CHANNELS
from danchu.notifications.models import (
    Channel,
    ChannelPreference,
    Notification,
    OutboundMessage,
)

__all__ = [
    "BACKOFF",
    "MAX_ATTEMPTS",
    "Notice",
    "NotifyResult",
    "channel_preference_set",
    "notice_mark_read",
    "notices_mark_all_read",
    "notify",
    "notify_many",
    "outbound_send",
    "outbound_send_pending",
]

logger = logging.getLogger("danchu.notifications")

MAX_ATTEMPTS = 5
# Wait before attempt 2, 3, 4 and 5 after a failure.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
# A message still "sending" after this is taken to belong to a crashed worker and retried
# (the one case where a message may go out twice: the gateway got it, the worker died).
STUCK_AFTER = timedelta(minutes=15)
Status = OutboundMessage.Status


@dataclass
class NotifyResult:
    """What one ``notify`` call created (rows that already existed are not counted)."""

    notices: int = 0
    messages: list[int] = field(default_factory=list)
    # notify_many: the events that got at least one new notice or message.
    event_keys: set[str] = field(default_factory=set)


@dataclass
class _Rendered:
    title: str
    inapp: str
    email: str
    sms: str


def _render(names: Sequence[str], context: dict[str, Any]) -> str:
    # Plain text: no HTML escaping (the web templates escape in-app notices when shown).
    template: Any = select_template(list(names))
    return str(template.template.render(Context(context, autoescape=False))).strip()


def _render_for(user: Any, template: str, context: dict[str, Any]) -> _Rendered:
    base = f"notifications/{template}/"
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    ctx = {**context, "recipient": user}
    with translation.override(language):
        title = " ".join(_render([base + "title.txt"], ctx).split())[:300]
        return _Rendered(
            title=title,
            inapp=_render([base + "inapp.txt", base + "body.txt"], ctx),
            email=_render([base + "body.txt"], ctx),
            sms=_render([base + "sms.txt", base + "title.txt"], ctx),
        )


def _preferences(user_ids: list[int]) -> dict[tuple[int, str], bool]:
    rows = ChannelPreference.objects.filter(user_id__in=user_ids)
    return {(r.user_id, r.channel): r.enabled for r in rows}


def _wanted(user: Any, channel: str, prefs: dict[tuple[int, str], bool]) -> bool:
    if channel == Channel.IN_APP:
        return prefs.get((user.pk, channel), True)
    outbound = CHANNELS[channel]
    if not outbound.address_for(user):
        return False  # whatever the preference says, there is nowhere to send it
    return prefs.get((user.pk, channel), outbound.enabled_by_default(user))


def _unique_users(recipients: Iterable[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for user in recipients:
        if user is not None and user.pk is not None and getattr(user, "is_active", True):
            seen.setdefault(user.pk, user)
    return list(seen.values())


@transaction.atomic
def notify(
    *,
    event_key: str,
    recipients: Iterable[Any],
    template: str,
    context: dict[str, Any],
    channels: Iterable[str] | None = None,
    commune: Any = None,
    url: str = "",
) -> NotifyResult:
    """Tell ``recipients`` about an event, once per person and channel whatever the retries.

    ``event_key`` must name the event uniquely and stably (e.g. ``"complaint:42:accepted"``);
    ``template`` names ``notifications/<template>/`` with ``title.txt``, ``body.txt`` and
    optionally ``inapp.txt`` and ``sms.txt``, rendered in each person's preferred language.
    ``channels`` limits the channels (default: all); preferences then apply.
    """
    if not event_key or len(event_key) > 200:
        raise ValueError("event_key must be 1-200 characters")
    wanted_channels = set(channels) if channels is not None else set(Channel.values)
    users = _unique_users(recipients)
    if not users:
        return NotifyResult()
    ids = [u.pk for u in users]
    prefs = _preferences(ids)
    noticed = set(
        Notification.objects.filter(event_key=event_key, recipient_id__in=ids).values_list(
            "recipient_id", flat=True
        )
    )
    rows = OutboundMessage.objects.filter(event_key=event_key, recipient_id__in=ids)
    existing_rows = list(rows.values_list("pk", "recipient_id", "channel"))
    existing = {pk for pk, _r, _c in existing_rows}
    queued_pairs = {(r, c) for _pk, r, c in existing_rows}
    context = {**context, "url": url or context.get("url", "")}
    notices, messages = _build_rows(
        users=users,
        event_key=event_key,
        template=template,
        context=context,
        wanted=lambda u, c: c in wanted_channels and _wanted(u, c, prefs),
        skip_notice=noticed,
        skip_message=queued_pairs,
        commune=commune,
        url=context["url"],
    )
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    OutboundMessage.objects.bulk_create(messages, ignore_conflicts=True)
    new_ids = list(
        OutboundMessage.objects.filter(event_key=event_key, recipient_id__in=ids)
        .exclude(pk__in=existing)
        .values_list("pk", flat=True)
    )
    for message_id in new_ids:
        transaction.on_commit(functools.partial(_enqueue, message_id), robust=True)
    return NotifyResult(notices=len(notices), messages=new_ids)


@dataclass(frozen=True)
class Notice:
    """One event of :func:`notify_many`: the arguments of one :func:`notify` call."""

    event_key: str
    recipients: Sequence[Any]
    template: str
    context: dict[str, Any]
    commune: Any = None
    url: str = ""


@transaction.atomic
def notify_many(notices: Sequence[Notice]) -> NotifyResult:
    """:func:`notify` for many events at once, in a constant number of queries whatever their
    number (a daily sweep over every village). Same rules: once per person, event and channel,
    each person's preferences and language."""
    events = []
    for notice in notices:
        if not notice.event_key or len(notice.event_key) > 200:
            raise ValueError("event_key must be 1-200 characters")
        users = _unique_users(notice.recipients)
        if users:
            events.append((notice, users))
    if not events:
        return NotifyResult()
    keys = sorted({n.event_key for n, _users in events})
    ids = sorted({u.pk for _n, users in events for u in users})
    prefs = _preferences(ids)
    noticed: dict[str, set[int]] = {}
    for key, recipient_id in Notification.objects.filter(
        event_key__in=keys, recipient_id__in=ids
    ).values_list("event_key", "recipient_id"):
        noticed.setdefault(key, set()).add(recipient_id)
    existing_rows = list(
        OutboundMessage.objects.filter(event_key__in=keys, recipient_id__in=ids).values_list(
            "pk", "event_key", "recipient_id", "channel"
        )
    )
    existing = {pk for pk, _k, _r, _c in existing_rows}
    queued: dict[str, set[tuple[int, str]]] = {}
    for _pk, key, recipient_id, channel in existing_rows:
        queued.setdefault(key, set()).add((recipient_id, channel))
    all_notices: list[Notification] = []
    all_messages: list[OutboundMessage] = []
    for notice, users in events:
        key = notice.event_key
        context = {**notice.context, "url": notice.url or notice.context.get("url", "")}
        rows = _build_rows(
            users=users,
            event_key=key,
            template=notice.template,
            context=context,
            wanted=lambda u, c: _wanted(u, c, prefs),
            skip_notice=noticed.get(key, set()),
            skip_message=queued.get(key, set()),
            commune=notice.commune,
            url=context["url"],
        )
        all_notices.extend(rows[0])
        all_messages.extend(rows[1])
    Notification.objects.bulk_create(all_notices, ignore_conflicts=True)
    OutboundMessage.objects.bulk_create(all_messages, ignore_conflicts=True)
    new_ids = list(
        OutboundMessage.objects.filter(event_key__in=keys, recipient_id__in=ids)
        .exclude(pk__in=existing)
        .values_list("pk", flat=True)
    )
    for message_id in new_ids:
        transaction.on_commit(functools.partial(_enqueue, message_id), robust=True)
    fresh = {n.event_key for n in all_notices} | {m.event_key for m in all_messages}
    return NotifyResult(notices=len(all_notices), messages=new_ids, event_keys=fresh)


def _build_rows(
    *,
    users: list[Any],
    event_key: str,
    template: str,
    context: dict[str, Any],
    wanted: Any,
    skip_notice: set[int],
    skip_message: set[tuple[int, str]],
    commune: Any,
    url: str,
) -> tuple[list[Notification], list[OutboundMessage]]:
    now = timezone.now()
    notices: list[Notification] = []
    messages: list[OutboundMessage] = []
    for user in users:
        todo_notice = user.pk not in skip_notice and wanted(user, Channel.IN_APP)
        todo = [c for c in CHANNELS if (user.pk, c) not in skip_message and wanted(user, c)]
        if not todo_notice and not todo:
            continue
        text = _render_for(user, template, context)
        if todo_notice:
            notices.append(
                Notification(
                    recipient=user, commune=commune, event_key=event_key,
                    title=text.title, body=text.inapp, url=url[:500],
                )
            )  # fmt: skip
        for channel in todo:
            messages.append(
                OutboundMessage(
                    channel=channel, recipient=user, commune=commune,
                    address=CHANNELS[channel].address_for(user),
                    subject=text.title if channel == Channel.EMAIL else "",
                    body=text.email if channel == Channel.EMAIL else text.sms,
                    event_key=event_key, next_attempt_at=now,
                )
            )  # fmt: skip
    return notices, messages


def _enqueue(message_id: int, run_after: datetime | None = None) -> None:
    from danchu.notifications.tasks import send_outbound

    if run_after is None:
        send_outbound.enqueue(message_id)
    elif send_outbound.get_backend().supports_defer:
        send_outbound.using(run_after=run_after).enqueue(message_id)
    # Otherwise (a backend without deferred tasks) the send-pending sweep retries it when due.


def _claim(message_id: int, now: datetime) -> bool:
    """Mark a queued message as being sent; False if it is not queued (sent, failed, or
    another worker has it). The conditional UPDATE is what makes "never twice" hold."""
    claimed = OutboundMessage.objects.filter(pk=message_id, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=F("attempts") + 1, last_attempt_at=now
    )
    return claimed == 1


def outbound_send(*, message_id: int) -> str:
    """Send one outbound message (the ``send_outbound`` task calls this); return its status.

    Not atomic on purpose: the claim commits before the gateway is called, so a second
    worker that picks up the same message finds it "sending" and leaves it.
    """
    now = timezone.now()
    if not _claim(message_id, now):
        status = OutboundMessage.objects.filter(pk=message_id).values_list("status", flat=True)
        return status.first() or "missing"
    message = OutboundMessage.objects.get(pk=message_id)
    try:
        CHANNELS[message.channel].deliver(message)
    except Exception as exc:  # any gateway error: record it and retry  # noqa: BLE001
        return _record_failure(message, exc)
    OutboundMessage.objects.filter(pk=message_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return Status.SENT


def _record_failure(message: OutboundMessage, exc: Exception) -> str:
    # Gateway errors may quote the number or address: redact before storing or logging.
    error = redact(f"{type(exc).__name__}: {exc}")[:1000]
    attempts = message.attempts
    if attempts >= MAX_ATTEMPTS:
        status, retry_at = Status.FAILED, None
    else:
        status, retry_at = Status.QUEUED, timezone.now() + BACKOFF[attempts - 1]
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=status, last_error=error, next_attempt_at=retry_at
    )
    logger.warning(
        "Outbound %s message %s failed (attempt %s of %s): %s",
        message.channel, message.pk, attempts, MAX_ATTEMPTS, error,
    )  # fmt: skip
    if retry_at is not None:
        try:
            _enqueue(message.pk, run_after=retry_at)
        except Exception:  # the sweep will still find it  # noqa: BLE001
            logger.exception("Could not enqueue the retry of message %s", message.pk)
    return status


def outbound_send_pending(
    *, now: datetime | None = None, grace: timedelta = timedelta(minutes=1), enqueue: bool = False
) -> int:
    """The cron sweep: send (or enqueue) every queued message that is due and older than
    ``grace`` (younger ones still have their own task coming); revive stuck ones first."""
    now = now or timezone.now()
    OutboundMessage.objects.filter(
        status=Status.SENDING, last_attempt_at__lt=now - STUCK_AFTER
    ).update(status=Status.QUEUED, next_attempt_at=now)
    due = OutboundMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status=Status.QUEUED,
        created_at__lte=now - grace,
    ).order_by("id")
    ids = list(due.values_list("pk", flat=True))
    for message_id in ids:
        if enqueue:
            _enqueue(message_id)
        else:
            outbound_send(message_id=message_id)
    return len(ids)


@transaction.atomic
def notice_mark_read(*, actor: Any, notice: Notification) -> Notification:
    """Mark one of the actor's own notices read (someone else's does not exist for them)."""
    if actor is None or notice.recipient_id != getattr(actor, "pk", None):
        raise NotFound(_("Notice not found."), code="not_found")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        audit.record(
            actor=actor, action="notification.read", obj=notice,
            commune_id=notice.commune_id, after={"read_at": notice.read_at},
        )  # fmt: skip
    return notice


@transaction.atomic
def notices_mark_all_read(*, actor: Any) -> int:
    """Mark all of the actor's unread notices read; return how many."""
    now = timezone.now()
    count = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=now
    )
    if count:
        audit.record(
            actor=actor, action="notification.read_all", object_type="notifications.notification",
            after={"count": count},
        )  # fmt: skip
    return count


@transaction.atomic
def channel_preference_set(
    *, actor: Any, user: Any, channel: str, enabled: bool
) -> ChannelPreference:
    """Turn one channel on or off for a person; people change only their own preferences."""
    if actor is None or (actor.pk != user.pk and not getattr(actor, "is_superuser", False)):
        raise NotFound(_("Person not found."), code="not_found")
    if channel not in Channel.values:
        raise ValidationFailed(
            _("The preference is not valid."),
            fields={"channel": [_("Choose in-app, e-mail or SMS.")]},
        )
    pref, _created = ChannelPreference.objects.update_or_create(
        user=user, channel=channel, defaults={"enabled": enabled}
    )
    audit.record(
        actor=actor, action="notification.preference", obj=pref,
        after={"channel": channel, "enabled": enabled},
    )  # fmt: skip
    return pref
