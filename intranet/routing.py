"""WebSocket routes of the core; apps add theirs in intranet/asgi.py."""

from django.urls import path

from intranet.consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
]
