"""URLs of the workspaces: chat."""

urlpatterns = []
