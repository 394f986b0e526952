"""URLs of the public site and the back office (/xa/ commune, /quan-ly/ manage)."""

from django.urls import path

from danchu.web import views
from danchu.web.views import calendar as calendar_views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("xa/<str:code>/", views.commune_home, name="commune_home"),
    path("ho-cua-toi/", views.my_household, name="my_household"),
    path("quan-ly/", views.dashboard, name="backoffice"),
    path("quan-ly/xa/<str:code>/thon/", views.villages, name="villages"),
    path("quan-ly/xa/<str:code>/thon/<int:village_id>/", views.village_edit, name="village_edit"),
    path("quan-ly/xa/<str:code>/ho/", views.households, name="households"),
    path(
        "quan-ly/xa/<str:code>/ho/<int:household_id>/",
        views.household_detail,
        name="household_detail",
    ),
    path("quan-ly/xa/<str:code>/nhap-ho/", views.import_upload, name="import_upload"),
    path("quan-ly/nhap-ho/<int:pk>/", views.import_status, name="import_status"),
    path("quan-ly/xa/<str:code>/nhat-ky/", views.audit, name="audit"),
    path(
        "quan-ly/xa/<str:code>/lich-lam-viec/",
        calendar_views.working_calendar,
        name="working_calendar",
    ),
]
