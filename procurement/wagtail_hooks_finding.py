"""Hooks and signal receivers of "finding notices": search results, the home section, the CPV index."""

from procurement import cpv_index, home_sections, search_hooks  # noqa: F401 - importing registers them
