"""The procurement app: calls for tender, consultation documents, questions, alerts, open data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from procurement import bid_uploads, checks, signal_handlers  # noqa: F401

        bid_uploads.register()
