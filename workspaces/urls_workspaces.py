"""URLs of the workspaces: workspaces."""

urlpatterns = []
