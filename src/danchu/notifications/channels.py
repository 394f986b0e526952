"""Delivery channels as strategies: who can be reached how, and how a message goes out.

``notify`` asks each channel for the person's address and default preference; the
``send_outbound`` task asks the message's channel to deliver it. A new channel (Zalo, push)
is one more class here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import EmailMessage

from danchu.notifications.models import Channel, OutboundMessage
from danchu.notifications.sms import get_sms_backend

__all__ = ["CHANNELS", "EmailChannel", "OutboundChannel", "SmsChannel"]


class OutboundChannel:
    """One way of reaching a person outside the platform."""

    key: ClassVar[Channel]

    def address_for(self, user: Any) -> str:
        raise NotImplementedError

    def enabled_by_default(self, user: Any) -> bool:
        return bool(self.address_for(user))

    def deliver(self, message: OutboundMessage) -> None:
        """Send ``message`` or raise; the caller records the outcome."""
        raise NotImplementedError


class EmailChannel(OutboundChannel):
    key = Channel.EMAIL

    def address_for(self, user: Any) -> str:
        return (getattr(user, "email", "") or "").strip()

    def deliver(self, message: OutboundMessage) -> None:
        # EmailMessage.send() picks the configured backend: EMAIL_BACKEND today, the
        # MAILERS["default"] alias once settings move to Django 6.1's MAILERS.
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
        ).send()


class SmsChannel(OutboundChannel):
    key = Channel.SMS

    def address_for(self, user: Any) -> str:
        return (getattr(user, "phone", "") or "").strip()

    def deliver(self, message: OutboundMessage) -> None:
        get_sms_backend().send(message.address, message.body)


CHANNELS: dict[str, OutboundChannel] = {Channel.EMAIL: EmailChannel(), Channel.SMS: SmsChannel()}
