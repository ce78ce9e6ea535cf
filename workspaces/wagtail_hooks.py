"""Wagtail hooks of the workspaces, one module per feature (each registers its own)."""
