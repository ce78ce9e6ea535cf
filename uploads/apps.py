"""Resumable uploads: a tus 1.0 server whose bytes go to a sink chosen by the upload's purpose."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = _("Resumable uploads")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from uploads import tasks  # noqa: F401 (registers the periodic cleanup, in the worker too)
