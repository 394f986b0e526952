"""Who and where of the current request, for the audit trail (set by middleware)."""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["client_ip", "set_client_ip"]

_client_ip: ContextVar[str] = ContextVar("danchu_client_ip", default="")


def set_client_ip(ip: str) -> object:
    return _client_ip.set(ip)


def client_ip() -> str:
    return _client_ip.get()
