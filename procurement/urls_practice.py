"""URLs of practice (under /avis/): the practice consultation's stable address, its opened test bids' files."""

from django.urls import path

from procurement import views_practice

urlpatterns = [
    path("entrainement/", views_practice.practice_redirect, name="practice"),
    path(
        "entrainement/fichiers/<int:file_id>/",
        views_practice.PracticeBidFileView.as_view(),
        name="practice_bid_file",
    ),
]
