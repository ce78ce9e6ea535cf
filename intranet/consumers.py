"""Live bell counter: pushes the unread count to a logged-in person's open pages."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from intranet.notifications import unread_count
from intranet.realtime import user_group


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_count()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notification_new(self, event):
        await self.send_count()

    async def notification_read(self, event):
        await self.send_count()

    async def send_count(self):
        count = await database_sync_to_async(unread_count)(self.scope["user"])
        await self.send_json({"type": "notification.count", "unread": count})
