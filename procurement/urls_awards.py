"""URLs of awards (under /avis/): the buyers' award lot by lot, after the opening."""

from django.urls import path

from procurement import views_awards

urlpatterns = [
    path("<int:notice_id>/attribution-par-lot/", views_awards.LotAwardsView.as_view(), name="lot_awards"),
]
