"""WebSocket routes of the workspaces, added to the core's in intranet/asgi.py."""

websocket_urlpatterns = []
