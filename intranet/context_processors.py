"""Values every template needs: the platform's name, footer links, the bell counter."""

from django.conf import settings

from intranet.models import StandardPage
from intranet.notifications import unread_count


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
        "unread_notifications": (lambda: unread_count(user)) if user is not None else 0,
    }
