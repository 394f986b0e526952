"""URLs of the steering reports: public dashboards (/xa/…/chi-dao/, /tinh/…/chi-dao/) and the
back office (/quan-ly/chi-dao/…)."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [
    # The steering part's pages (steering plans, key tasks, emulation): kept in its own module.
    path("", include("danchu.reporting.steering_urls")),
]
