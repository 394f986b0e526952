"""The project's URLs plus the floor views the web benchmarks compare against.

``/bench/bare/<code>/``: the 50 newest published disclosures of a commune — the same table,
filter and ordering as the public list (``selectors.disclosure_list_public``) — rendered with a
minimal inline template: what any page showing those rows must at least cost (quality bar P1).
"""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from danchu.config.urls import handler403, handler404, handler500
from danchu.config.urls import urlpatterns as project_urlpatterns
from danchu.disclosure.models import Disclosure
from danchu.territory.models import AdministrativeUnit

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

ROWS = 50
_BARE = engines["django"].from_string(
    "<!doctype html><html lang=vi><meta charset=utf-8><title>{{ commune.name }}</title><ol>"
    "{% for d in rows %}<li><a href='{{ d.pk }}/'>{{ d.public_version.title }}</a> "
    "{{ d.published_at|date:'d/m/Y' }}</li>{% endfor %}</ol>"
)


def bare(request: HttpRequest, code: str) -> HttpResponse:
    commune = AdministrativeUnit.objects.get(
        era=AdministrativeUnit.Era.CURRENT, level=AdministrativeUnit.Level.COMMUNE, code=code
    )
    rows = (
        Disclosure.objects.filter(commune=commune, status=Disclosure.Status.PUBLISHED)
        .select_related("public_version")
        .order_by("-published_at", "-id")[:ROWS]
    )
    return HttpResponse(_BARE.render({"commune": commune, "rows": rows}, request))


urlpatterns = [path("bench/bare/<str:code>/", bare), *project_urlpatterns]
