"""The core app: accounts, organizations, notifications, audit, site pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntranetConfig(AppConfig):
    name = "intranet"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intranet import signal_handlers  # noqa: F401
