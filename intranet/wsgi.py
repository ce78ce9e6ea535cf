"""WSGI entry point (management tooling; the site is served over ASGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.dev")
application = get_wsgi_application()
