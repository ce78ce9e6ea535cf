"""URLs of practice (under /avis/)."""

urlpatterns = []
