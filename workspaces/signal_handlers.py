"""Receivers of the workspaces app (imported by WorkspacesConfig.ready)."""
