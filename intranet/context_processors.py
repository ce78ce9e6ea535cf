"""Values every template needs: the platform's name, footer links, the bell counter, the menu's badges."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from wagtail import hooks

from intranet import access, page_cache
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


def person_header(request) -> dict:
    """What the header shows of the logged-in person: the bell's count of unread notifications, the menu's badges,
    whether the account menu lists their organization's notices, group purchases and exchanges (a member of a
    member body), the organizations whose members they manage, and the site administration's link. Asked once per
    request, and kept for that person until the content or what they see of their own changes (both generations,
    as their kept pages are: notifications and read marks are personal tables, memberships, rights and messages
    content), at most MEMBER_PAGE_CACHE_SECONDS (0: asked at every request), per language (the badges' words)."""
    user = request.user

    def compute() -> dict:
        return {
            "unread_notifications": unread_count(user),
            "badges": header_badges(request),
            "is_body_member": access.is_buyer(user),
            "administered": [
                {"pk": organization.pk, "name": organization.name}
                for organization in access.administered_organizations(user)
            ],
            "site_administration": user.is_staff or user.has_perm("wagtailadmin.access_admin"),
        }

    return page_cache.for_reader(request, "person-header", compute, settings.MEMBER_PAGE_CACHE_SECONDS, personal=True)


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
        # Lazy: computed only when a template uses it (the header, once, through {% with %}).
        "person_header": (lambda: person_header(request)) if user is not None and user.is_authenticated else dict,
    }
