"""Open data (/donnees/...): OCDS release packages."""

from django.urls import path

from procurement import views_opendata

app_name = "opendata"

urlpatterns = [
    path("ocds/releases.json", views_opendata.ReleasePackageListView.as_view(), name="releases"),
    path(
        "ocds/avis/<int:notice_id>.json",
        views_opendata.NoticeReleasePackageView.as_view(),
        name="notice_releases",
    ),
]
