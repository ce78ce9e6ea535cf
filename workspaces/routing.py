"""WebSocket routes of the workspaces, added to the core's in intranet/asgi.py."""

from django.urls import path

from workspaces.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/espaces/canal/<int:channel_id>/", ChatConsumer.as_asgi()),
]
