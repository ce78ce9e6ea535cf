from django.apps import AppConfig


class SearchCommandsConfig(AppConfig):
    """haystack's `update_index` (and so `rebuild_index`) with a progress bar: first in INSTALLED_APPS, so that its
    command wins over haystack's and Wagtail's of the same name."""

    name = "intranet.search_commands"
    label = "search_commands"
    verbose_name = "Search index commands"
