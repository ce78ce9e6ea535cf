"""In-app notifications, also sent by e-mail according to each person's preference."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something that happened that one person should know about."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A machine-readable kind ("membership.requested"), used for grouping and filtering.
    verb = models.CharField(_("type"), max_length=64)
    # The sentence shown to the recipient, written in their interface language.
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # A one-click link that stops this kind of notification without logging in (forums...).
    unsubscribe_url = models.CharField(_("unsubscribe link"), max_length=500, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)
    # When the e-mail channel handled it (sent, put in a digest, or skipped by preference).
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What happened, once ("procurement.answer:42"): a person is told of one event once, however many
    # times it is notified (a retried job, two workers). Empty: no such rule (each call is its own event).
    event_key = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["emailed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"],
                condition=~models.Q(event_key=""),
                name="intranet_notification_once_per_event",
            ),
        ]

    def __str__(self):
        return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
