"""The home page's "Latest guides" section: the guides the visitor may read, newest first."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from knowledge import reading
from knowledge.access import audiences_for

HOME_GUIDES = 5


@hooks.register("register_home_section")
def latest_guides_section(request):
    """The same for everyone who may read the same audiences' guides: kept per content generation for them."""
    user = request.user
    return {
        "title": _("Latest guides"),
        "template": "knowledge/includes/home_latest_guides.html",
        "vary": tuple(audiences_for(user)),
        "context": lambda: {"latest_guides": list(reading.latest_guides(user, limit=HOME_GUIDES))},
        "order": 30,
    }
