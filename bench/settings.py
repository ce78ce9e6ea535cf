"""Benchmark settings: the embedded default with DEBUG off, plus a minimal view to measure the stack's ceiling."""

from intranet.settings.dev import *  # noqa: F403

DEBUG = False
WHITENOISE_AUTOREFRESH = False  # measure static files as production serves them
ROOT_URLCONF = "bench.urls"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
