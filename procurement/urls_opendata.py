"""Open data (/donnees/...): OCDS release packages."""

from django.urls import path

from intranet.page_cache import shared
from procurement import views_opendata

app_name = "opendata"

urlpatterns = [
    # The same open data for everyone: kept in the page cache for logged-in people too.
    path("ocds/releases.json", shared(views_opendata.ReleasePackageListView.as_view()), name="releases"),
    path(
        "ocds/avis/<int:notice_id>.json",
        shared(views_opendata.NoticeReleasePackageView.as_view()),
        name="notice_releases",
    ),
]
