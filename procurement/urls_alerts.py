"""URLs: urls_alerts (filled by its feature)."""

urlpatterns = []
