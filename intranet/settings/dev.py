"""Local development: the embedded default (SQLite, in-memory layer, Whoosh, console e-mail)."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

# The site as visitors get it (its own French error pages) unless a developer asks for Django's debug pages,
# which list every URL and setting: `DJANGO_DEBUG=1 make run`.
DEBUG = os.environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105
# Local addresses, plus those `runsite` adds for the host it serves on (`make run HOST=...`), comma-separated.
ALLOWED_HOSTS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "testserver",
    *(host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()),
]
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]
# Static files come from the apps' folders through WhiteNoise (WHITENOISE_USE_FINDERS), DEBUG or not,
# without collectstatic; an edited stylesheet is served at once.
WHITENOISE_AUTOREFRESH = True
# Wagtail's images from MEDIA_ROOT (see intranet/urls.py); a proxy serves them in production.
SERVE_PUBLIC_IMAGES = True
VAR_DIR.mkdir(parents=True, exist_ok=True)
