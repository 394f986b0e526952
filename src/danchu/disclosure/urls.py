"""URLs of the disclosure register: public pages (/xa/…/cong-khai/), residents' requests for
information, and the back office (/quan-ly/…/cong-khai/)."""

from django.urls import path

from danchu.disclosure import backoffice_views as bo
from danchu.disclosure import public_views as pub

app_name = "disclosure"
urlpatterns = [
    # Public: no sign-in (Law 10/2022 Art. 11–13: the website is a channel for every content).
    path("xa/<str:code>/cong-khai/", pub.public_list, name="public_list"),
    path("xa/<str:code>/cong-khai/feed.atom", pub.public_feed, name="public_feed"),
    path("xa/<str:code>/cong-khai/<int:pk>/", pub.public_detail, name="public_detail"),
    path(
        "xa/<str:code>/cong-khai/<int:pk>/phien-ban/<int:number>/",
        pub.public_version,
        name="public_version",
    ),
    path(
        "xa/<str:code>/cong-khai/<int:pk>/thong-bao.pdf",
        pub.public_notice_pdf,
        name="public_notice_pdf",
    ),
    path("cong-khai/tep/<int:attachment_id>/", pub.attachment_download, name="attachment"),
    # Residents ask for information (Art. 14) and follow their requests.
    path("xa/<str:code>/yeu-cau-thong-tin/moi/", bo.request_create, name="request_create"),
    path("yeu-cau-thong-tin/", bo.my_requests, name="my_requests"),
    path("yeu-cau-thong-tin/<int:pk>/", bo.request_detail, name="request_detail"),
    # Back office.
    path("quan-ly/xa/<str:code>/cong-khai/", bo.disclosure_list, name="bo_list"),
    path("quan-ly/xa/<str:code>/cong-khai/moi/", bo.disclosure_create, name="bo_create"),
    path("quan-ly/cong-khai/<int:pk>/", bo.disclosure_detail, name="bo_detail"),
    path("quan-ly/cong-khai/<int:pk>/sua/", bo.disclosure_edit, name="bo_edit"),
    path("quan-ly/cong-khai/<int:pk>/dang/", bo.disclosure_publish, name="bo_publish"),
    path("quan-ly/cong-khai/<int:pk>/thu-hoi/", bo.disclosure_withdraw, name="bo_withdraw"),
    path("quan-ly/cong-khai/<int:pk>/tep/", bo.attachment_add, name="bo_attachment_add"),
    path(
        "quan-ly/cong-khai/tep/<int:attachment_id>/xoa/",
        bo.attachment_remove,
        name="bo_attachment_remove",
    ),
    path("quan-ly/cong-khai/<int:pk>/ghi-nhan/", bo.record_add, name="bo_record_add"),
    path(
        "quan-ly/cong-khai/ghi-nhan/<int:record_id>/ket-thuc/",
        bo.record_end,
        name="bo_record_end",
    ),
    path(
        "quan-ly/xa/<str:code>/cong-khai/thon/<int:village_id>/",
        bo.village_register,
        name="bo_village_register",
    ),
    path(
        "quan-ly/xa/<str:code>/cong-khai/so-theo-doi/",
        bo.quarterly_register,
        name="bo_quarterly",
    ),
    path(
        "quan-ly/xa/<str:code>/cong-khai/so-theo-doi.<str:fmt>",
        bo.quarterly_register_download,
        name="bo_quarterly_download",
    ),
    path("quan-ly/xa/<str:code>/yeu-cau-thong-tin/", bo.request_list, name="bo_requests"),
    path("quan-ly/yeu-cau-thong-tin/<int:pk>/", bo.request_answer, name="bo_request_answer"),
]
