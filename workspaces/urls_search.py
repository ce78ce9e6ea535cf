"""URLs of the workspaces: search."""

urlpatterns = []
