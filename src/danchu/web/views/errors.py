"""Error pages for the root URLconf (handler404, handler403, handler500), in the user's language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

__all__ = ["handler403", "handler404", "handler500"]


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def handler500(request: HttpRequest) -> HttpResponse:
    # No request context: whatever failed (the database, a context processor) must not fail again.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
