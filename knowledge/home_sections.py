"""The home page's "Latest guides" section: the guides the visitor may read, newest first."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from knowledge import reading

HOME_GUIDES = 5


@hooks.register("register_home_section")
def latest_guides_section(request):
    guides = list(reading.latest_guides(request.user, limit=HOME_GUIDES))
    return {
        "title": _("Latest guides"),
        "template": "knowledge/includes/home_latest_guides.html",
        "context": {"latest_guides": guides},
        "order": 30,
    }
