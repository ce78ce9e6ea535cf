"""Wagtail hooks of the knowledge base, one module per feature (each registers its own)."""

from knowledge import admin_views, demo, home_sections, reminders, search_hooks, training  # noqa: F401
