"""URLs of contribution campaigns: the public ledger (/xa/…/dan-lam/) and the officials' books
and receipt slips (/quan-ly/dan-lam/…)."""

from django.urls import URLPattern, URLResolver, path

from danchu.contributions import backoffice_views as bo
from danchu.contributions import views

app_name = "contributions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("xa/<str:code>/dan-lam/", views.public_list, name="public_list"),
    path("xa/<str:code>/dan-lam/<int:pk>/", views.public_ledger, name="public_ledger"),
    path("quan-ly/xa/<str:code>/dan-lam/", bo.campaign_list, name="bo_list"),
    path("quan-ly/dan-lam/<int:pk>/", bo.campaign_books, name="bo_books"),
    path("quan-ly/dan-lam/<int:pk>/ket-thuc/", bo.campaign_close, name="bo_close"),
    path("quan-ly/dan-lam/bien-nhan/<int:pk>/huy/", bo.receipt_cancel, name="bo_cancel"),
    path("quan-ly/dan-lam/<int:pk>/so-sach.xlsx", views.books_export, name="books_export"),
    path("quan-ly/dan-lam/bien-nhan/<int:pk>.pdf", views.receipt_slip, name="receipt_slip"),
]
