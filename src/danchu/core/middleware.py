"""Request middleware: remember the client address for audit entries written by services."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from danchu.core.context import _client_ip, set_client_ip

__all__ = ["RequestContextMiddleware"]


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_client_ip(request.META.get("REMOTE_ADDR", "")[:45])
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)  # type: ignore[arg-type]
