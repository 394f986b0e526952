"""The project's URLs plus the floor the online-vote benchmark compares against (P7).

``/bench/ok/``: a bare ``HttpResponse`` behind the same middleware — what any request costs at
least on this server. Used by ``bench/online_votes.py`` through ``bench_vote_settings``.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from danchu.config.urls import handler403, handler404, handler500
from danchu.config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok), *project_urlpatterns]
