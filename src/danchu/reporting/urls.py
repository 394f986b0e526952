"""URLs of the steering reports: public dashboards (/xa/…/chi-dao/, /tinh/…/chi-dao/) and the
back office (/quan-ly/chi-dao/…)."""

from django.urls import URLPattern, URLResolver

from danchu.reporting.review_urls import urlpatterns as review_urlpatterns

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [*review_urlpatterns]
