"""Wagtail hooks of the workspaces, one module per feature (each registers its own). Add a module with one
line, in alphabetical order."""

from workspaces import (  # noqa: F401  imported for their @hooks.register
    demo,  # demo content
    home_sections,  # home section, profile section, header badge
    personal_data,  # RGPD export and account closure
    search_hooks,  # search filter
)
