"""Content-Security-Policy: strict on the public site, relaxed for Wagtail's admin only."""

from csp.middleware import CSPMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

ADMIN_PREFIX = "/admin/"


class SiteCSPMiddleware(CSPMiddleware):
    """No inline script anywhere on the site. Wagtail 8's admin still writes a few inline
    scripts (date and date-time choosers); the admin is reached by logged-in staff only,
    so it alone may run inline scripts, rather than losing its date pickers."""

    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PREFIX) and not hasattr(response, "_csp_update"):
            response._csp_update = {"script-src": ["'unsafe-inline'"]}
        return super().process_response(request, response)


class ProxiedRemoteAddrMiddleware:
    """Behind NUM_PROXIES trusted reverse proxies, take the client address they saw.

    nginx appends the address it received the request from to X-Forwarded-For, so the
    entry NUM_PROXIES from the right is the one no client can forge. Login throttling
    (django-axes) and the audit log both read REMOTE_ADDR afterwards."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.num_proxies = int(getattr(settings, "NUM_PROXIES", 0))

    def __call__(self, request):
        if self.num_proxies:
            hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
            if len(hops) >= self.num_proxies:
                request.META["REMOTE_ADDR"] = hops[-self.num_proxies]
        return self.get_response(request)


def axes_username(request, credentials) -> str:
    """The login as django-axes counts it: case-insensitive, like the login itself."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the person chose another language with the switcher (the cookie).

    The browser's Accept-Language is deliberately ignored: the platform's users are French
    public servants and companies whose browsers are often set to English by default."""

    def process_request(self, request):
        from django.conf import settings

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
