"""URLs of the steering reports: public dashboards (/chi-dao/, /tinh/…/chi-dao/, /xa/…/chi-dao/),
their exports and the province's open data; historical figures sent up as Excel; the review
reports' and the steering part's pages come from their own URL modules, in the same namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from danchu.reporting import dashboard_views as views
from danchu.reporting import history_views

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = [
    path("chi-dao/", views.dashboard, {"level": "nation"}, name="dashboard_nation"),
    path(
        "chi-dao/<slug:table>.<slug:fmt>",
        views.dashboard_export,
        {"level": "nation"},
        name="dashboard_nation_export",
    ),
    path(
        "tinh/<str:code>/chi-dao/",
        views.dashboard,
        {"level": "province"},
        name="dashboard_province",
    ),
    path(
        "tinh/<str:code>/chi-dao/<slug:table>.<slug:fmt>",
        views.dashboard_export,
        {"level": "province"},
        name="dashboard_province_export",
    ),
    path("tinh/<str:code>/du-lieu-mo.<slug:fmt>", views.open_data, name="open_data"),
    path("xa/<str:code>/chi-dao/", views.dashboard, {"level": "commune"}, name="dashboard_commune"),
    path(
        "xa/<str:code>/chi-dao/<slug:table>.<slug:fmt>",
        views.dashboard_export,
        {"level": "commune"},
        name="dashboard_commune_export",
    ),
    # Historical figures (số liệu báo cáo gửi lên bằng Excel).
    path("quan-ly/so-lieu-bao-cao/", history_views.upload, name="history_upload"),
    path("quan-ly/so-lieu-bao-cao/mau.xlsx", history_views.template, name="history_template"),
    path(
        "quan-ly/so-lieu-bao-cao/<str:batch>/xoa/",
        history_views.delete,
        name="history_delete",
    ),
    path("", include("danchu.reporting.review_urls")),
    path("", include("danchu.reporting.steering_urls")),
]
