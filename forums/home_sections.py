"""The home page's "Active discussions" section: the most recently active topics the visitor may read."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from forums import reading


@hooks.register("register_home_section")
def active_discussions_section(request):
    return {
        "title": _("Active discussions"),
        "template": "forums/includes/home_active_discussions.html",
        "context": {"active_topics": reading.active_topics(request.user)},
        "order": 40,
    }
