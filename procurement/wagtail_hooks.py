"""Wagtail hooks of the procurement app, one module per feature (each registers its own)."""
