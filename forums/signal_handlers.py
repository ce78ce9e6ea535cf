"""Signal handlers of the forums (connected in ForumsConfig.ready)."""

# A post saved or deleted re-indexes its topic (the receivers live with the forum's search code).
from forums import search_hooks  # noqa: F401
