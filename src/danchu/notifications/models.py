"""The notification outbox: in-app notices, queued e-mail/SMS messages, channel preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danchu.core.crypto import EncryptedTextField, mask_phone

__all__ = ["Channel", "ChannelPreference", "Notification", "OutboundMessage"]


class Channel(models.TextChoices):
    IN_APP = "in_app", _("in the platform")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    """An in-app notice for one person, shown until they mark it read.

    ``event_key`` names the event that caused it; (event_key, recipient) is unique so the same
    event never shows twice. ``commune`` is the commune key (empty for platform-wide notices).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    commune = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event_key = models.CharField(_("event"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="notification_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class OutboundMessage(models.Model):
    """An e-mail or SMS waiting in the outbox, being sent, sent or given up.

    Written by ``notify`` and sent by the ``send_outbound`` task. (event_key, recipient,
    channel) is unique, so one event reaches a person at most once per channel; the status
    changes only through conditional updates, so a sent message is never sent again.
    ``address`` (an e-mail address or a phone number) is personal data and stored encrypted.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=[(Channel.EMAIL, Channel.EMAIL.label), (Channel.SMS, Channel.SMS.label)],
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbound_messages"
    )
    commune = models.ForeignKey(
        "territory.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = EncryptedTextField(_("address"))
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    event_key = models.CharField(_("event"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the next attempt is due (after a failure, with back-off); the sweep reads it.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient", "channel"], name="outbound_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address_masked} ({self.status})"

    @property
    def address_masked(self) -> str:
        if self.channel == Channel.SMS:
            return mask_phone(self.address)
        local, _sep, domain = (self.address or "").partition("@")
        return (local[:1] + "***@" + domain) if domain else "***"


class ChannelPreference(models.Model):
    """A person's choice to receive (or not) notices through one channel.

    Without a row the default applies: in-app on, e-mail on when the person has an address,
    SMS on when they have a phone number.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preferences"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="channel_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel}={'on' if self.enabled else 'off'}"
