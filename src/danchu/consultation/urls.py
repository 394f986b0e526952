"""Pages of consultations."""

from danchu.consultation.map_urls import urlpatterns as map_urlpatterns
from danchu.consultation.opinion_urls import urlpatterns as opinion_urlpatterns

app_name = "consultation"

urlpatterns = [*opinion_urlpatterns, *map_urlpatterns]
