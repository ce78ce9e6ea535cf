"""Settings: production refuses to start without its secrets, passes `check --deploy`; the embedded
default needs no variable (SQLite in WAL mode); EMAIL_URL parsing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from intranet.settings.email_url import parse_email_url

ROOT = Path(__file__).resolve().parent.parent.parent
# Variables that would change what the subprocess's settings read.
CONFIG_VARIABLES = {
    "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SEARCH_URL", "EMAIL_URL", "MEDIA_ROOT",
    "WAGTAILADMIN_BASE_URL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_SETTINGS_MODULE",
    "DEFAULT_FROM_EMAIL", "VAR_DIR",
}  # fmt: skip


def run(code_or_args, settings_module, tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    base.update(DJANGO_SETTINGS_MODULE=settings_module, VAR_DIR=str(tmp_path), **env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False
    )


SETUP = "import django; django.setup(); print('started')"


def production_env(**overrides):
    env = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "marches.example.fr,www.marches.example.fr",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run(SETUP, "intranet.settings.production", tmp_path, **production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_a_blank_secret_key(tmp_path):
    result = run(SETUP, "intranet.settings.production", tmp_path, **production_env(SECRET_KEY="   "))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run(SETUP, "intranet.settings.production", tmp_path, **production_env(ALLOWED_HOSTS=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_passes_check_deploy(tmp_path):
    result = run(["manage.py", "check", "--deploy"], "intranet.settings.production", tmp_path, **production_env())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_https_only(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.CSRF_TRUSTED_ORIGINS, s.WAGTAILADMIN_BASE_URL)"
    )
    result = run(code, "intranet.settings.production", tmp_path, **production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False True True True True ['https://marches.example.fr', 'https://www.marches.example.fr'] "
        "https://marches.example.fr"
    )


def test_embedded_default_uses_sqlite_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); "
        "print(connection.vendor, cursor.fetchone()[0], connection.settings_dict['NAME'])"
    )
    result = run(code, "intranet.settings.dev", tmp_path)
    assert result.returncode == 0, result.stderr
    vendor, mode, name = result.stdout.split()
    assert (vendor, mode.lower()) == ("sqlite", "wal")
    assert Path(name) == tmp_path / "db.sqlite3"


def test_embedded_default_needs_no_variable(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CHANNEL_LAYERS['default']['BACKEND'], s.EMAIL_BACKEND, s.CACHES['default']['BACKEND'], "
        "s.HAYSTACK_CONNECTIONS['default']['ENGINE'])"
    )
    result = run(code, "intranet.settings.dev", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "channels.layers.InMemoryChannelLayer",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.cache.backends.locmem.LocMemCache",
        "intranet.search_backends.FrenchWhooshEngine",
    ]


def test_redis_url_switches_channel_layer_and_cache(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CHANNEL_LAYERS['default']['BACKEND'], s.CACHES['default']['BACKEND'])"
    )
    result = run(code, "intranet.settings.dev", tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "channels_redis.core.RedisChannelLayer",
        "django.core.cache.backends.redis.RedisCache",
    ]


# --- EMAIL_URL ---------------------------------------------------------------------------------


def test_email_url_smtp_with_tls_and_credentials():
    parsed = parse_email_url(
        "smtp+tls://alerte%40example.fr:p%40ss%3Aw0rd@smtp.example.fr:2525?from=Plateforme%20<no-reply@example.fr>"
    )
    assert parsed == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.fr",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "alerte@example.fr",
        "EMAIL_HOST_PASSWORD": "p@ss:w0rd",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 20,
        "DEFAULT_FROM_EMAIL": "Plateforme <no-reply@example.fr>",
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://relay.example.fr", 25, False, False),
        ("smtp+tls://relay.example.fr", 587, True, False),
        ("submission://relay.example.fr", 587, True, False),
        ("smtp+ssl://relay.example.fr", 465, False, True),
        ("SMTP+SSL://relay.example.fr:4650", 4650, False, True),
    ],
)
def test_email_url_default_ports_and_security(url, port, tls, ssl):
    parsed = parse_email_url(url)
    assert parsed["EMAIL_HOST"] == "relay.example.fr"
    assert (parsed["EMAIL_PORT"], parsed["EMAIL_USE_TLS"], parsed["EMAIL_USE_SSL"]) == (port, tls, ssl)
    assert parsed["EMAIL_HOST_USER"] == parsed["EMAIL_HOST_PASSWORD"] == ""
    assert "DEFAULT_FROM_EMAIL" not in parsed


def test_email_url_console():
    assert parse_email_url("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


@pytest.mark.parametrize("url", ["http://smtp.example.fr", "smtps://x", "relay.example.fr", ""])
def test_email_url_unknown_scheme_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url(url)


def test_email_url_is_read_from_the_environment(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL)"
    )
    result = run(code, "intranet.settings.dev", tmp_path, EMAIL_URL="smtp+ssl://u:p@mail.example.fr")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "mail.example.fr", "465", "True"]


def test_search_url_names_the_elasticsearch_server_and_index():
    from intranet.settings.search_url import parse_search_url

    assert parse_search_url("elasticsearch://es.local:9200/marches") == {
        "ENGINE": "intranet.search_elasticsearch.FrenchElasticsearch7SearchEngine",
        "URL": "http://es.local:9200/",
        "INDEX_NAME": "marches",
    }
    secure = parse_search_url("elasticsearchs://moi:s%40cret@es.local:9243", "intranet")
    assert secure["URL"] == "https://es.local:9243/" and secure["INDEX_NAME"] == "intranet"
    assert secure["KWARGS"] == {"http_auth": ("moi", "s@cret")}
    with pytest.raises(ImproperlyConfigured, match="elasticsearch://host:9200/index") as refused:
        parse_search_url("whoosh://moi:motdepasse@index")
    assert "motdepasse" not in str(refused.value)


def test_the_site_starts_on_elasticsearch_with_search_url(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.HAYSTACK_CONNECTIONS['default']['URL'], settings.HAYSTACK_CONNECTIONS['default']['INDEX_NAME'])"
    )
    result = run(code, "intranet.settings.dev", tmp_path, SEARCH_URL="elasticsearch://127.0.0.1:9200/essai")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http://127.0.0.1:9200/", "essai"]
