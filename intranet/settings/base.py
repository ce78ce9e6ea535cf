"""Settings shared by every environment; the embedded default needs no variable."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from intranet.settings.search_url import parse_search_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

SITE_NAME = "Marchés & Partage"
WAGTAIL_SITE_NAME = SITE_NAME

INSTALLED_APPS = [
    # Our update_index (haystack's with a progress bar) first, then haystack: both must win over Wagtail's
    # command of the same name (see ARCHITECTURE.md).
    "intranet.search_commands",
    "haystack",
    "daphne",
    "intranet",
    "knowledge",
    "forums",
    "procurement",
    "workspaces",
    "uploads",
    "exchanges",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app with our user forms (see intranet/viewsets.py).
    "intranet.admin_apps.IntranetUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "axes",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "intranet.middleware.ProxiedRemoteAddrMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "intranet.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Visitors' pages from the cache (intranet/page_cache.py): after the CSRF middleware, which sets the token
    # cookie of a page served from the cache; before everything a visitor's cached page does not need.
    "intranet.page_cache.AnonymousPageCacheMiddleware",
    # Logged-in people's pages, each kept for its own session (intranet/page_cache.py): found by the session's
    # key, served without loading the session nor the person.
    "intranet.page_cache.MemberPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "intranet.admin_pages.AdminPageGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "intranet.middleware.SiteCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "intranet.urls"
ASGI_APPLICATION = "intranet.asgi.application"
# Threads per server process that run the requests' Django code (intranet/asgi_http.py), each keeping its database
# connection between requests (CONN_MAX_AGE): at most this many requests of a process run at once, the others wait.
REQUEST_THREADS = int(os.environ.get("REQUEST_THREADS", "16"))
WSGI_APPLICATION = "intranet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intranet.context_processors.platform",
            ],
        },
    },
]

# Database: SQLite in var/ (WAL) unless DATABASE_URL names another.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Keep a thread's connection (as DATABASE_URL's get 60 s): opening one costs the PRAGMAs and Django's
            # SQL functions every time, and Channels' database_sync_to_async closes and reopens around each call
            # when connections do not persist (a third of a chat post's time in the chat benchmark).
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Realtime and cache: in memory unless REDIS_URL is set.
# Layer capacity: how many events one layer channel holds before new ones are dropped, silently (Channels'
# default: 100). A chat message is one event per group; at 100 messages/s in a channel, a reader (or, with
# channels_redis, a whole process: one Redis key each) that falls one second behind would lose events at 100.
# 1,000 gives ten seconds of slack and stays cheap: the in-memory layer's copies share the pre-encoded text,
# channels_redis keeps one copy per process, and events expire after 60 s anyway. Durability never rests on
# the layer: chat clients fetch any gap by message id (see bench/chat.py and README, "Chat benchmark").
CHANNEL_CAPACITY = 1000
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # No socket timeout on the layer's connections. redis-py 8's default (5 s) is the very time
            # channels_redis blocks in BZPOPMIN, so an idle read failed now and then and its consumer died
            # (django/channels_redis#422); and any socket timeout makes redis-py send each command through
            # asyncio.wait_for, which on Python 3.11 swallows a cancellation that arrives as the send completes
            # (CPython gh-86296, fixed in 3.12): the closed socket's receive task then loops on BZPOPMIN for
            # ever. BZPOPMIN returns within 5 s by itself; connecting keeps a timeout, dead peers are found by
            # TCP keepalive.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "socket_connect_timeout": 5,
                        "socket_keepalive": True,
                    }
                ],
                "capacity": CHANNEL_CAPACITY,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    }
    # Local memory, one per process: visitors' pages, parts of pages and each logged-in session's pages. Past
    # MAX_ENTRIES a third of the entries, the least recently used, go (Django's default, 300, is a few sessions).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}}

# Visitors' pages (no session cookie) are cached until the content changes (any committed write: see
# intranet/page_cache.py), and for at most this many seconds (what time changes: a deadline passing). 0: off.
# Search results are not kept: the worker updates the index after the commit that made a change.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 60))
PAGE_CACHE_SKIP_PREFIXES = ("/admin/", "/televersements/", "/ws/", "/bench/", "/recherche/")
# A logged-in person's pages are kept for that person only, until the content or what they see of their own (read
# marks, notifications) changes, and for at most this many seconds. 0: off. Workspaces (presence, chat) are live.
MEMBER_PAGE_CACHE_SECONDS = int(os.environ.get("MEMBER_PAGE_CACHE_SECONDS", PAGE_CACHE_SECONDS))
MEMBER_PAGE_CACHE_SKIP_PREFIXES = (*PAGE_CACHE_SKIP_PREFIXES, "/espaces/")

# The search's access keys of a reader (readable categories, workspaces, channels...) are kept this long at most, and
# only while the content's generation is the same (any write to memberships or rights makes a new one). 0: off.
SEARCH_KEYS_CACHE_SECONDS = int(os.environ.get("SEARCH_KEYS_CACHE_SECONDS", "300"))

# Search: Whoosh in var/ unless SEARCH_URL names an Elasticsearch 7 server.
SEARCH_URL = os.environ.get("SEARCH_URL", "")
if SEARCH_URL:
    HAYSTACK_CONNECTIONS = {"default": parse_search_url(SEARCH_URL, os.environ.get("SEARCH_INDEX", "intranet"))}
else:
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "intranet.search_backends.FrenchWhooshEngine",
            "PATH": str(VAR_DIR / "whoosh_index"),
        }
    }
# Web processes never write the index (Whoosh has one writer): the worker does.
HAYSTACK_SIGNAL_PROCESSOR = "intranet.search.QueuedSignalProcessor"
# Every indexed model is registered: no extra query restricting each search to the registered models (with Whoosh
# a second search over every document; a document of a model no longer indexed is dropped when read anyway).
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False

WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Background work: Django's task framework, stored in the database, run by db_worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# E-mail: console unless EMAIL_URL (smtp://user:password@host:port, smtp+tls://...) is set.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Marchés & Partage <ne-pas-repondre@marches-partage.localhost>"
)
if EMAIL_URL:
    from intranet.settings.email_url import parse_email_url

    globals().update(parse_email_url(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Accounts
AUTH_USER_MODEL = "intranet.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
INVITATION_VALID_DAYS = 7

# Login throttling: after 5 failures, the account and the address are each locked out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# "Foo@X.fr" and "foo@x.fr" are the same account: count their failures together.
AXES_USERNAME_CALLABLE = "intranet.middleware.axes_username"
# Number of trusted reverse proxies in front of the site (nginx: 1); see ProxiedRemoteAddrMiddleware.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

# Internationalization: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("fr", "Français")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static and media files, served by the project (WhiteNoise); nothing from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Wagtail
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Dates typed in the admin (notice deadlines) are Paris time for everyone, as the forms say.
WAGTAIL_USER_TIME_ZONES = ["Europe/Paris"]
# Page addresses typed in the admin are plain ASCII ("ecoles", not "écoles"), like the demo's: they are
# read aloud, printed on paper and pasted into e-mails without percent-encoding.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatars fetched from the internet
WAGTAIL_PASSWORD_RESET_ENABLED = True
WAGTAILEMBEDS_FINDERS = []  # no remote oEmbed look-ups: nothing is fetched from the internet

# Security headers, valid everywhere; production adds HTTPS-only settings.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Wagtail's admin sets style attributes; no inline script anywhere.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
    },
}

# Notifications: how long before the daily digest is sent (local time hour).
NOTIFICATION_DIGEST_HOUR = 7

# Knowledge base: guide owners are reminded this many days before a guide's review date.
KNOWLEDGE_REVIEW_REMINDER_DAYS = 14

# Resumable uploads (tus, the uploads app): the largest file, the most bytes one request may carry (Daphne holds
# a whole request body in memory), the pieces handed to storage, how long an upload without news is kept, and
# after how long without a piece a PATCH that died gives its upload up to the next one.
UPLOADS_MAX_SIZE = int(os.environ.get("UPLOADS_MAX_SIZE", 2 * 1024**3))
UPLOADS_MAX_CHUNK_BYTES = 8 * 1024 * 1024
# Pieces as large as a PATCH: under ASGI Django has the whole body (spooled to a temporary file) before the view
# runs, so smaller pieces stream nothing from the network; each piece is sealed and fsynced before its offset is
# recorded, and 1 MiB pieces made the fsyncs a fifth of an upload's time (bench/upload.py: 148 -> 185 MiB/s on
# uvicorn, memory growth 16 -> 34 MiB, flat in the file's size; sync views run one at a time per process).
UPLOADS_READ_BYTES = UPLOADS_MAX_CHUNK_BYTES
UPLOADS_EXPIRE_AFTER = timedelta(days=1)
UPLOADS_WRITER_TIMEOUT = timedelta(minutes=5)

# Procurement.
# Minimum days between publication and the deadline for bids, per procedure; under it the form refuses.
PROCUREMENT_MINIMUM_PERIOD_DAYS = {"open": 15, "restricted": 15, "negotiated": 15, "dialogue": 15, "adapted": 0}
# Adapted procedures (MAPA) have no legal minimum, but a period under this many days gets a warning.
PROCUREMENT_ADVISED_MAPA_PERIOD_DAYS = 10
# Largest consultation document accepted (bytes); uploads stream to disk, over this they are refused.
PROCUREMENT_DCE_MAX_FILE_SIZE = int(os.environ.get("PROCUREMENT_DCE_MAX_FILE_SIZE", 200 * 1024 * 1024))
# Electronic bids: the limits every notice page announces before anyone starts (per file, per bid, types).
PROCUREMENT_BID_MAX_FILE_SIZE = int(os.environ.get("PROCUREMENT_BID_MAX_FILE_SIZE", 500_000_000))  # « 500 Mo »
PROCUREMENT_BID_MAX_SIZE = int(os.environ.get("PROCUREMENT_BID_MAX_SIZE", 1_000_000_000))  # « 1 Go »
PROCUREMENT_BID_MAX_FILES = 50
PROCUREMENT_BID_EXTENSIONS = [
    "pdf",
    "odt",
    "ods",
    "docx",
    "xlsx",
    "doc",
    "xls",
    "zip",
    "jpg",
    "jpeg",
    "png",
    "txt",
    "csv",
]
# An upload started before the bid deadline and still arriving after it: refused (the default, the usual reading
# of the French rule: a transmission that ends after the deadline is late) unless this is True, in which case its
# file is accepted and the bid may be confirmed up to PROCUREMENT_BID_LATE_GRACE after the deadline.
PROCUREMENT_BID_ACCEPT_LATE_UPLOADS = os.environ.get("PROCUREMENT_BID_ACCEPT_LATE_UPLOADS", "") == "1"
PROCUREMENT_BID_LATE_GRACE = timedelta(minutes=30)
# The practice consultation opens a rehearsal bid for its own company this long after its confirmation.
PROCUREMENT_PRACTICE_OPENING_DELAY = timedelta(minutes=2)
# Sealed bids: the platform master key file (when MARCHES_MASTER_KEY is not set), outside the database and
# MEDIA_ROOT; older key files kept only to unwrap during a rotation (README, "Sealed bids: keys").
SEALING_MASTER_KEY_FILE = Path(os.environ.get("SEALING_MASTER_KEY_FILE", VAR_DIR / "keys" / "master.key"))
SEALING_PREVIOUS_MASTER_KEY_FILES = [p for p in os.environ.get("SEALING_PREVIOUS_MASTER_KEY_FILES", "").split(",") if p]
# Open Contracting ocid prefix (registered with the Open Contracting Partnership).
# Demo notices seeded per `seed_demo --scale` unit (statuses cycle every 20 notices).
PROCUREMENT_DEMO_NOTICES = 220
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-mp35bz")
OCDS_PUBLISHER_NAME = os.environ.get("OCDS_PUBLISHER_NAME", SITE_NAME)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timestamped": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# A process given LOG_FILE (`runsite` gives its worker var/worker.log) writes there what it reports down to
# INFO, such as each task it runs; the console keeps the warnings and errors.
LOG_FILE = os.environ.get("LOG_FILE", "")
if LOG_FILE:
    LOGGING["handlers"]["console"]["level"] = "WARNING"
    LOGGING["handlers"]["file"] = {
        "class": "logging.FileHandler",
        "filename": LOG_FILE,
        "encoding": "utf-8",
        "formatter": "timestamped",
    }
    LOGGING["root"] = {"handlers": ["console", "file"], "level": "INFO"}
