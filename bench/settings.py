"""Benchmark settings: the embedded default with DEBUG off, plus a minimal view to measure the stack's ceiling."""

import os

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

# bench/chat.py: 10 people send 10 messages/s each for 12 s and more; the chat's rate limit per person would refuse
# most of them (the limit itself is tested in tests/workspaces).
WORKSPACES_CHAT_RATE = (1_000_000, 1)
# bench/chat.py --capacity N tries another channel layer capacity; its Redis keys get their own prefix.
if os.environ.get("BENCH_CHANNEL_CAPACITY"):
    CHANNEL_LAYERS["default"].setdefault("CONFIG", {})["capacity"] = int(os.environ["BENCH_CHANNEL_CAPACITY"])  # noqa: F405
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "bench-chat"  # noqa: F405
