"""Wagtail hooks of the forums, one module per feature (each registers its own)."""

from forums import admin_views, demo, home_sections, notifications, search_hooks  # noqa: F401
