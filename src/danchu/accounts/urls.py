"""Sign-in URLs, under /tai-khoan/ (Vietnamese paths, English names)."""

from django.urls import path

from danchu.accounts import views

__all__ = ["app_name", "urlpatterns"]

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("xac-thuc/", views.otp_verify_view, name="otp"),
    path("xac-thuc/cai-dat/", views.otp_setup_view, name="otp_setup"),
    path("phieu/", views.slip_login_view, name="slip"),
    path("phieu/<str:code>/", views.slip_login_view, name="slip_code"),
    path("dien-thoai/", views.phone_start_view, name="phone"),
    path("dien-thoai/ma/", views.phone_verify_view, name="phone_verify"),
    path("mat-khau/", views.password_change_view, name="password"),
    path("phieu-in/<int:user_id>/", views.slip_print_view, name="slip_print"),
    path(
        "phieu-in/nhan-khau/<int:resident_id>/",
        views.slip_print_resident_view,
        name="slip_print_resident",
    ),
]
