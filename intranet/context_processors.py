"""Values every template needs: the platform's name, footer links, the bell counter, the menu's badges."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from wagtail import hooks

from intranet import page_cache
from intranet.models import StandardPage
from intranet.notifications import unread_count


def header_badges(request) -> list[dict]:
    """The badges of the main menu's entries, from the apps' `register_header_badge` hooks: each is a function
    `(request) -> dict | None` whose dict holds `url` (the menu entry's address), `count` and `label` (the
    words read by screen readers, e.g. "3 unread messages"). Badges with no count are left out."""
    badges = []
    for hook in hooks.get_hooks("register_header_badge"):
        badge = hook(request)
        if badge and badge.get("count"):
            badges.append(badge)
    return badges


def platform(request):
    user = getattr(request, "user", None)

    def footer_pages():
        return list(
            StandardPage.objects.live()
            .exclude(footer_role="")
            .only("id", "title", "url_path", "footer_role")
            .order_by("footer_role")
        )

    return {
        "SITE_NAME": settings.SITE_NAME,
        "footer_pages": footer_pages,
        # The content's generation (intranet/page_cache.py), as of when a template first uses it (after the view's
        # own writes): fragments cached for every reader vary on it, so no one gets a fragment older than a write.
        "content_generation": SimpleLazyObject(lambda: page_cache.request_generation(request)),
        "unread_notifications": (lambda: unread_count(user)) if user is not None else 0,
        # Lazy: computed only when a template uses it (the header, once, through {% with %}).
        "header_badges": (lambda: header_badges(request)) if user is not None else list,
    }
