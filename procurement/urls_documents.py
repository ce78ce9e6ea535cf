"""URLs: urls_documents (filled by its feature)."""

urlpatterns = []
