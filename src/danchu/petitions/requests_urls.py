"""URLs of citizens' requests: public filing and tracking, and the back office."""

from django.urls import URLPattern, URLResolver, path

from danchu.petitions import backoffice_views as bo
from danchu.petitions import public_views as pub

urlpatterns: list[URLPattern | URLResolver] = [
    path("xa/<str:code>/phan-anh/gui/", pub.file_request, name="file"),
    path("xa/<str:code>/phan-anh/dung-han/", pub.on_time, name="on_time"),
    path("phan-anh/tra-cuu/", pub.track_lookup, name="track_lookup"),
    path("phan-anh/<str:code>/", pub.track, name="track"),
    path("phan-anh/<str:code>/danh-gia/", pub.rate, name="rate"),
    path("phan-anh/<str:code>/mo-lai/", pub.reopen, name="reopen"),
    path("quan-ly/xa/<str:code>/phan-anh/", bo.queue, name="bo_queue"),
    path("quan-ly/xa/<str:code>/phan-anh/xuat.csv", bo.export_csv, name="bo_export"),
    path("quan-ly/xa/<str:code>/phan-anh/nhap/", bo.key_in, name="bo_key_in"),
    path("quan-ly/phan-anh/<int:pk>/", bo.request_detail, name="bo_detail"),
    path("quan-ly/phan-anh/<int:pk>/nguoi-gui/", bo.identity_view, name="bo_identity"),
    path("quan-ly/phan-anh/<int:pk>/tep/", bo.attachment_upload, name="bo_attachment_add"),
    path("quan-ly/phan-anh/tep/<int:attachment_id>/", bo.attachment_download, name="bo_attachment"),
    path("quan-ly/phan-anh/<int:pk>/<str:step>/", bo.handle, name="bo_handle"),
]
