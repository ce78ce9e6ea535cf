"""The procurement app's pages outside the page tree (/avis/...): each feature's URLs in its own module."""

from django.urls import include, path

app_name = "procurement"

urlpatterns = [
    path("", include("procurement.urls_documents")),
    path("", include("procurement.urls_questions")),
    path("", include("procurement.urls_alerts")),
    path("", include("procurement.urls_bids")),
    path("", include("procurement.urls_awards")),
    path("", include("procurement.urls_practice")),
]
