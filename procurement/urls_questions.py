"""URLs: urls_questions (filled by its feature)."""

urlpatterns = []
