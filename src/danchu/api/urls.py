from django.urls import path

from danchu.api.main import api

urlpatterns = [path("", api.urls)]
