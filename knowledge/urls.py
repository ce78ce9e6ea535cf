"""URLs of readers' actions on guides (the guides themselves are Wagtail pages)."""

app_name = "knowledge"
urlpatterns = []
