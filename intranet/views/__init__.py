"""Views of the core: thin, they parse the request, call access and actions, and render."""
