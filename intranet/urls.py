"""The composition root's URLs: the core's pages, the apps', Wagtail last."""

import re

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, re_path, reverse
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.account import LoginView as WagtailLoginView
from wagtail.documents import urls as wagtaildocs_urls

from intranet import admin_pages, wagtail_serve

wagtail_login = WagtailLoginView.as_view()


def admin_login(request):
    """The admin is entered through the site's login page: one page, in French, throttled and audited.

    Someone already logged in without admin access keeps Wagtail's page, which says so: sending them to the
    site's login page would send them straight back to the admin, and round again."""
    if request.user.is_authenticated:
        return wagtail_login(request)
    return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("wagtailadmin_home"))


urlpatterns = [
    path("admin/login/", admin_login),
    # Before Wagtail's own: a pasted address of a page one may not see stays an external link.
    path("admin/choose-external-link/", admin_pages.ExternalLinkView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("langue/", set_language, name="set_language"),
    path("", include("intranet.urls_core")),
    path("savoir/", include("knowledge.urls")),
    path("forums/", include("forums.urls")),
    path("avis/", include("procurement.urls")),
    path("groupements/", include("procurement.urls_groups")),
    path("donnees/", include("procurement.urls_opendata")),
    path("espaces/", include("workspaces.urls")),
    path("televersements/", include("uploads.urls")),
    path("echanges/", include("exchanges.urls")),
]

# Wagtail's images (originals and renditions) are public; the rest of MEDIA_ROOT (forum attachments,
# consultation documents) is served only by the views that check access. The proxy serves the images in
# production; Django does when the settings ask for it (dev settings, whatever DEBUG says).
if getattr(settings, "SERVE_PUBLIC_IMAGES", False):
    from django.views.static import serve

    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [
        re_path(
            rf"^{media_prefix}(?P<path>(?:original_images|images)/.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Wagtail's pages, through its own view with the Site kept per process and content generation
# (intranet/wagtail_serve.py); the rest of Wagtail's URLs (password-protected pages' forms) as they are.
urlpatterns += [
    re_path(wagtail_serve.SERVE_PATTERN, wagtail_serve.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
