"""Receivers of the workspaces app (imported by WorkspacesConfig.ready)."""

# The search re-index receivers, connected at start-up (not only once Wagtail first looks for hooks).
from workspaces import search_hooks  # noqa: F401
