"""Wagtail hooks of the procurement app, one module per feature (each registers its own)."""

from procurement import admin_notices, personal_data, wagtail_hooks_demo, wagtail_hooks_finding  # noqa: F401
