"""Root URLs: the public site and back office (web), sign-in (accounts), the API."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("danchu.accounts.urls")),
    path("api/v1/", include("danchu.api.urls")),
    path("", include("danchu.disclosure.urls")),
    path("", include("danchu.decisions.urls")),
    path("", include("danchu.petitions.urls")),
    path("", include("danchu.contributions.urls")),
    path("", include("danchu.oversight.urls")),
    path("", include("danchu.consultation.urls")),
    path("", include("danchu.reporting.urls")),
    path("", include("danchu.web.urls")),
]

# Vietnamese error pages (they render without touching the database where possible).
handler403 = "danchu.web.views.handler403"
handler404 = "danchu.web.views.handler404"
handler500 = "danchu.web.views.handler500"
