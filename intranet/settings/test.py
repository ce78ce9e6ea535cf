"""Test settings: fast hashing, tasks run immediately, index and media in a temporary folder."""

import base64
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import DATABASE_URL, HAYSTACK_CONNECTIONS, REDIS_URL

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
_TMP = Path(tempfile.mkdtemp(prefix="intranet-test-"))
MEDIA_ROOT = _TMP / "media"
STATIC_ROOT = _TMP / "static"
if "PATH" in HAYSTACK_CONNECTIONS["default"]:
    HAYSTACK_CONNECTIONS["default"]["PATH"] = str(_TMP / "whoosh_index")
if DATABASE_URL:
    # Threads (Channels' database_sync_to_async, the live server) must not keep connections
    # open past their work, or the test database cannot be dropped at the end.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
else:
    # A file, not SQLite's shared in-memory database: the browser tests' live server thread
    # and the test itself then wait for each other's locks instead of failing at once.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_TMP / "test.sqlite3"),
            # As in production (base.py): a write transaction takes the lock when it begins, so two of them
            # wait for each other instead of failing with "database is locked" when one upgrades its read lock.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            "TEST": {"NAME": str(_TMP / "test-run.sqlite3")},
        }
    }
WHITENOISE_AUTOREFRESH = True
# Sealed bids: a master key of this run only (tests of the key's absence or rotation set their own).
SEALING_MASTER_KEY_FILE = _TMP / "keys" / "master.key"
SEALING_MASTER_KEY_FILE.parent.mkdir(mode=0o700)
SEALING_MASTER_KEY_FILE.write_text(base64.b64encode(os.urandom(32)).decode("ascii") + "\n")
SEALING_MASTER_KEY_FILE.chmod(0o600)
# Redis, when given, is shared with other runs: keep our keys apart.
if REDIS_URL:
    # Under pytest-xdist each worker (gw0, gw1, ...) gets a Redis database of its own, two after REDIS_URL's
    # (db 1 is the chat benchmark's): tests call cache.clear(), which flushes the whole database, the other
    # worker's rate-limit counters included. A serial run keeps REDIS_URL's database. Server processes a test
    # starts inherit PYTEST_XDIST_WORKER, and so the same database.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if _worker:
        _url = urlsplit(REDIS_URL)
        _db = int(_url.path.strip("/") or 0) + 2 + int(_worker.removeprefix("gw"))
        _worker_url = urlunsplit(_url._replace(path=f"/{_db}"))
        CACHES["default"]["LOCATION"] = _worker_url  # noqa: F405
        CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = _worker_url  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
    # Channel groups are named after user ids, which every test database reuses: keep runs apart.
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"test-{os.getpid()}"  # noqa: F405

# Other apps' demo tests run seed_demo whole: 20 notices still cover every status (tests/procurement
# seeds its own counts).
PROCUREMENT_DEMO_NOTICES = 20
