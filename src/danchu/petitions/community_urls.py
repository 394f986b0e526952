"""URLs of reception days, dialogues and mediation, in the ``community`` namespace.

Public (no sign-in): /xa/<code>/tiep-cong-dan/ and /xa/<code>/doi-thoai/. Back office:
/quan-ly/xa/<code>/tiep-cong-dan/, …/doi-thoai/, …/hoa-giai/ and the pages of one row.
"""

from django.urls import URLPattern, URLResolver, include, path

from danchu.petitions import community_views as views

_patterns = [
    path("xa/<str:code>/tiep-cong-dan/", views.public_reception, name="reception"),
    path(
        "xa/<str:code>/tiep-cong-dan/dat-lich/<int:slot_id>/",
        views.public_booking,
        name="booking",
    ),
    path("xa/<str:code>/tiep-cong-dan/huy-lich/", views.public_booking_cancel, name="cancel"),
    path("xa/<str:code>/doi-thoai/", views.public_dialogues, name="dialogues"),
    path("xa/<str:code>/doi-thoai/<int:pk>/hoi/", views.public_question_ask, name="ask"),
    path(
        "xa/<str:code>/doi-thoai/cau-hoi/<int:pk>/ung-ho/",
        views.public_question_support,
        name="support",
    ),
    path("quan-ly/xa/<str:code>/tiep-cong-dan/", views.bo_reception, name="bo_reception"),
    path("quan-ly/tiep-cong-dan/<int:pk>/", views.bo_reception_day, name="bo_reception_day"),
    path("quan-ly/xa/<str:code>/doi-thoai/", views.bo_dialogues, name="bo_dialogues"),
    path("quan-ly/doi-thoai/<int:pk>/", views.bo_dialogue, name="bo_dialogue"),
    path("quan-ly/xa/<str:code>/hoa-giai/", views.bo_mediation, name="bo_mediation"),
    path("quan-ly/hoa-giai/<int:pk>/", views.bo_case, name="bo_case"),
]

urlpatterns: list[URLPattern | URLResolver] = [path("", include((_patterns, "community")))]
