"""Stub: to be written."""
from django.views.generic import View

NotificationListView = MarkReadView = View
