"""URLs of the steering reports: public dashboards (/xa/…/chi-dao/, /tinh/…/chi-dao/) and the
back office (/quan-ly/chi-dao/…)."""

from django.urls import URLPattern, URLResolver, path

from danchu.reporting import history_views

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = []

# Historical figures (số liệu báo cáo gửi lên bằng Excel).
urlpatterns += [
    path("quan-ly/so-lieu-bao-cao/", history_views.upload, name="history_upload"),
    path("quan-ly/so-lieu-bao-cao/mau.xlsx", history_views.template, name="history_template"),
    path(
        "quan-ly/so-lieu-bao-cao/<str:batch>/xoa/",
        history_views.delete,
        name="history_delete",
    ),
]
