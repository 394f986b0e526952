"""Public and back-office pages of citizens' requests."""

from danchu.petitions.community_urls import urlpatterns as community_urlpatterns
from danchu.petitions.requests_urls import urlpatterns as requests_urlpatterns

app_name = "petitions"
urlpatterns = [*requests_urlpatterns, *community_urlpatterns]
