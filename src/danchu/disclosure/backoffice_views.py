"""Back office of the disclosure register (placeholder: being written)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def request_create(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def my_requests(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def request_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def disclosure_list(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def disclosure_create(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def disclosure_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def disclosure_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def disclosure_publish(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def disclosure_withdraw(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def attachment_add(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def attachment_remove(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def record_add(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def record_end(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def village_register(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def quarterly_register(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def quarterly_register_download(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def request_list(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def request_answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
