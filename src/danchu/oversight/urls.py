"""URLs of the oversight boards: public pages (/xa/…/giam-sat/) and the back office
(/quan-ly/…/giam-sat/)."""

from django.urls import URLPattern, URLResolver, path

from danchu.oversight import backoffice_views as bo
from danchu.oversight import board_views, public_views, work_views

app_name = "oversight"
urlpatterns: list[URLPattern | URLResolver] = [
    # Public: no sign-in.
    path("xa/<str:code>/giam-sat/", public_views.work_list, name="public_list"),
    path("xa/<str:code>/giam-sat/<int:pk>/", public_views.work_detail, name="public_detail"),
    path("xa/<str:code>/kien-nghi/", public_views.recommendations, name="recommendations"),
    path("xa/<str:code>/giam-sat/gop-y/", public_views.concern_send, name="concern"),
    # Back office.
    path("quan-ly/xa/<str:code>/giam-sat/", bo.overview, name="bo_overview"),
    path("quan-ly/xa/<str:code>/ban-thanh-tra/", board_views.inspection_board, name="bo_board"),
    path("quan-ly/xa/<str:code>/cong-trinh-giam-sat/", work_views.work_list, name="bo_works"),
    path("quan-ly/cong-trinh-giam-sat/<int:pk>/", work_views.work_detail, name="bo_work"),
    path("quan-ly/kien-nghi/<int:pk>/tra-loi/", bo.answer, name="bo_answer"),
    path("quan-ly/kien-nghi/<int:pk>/ket-thuc/", bo.close, name="bo_close"),
    path("quan-ly/y-kien/<int:pk>/tra-loi/", bo.concern_handle, name="bo_concern"),
    path("quan-ly/kiem-tra/<int:pk>/", bo.inspection, name="bo_inspection"),
    path("quan-ly/anh-kiem-tra/<int:pk>/", bo.photo, name="bo_photo"),
]
