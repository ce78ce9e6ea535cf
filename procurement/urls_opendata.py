"""Open data (/donnees/...): OCDS release packages."""

app_name = "opendata"

urlpatterns = []
