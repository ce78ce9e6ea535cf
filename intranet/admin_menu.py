"""The admin's help menu without Wagtail's links to its own English website."""

from wagtail import hooks

# "What's new in Wagtail 8.0" and the "Editor Guide" open Wagtail's website, in English, and count as new
# items on the Help menu, announced as "(2 nouvel élément dans ce menu)". The keyboard shortcuts stay.
WAGTAIL_WEBSITE_ITEMS = ("whats-new-in-wagtail-", "editor-guide")


@hooks.register("construct_help_menu")
def remove_links_to_wagtail_website(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_WEBSITE_ITEMS)]
