"""URLs of the review reports (back office). No ``app_name``: the lead includes these in the
"reporting" namespace."""

from django.urls import URLPattern, URLResolver, path, re_path

from danchu.reporting import review_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(
        r"^quan-ly/(?P<level>xa|tinh)/(?P<code>[0-9A-Za-z]{1,10})/bao-cao-so-ket/$",
        views.review_list,
        name="review_list",
    ),
    re_path(
        r"^quan-ly/(?P<level>xa|tinh)/(?P<code>[0-9A-Za-z]{1,10})/bao-cao-so-ket/moi/$",
        views.review_create,
        name="review_create",
    ),
    path("quan-ly/bao-cao-so-ket/<int:pk>/", views.review_detail, name="review_detail"),
    path("quan-ly/bao-cao-so-ket/<int:pk>/sua/", views.review_edit, name="review_edit"),
    path(
        "quan-ly/bao-cao-so-ket/<int:pk>/cap-nhat-so-lieu/",
        views.review_refresh,
        name="review_refresh",
    ),
    path("quan-ly/bao-cao-so-ket/<int:pk>/ban-hanh/", views.review_issue, name="review_issue"),
    re_path(
        r"^quan-ly/bao-cao-so-ket/(?P<pk>[0-9]+)/bao-cao\.(?P<ext>docx|pdf)$",
        views.review_document,
        name="review_document",
    ),
]
