"""The composition root's URLs: the core's pages, the apps', Wagtail last."""

from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("langue/", set_language, name="set_language"),
    path("", include("intranet.urls_core")),
    path("savoir/", include("knowledge.urls")),
    path("forums/", include("forums.urls")),
    path("avis/", include("procurement.urls")),
    path("donnees/", include("procurement.urls_opendata")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
