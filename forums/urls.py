"""URLs of the forums, one module per feature."""

from django.urls import include, path

app_name = "forums"
urlpatterns = [
    path("", include("forums.urls_reading")),
    path("", include("forums.urls_posting")),
    path("", include("forums.urls_engagement")),
    path("", include("forums.urls_moderation")),
]
