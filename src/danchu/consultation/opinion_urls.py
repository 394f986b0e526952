"""URLs of consultations: public pages (/xa/…/y-kien/), the reference lookup, a resident's own
opinions, and the back office (/quan-ly/…/y-kien/)."""

from django.urls import URLPattern, URLResolver, path

from danchu.consultation import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("xa/<str:code>/y-kien/", views.public_list, name="consultation_public_list"),
    path("xa/<str:code>/y-kien/<int:pk>/", views.public_detail, name="consultation_public_detail"),
    path(
        "xa/<str:code>/y-kien/<int:pk>/tong-hop.docx",
        views.synthesis_document,
        name="consultation_synthesis_docx",
    ),
    path("y-kien/tra-cuu/", views.lookup, name="consultation_lookup"),
    path("y-kien/cua-toi/", views.my_opinions, name="consultation_my_opinions"),
    path("quan-ly/xa/<str:code>/y-kien/", views.bo_list, name="consultation_bo_list"),
    path("quan-ly/xa/<str:code>/y-kien/moi/", views.bo_create, name="consultation_bo_create"),
    path("quan-ly/y-kien/<int:pk>/", views.bo_detail, name="consultation_bo_detail"),
    path("quan-ly/y-kien/<int:pk>/nhap/", views.bo_enter, name="consultation_bo_enter"),
    path("quan-ly/y-kien/<int:pk>/nhom/", views.bo_group, name="consultation_bo_group"),
    path(
        "quan-ly/y-kien/<int:pk>/nhom/<int:group_id>/tra-loi/",
        views.bo_answer,
        name="consultation_bo_answer",
    ),
    path("quan-ly/y-kien/<int:pk>/quyet-dinh/", views.bo_decision, name="consultation_bo_decision"),
    path(
        "quan-ly/y-kien/<int:pk>/cong-dan/", views.bo_affected_add, name="consultation_bo_affected"
    ),
    path(
        "quan-ly/y-kien/<int:pk>/cong-dan/<int:citizen_id>/",
        views.bo_affected_views,
        name="consultation_bo_affected_views",
    ),
    path("quan-ly/y-kien/<int:pk>/<slug:action>/", views.bo_action, name="consultation_bo_action"),
]
