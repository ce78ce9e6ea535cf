"""Notification.event_key: one notification per person and event (answer, amendment, deadline...)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intranet", "0009_body_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="event_key",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("event_key", ""), _negated=True),
                fields=("recipient", "event_key"),
                name="intranet_notification_once_per_event",
            ),
        ),
    ]
