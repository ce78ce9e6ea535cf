"""The exchanges app: acts sent by member bodies for legality control, and what the prefecture answers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Exchanges with the State")
    default_auto_field = "django.db.models.BigAutoField"
