"""Content-Security-Policy: strict on the public site, relaxed for Wagtail's admin only."""

from csp.middleware import CSPMiddleware

ADMIN_PREFIX = "/admin/"


class SiteCSPMiddleware(CSPMiddleware):
    """No inline script anywhere on the site. Wagtail 8's admin still writes a few inline
    scripts (date and date-time choosers); the admin is reached by logged-in staff only,
    so it alone may run inline scripts, rather than losing its date pickers."""

    def process_response(self, request, response):
        if request.path.startswith(ADMIN_PREFIX) and not hasattr(response, "_csp_update"):
            response._csp_update = {"script-src": ["'unsafe-inline'"]}
        return super().process_response(request, response)
