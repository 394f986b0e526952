"""The SMS gateway interface. ``settings.SMS_BACKEND`` names the class to use.

A real gateway implements :class:`SmsBackend`: ``send(phone, text)`` raises on failure so the
outbox can retry. Phone numbers are personal data: never log them in full.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from danchu.core.crypto import mask_phone

__all__ = ["LogSmsBackend", "MemorySmsBackend", "SentSms", "SmsBackend", "get_sms_backend"]

logger = logging.getLogger("danchu.sms")


@runtime_checkable
class SmsBackend(Protocol):
    """What an SMS gateway does: deliver ``text`` to ``phone`` or raise."""

    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Development default: writes the message to the log with the number masked."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str


class MemorySmsBackend:
    """For tests: keeps every message in the class-wide ``outbox`` list."""

    outbox: ClassVar[list[SentSms]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append(SentSms(phone, text))

    @classmethod
    def reset(cls) -> None:
        cls.outbox.clear()


@lru_cache(maxsize=4)
def _backend(path: str) -> SmsBackend:
    backend: SmsBackend = import_string(path)()
    return backend


def get_sms_backend() -> SmsBackend:
    """The configured gateway (one instance per configured class)."""
    return _backend(settings.SMS_BACKEND)
