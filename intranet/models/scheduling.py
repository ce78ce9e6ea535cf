"""When each periodic job last ran, so that it runs once per period across workers."""

from django.db import models


class ScheduledRun(models.Model):
    """The last period (a date or hour key) for which a periodic job was enqueued."""

    name = models.CharField(max_length=100, unique=True)
    last_period = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.name}: {self.last_period}"
