"""The home page's "Latest calls for tender" section: the newest open notices and a link to the list."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from procurement import access
from procurement.models import NoticeIndexPage, Status, status_q

HOME_NOTICES = 5


def latest_open_notices(limit: int = HOME_NOTICES) -> list:
    now = timezone.now()
    return list(
        access.visible_notices()
        .filter(status_q(Status.PUBLISHED, now) | status_q(Status.QUESTIONS_CLOSED, now))
        .select_related("buyer")
        .order_by("-first_published_at", "-pk")[:limit]
    )


@hooks.register("register_home_section")
def latest_notices_section(request):
    return {
        "title": _("Latest calls for tender"),
        "template": "procurement/includes/home_section.html",
        "context": {
            "latest_notices": latest_open_notices(),
            "notice_index": NoticeIndexPage.objects.live().first(),
            "now": timezone.now(),
        },
        "order": 20,
    }
