"""URLs of the workspaces: files."""

urlpatterns = []
