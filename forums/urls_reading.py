"""To be written."""

urlpatterns = []
