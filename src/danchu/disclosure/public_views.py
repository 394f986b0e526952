"""Public pages of the disclosure register (placeholder: being written)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def public_list(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def public_feed(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def public_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def public_version(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def public_notice_pdf(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def attachment_download(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
