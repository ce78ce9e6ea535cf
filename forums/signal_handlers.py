"""Signal handlers of the forums (connected in ForumsConfig.ready)."""
