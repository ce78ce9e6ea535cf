"""URLs of awards (under /avis/)."""

urlpatterns = []
