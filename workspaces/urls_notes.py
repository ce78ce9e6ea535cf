"""URLs of the workspaces: notes."""

urlpatterns = []
