"""Pages of the opinion map of a consultation."""

from django.urls import URLPattern, URLResolver, path

from danchu.consultation import map_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("xa/<str:code>/lay-y-kien/<int:pk>/ban-do/", map_views.map_page, name="map_page"),
    path(
        "xa/<str:code>/lay-y-kien/<int:pk>/ban-do/de-xuat/",
        map_views.map_propose,
        name="map_propose",
    ),
    path(
        "xa/<str:code>/lay-y-kien/<int:pk>/ban-do/y-kien/<int:statement_pk>/",
        map_views.map_vote,
        name="map_vote",
    ),
]
