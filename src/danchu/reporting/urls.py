"""URLs of the steering reports: public dashboards (/chi-dao/, /tinh/…/chi-dao/, /xa/…/chi-dao/),
their exports and the province's open data; the review reports' and the steering part's pages
come from their own URL modules, included here in the same "reporting" namespace."""

from __future__ import annotations

import importlib

from django.urls import URLPattern, URLResolver, include, path

from danchu.reporting import dashboard_views as views

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
]

# The review reports' and the steering part's pages (other parts of the app): included once
# their modules exist, so this file works before and after they land.
for _part in ("review_urls", "steering_urls"):
    _name = f"danchu.reporting.{_part}"
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as error:
        if error.name != _name:
            raise
        continue
    urlpatterns.append(path("", include(_name)))

# Historical figures sent up as Excel (số liệu báo cáo; the roll-up part's pages), once its
# views exist.
try:
    _history = importlib.import_module("danchu.reporting.history_views")
except ModuleNotFoundError as error:
    if error.name != "danchu.reporting.history_views":
        raise
else:
    urlpatterns += [
        path("quan-ly/so-lieu-bao-cao/", _history.upload, name="history_upload"),
        path("quan-ly/so-lieu-bao-cao/mau.xlsx", _history.template, name="history_template"),
        path("quan-ly/so-lieu-bao-cao/<str:batch>/xoa/", _history.delete, name="history_delete"),
    ]
