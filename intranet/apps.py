"""The core app: accounts, organizations, notifications, audit, site pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntranetConfig(AppConfig):
    name = "intranet"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intranet import page_cache, signal_handlers  # noqa: F401

        page_cache.connect()
