from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspacesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workspaces"
    verbose_name = _("Workspaces")

    def ready(self):
        from workspaces import signal_handlers  # noqa: F401
