"""Notice page context for this feature."""


def page_context(request, notice) -> dict:
    return {}
