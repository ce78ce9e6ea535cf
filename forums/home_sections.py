"""The home page's "Active discussions" section: the most recently active topics the visitor may read."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from forums import access, reading


@hooks.register("register_home_section")
def active_discussions_section(request):
    """The same for everyone who may read the same categories: kept per content generation for them."""
    user = request.user
    return {
        "title": _("Active discussions"),
        "template": "forums/includes/home_active_discussions.html",
        "vary": tuple(sorted(access.readable_category_ids(user))),
        "context": lambda: {"active_topics": reading.active_topics(user)},
        "order": 40,
    }
