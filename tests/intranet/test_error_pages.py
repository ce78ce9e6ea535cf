"""`make run` as a person gets it: DEBUG off, the site's French 404, 403 and 500 pages, static files and
Wagtail's images still served, Django's debug pages only when a developer asks (DJANGO_DEBUG=1); and a
console that shows the address, the accounts and the warnings, the worker's detail going to its log."""

import importlib
import importlib.util
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import path
from django.utils import translation
from django.views.defaults import permission_denied, server_error

DEV_VALUES = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "WHITENOISE_USE_FINDERS",
    "WHITENOISE_AUTOREFRESH",
    "SERVE_PUBLIC_IMAGES",
    "STATIC_URL",
)


def dev_settings(monkeypatch, **env):
    """The dev settings module as a process started with `env` reads it."""
    for name in ("DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from intranet.settings import dev

    return importlib.reload(dev)


def load_urlconf(monkeypatch, name: str, extra=()) -> str:
    """A copy of the site's URLconf built with the current settings, registered as `name`: the real
    module, built at start-up, stays as other tests expect it."""
    import intranet.urls

    spec = importlib.util.spec_from_file_location(name, intranet.urls.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.urlpatterns = [*extra, *module.urlpatterns]
    monkeypatch.setitem(sys.modules, name, module)
    return name


@pytest.fixture
def make_run(settings, monkeypatch):
    """The settings `make run` serves with (the dev settings, no variable), on the test database."""

    def apply(**env):
        dev = dev_settings(monkeypatch, **env)
        for name in DEV_VALUES:
            setattr(settings, name, getattr(dev, name))
        settings.ROOT_URLCONF = load_urlconf(monkeypatch, "make_run_urls")
        return settings

    return apply


def assert_site_layout(html: str) -> None:
    assert '<html lang="fr">' in html
    assert 'role="banner"' in html and '<main id="main"' in html and 'role="contentinfo"' in html
    assert 'href="/"' in html


def test_the_dev_settings_turn_debug_off_unless_a_developer_asks(monkeypatch):
    assert dev_settings(monkeypatch).DEBUG is False
    assert dev_settings(monkeypatch, DJANGO_DEBUG="1").DEBUG is True
    assert dev_settings(monkeypatch, DJANGO_DEBUG="0").DEBUG is False


def test_the_dev_settings_accept_local_hosts_and_the_host_runsite_serves_on(monkeypatch):
    assert {"127.0.0.1", "localhost", "[::1]"} <= set(dev_settings(monkeypatch).ALLOWED_HOSTS)
    hosts = dev_settings(monkeypatch, DJANGO_ALLOWED_HOSTS="192.168.1.20, poste-42.local").ALLOWED_HOSTS
    assert {"127.0.0.1", "localhost", "192.168.1.20", "poste-42.local"} <= set(hosts)


def test_runsite_lets_the_site_answer_the_host_it_serves_on():
    from intranet.management.commands.runsite import allowed_host

    assert allowed_host("127.0.0.1") == "127.0.0.1"
    assert allowed_host("poste-42.local") == "poste-42.local"
    assert allowed_host("::1") == "[::1]"
    # Listening on every interface: reached by any of the machine's names or addresses.
    assert allowed_host("0.0.0.0") == "*"  # noqa: S104


@pytest.mark.django_db
def test_an_unknown_address_answers_the_french_404_page_not_the_debug_page(client, make_run, home_page):
    make_run()
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page introuvable</h1>" in html
    assert_site_layout(html)
    assert 'href="/recherche/"' in html
    assert "URLconf" not in html and "DEBUG = True" not in html and "Page not found" not in html


@pytest.mark.django_db
def test_django_debug_1_brings_back_the_debug_page(client, make_run, home_page):
    make_run(DJANGO_DEBUG="1")
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "DEBUG = True" in response.content.decode()


@pytest.mark.django_db
def test_static_files_are_served_with_debug_off(client, make_run):
    make_run()
    response = client.get("/static/intranet/css/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b"".join(response.streaming_content)


@pytest.mark.django_db
def test_wagtail_images_are_served_but_not_the_files_that_views_guard(client, make_run, settings):
    make_run()
    image = settings.MEDIA_ROOT / "images" / "plan.max-800x600.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    document = settings.MEDIA_ROOT / "dce" / "1" / "reglement.pdf"
    document.parent.mkdir(parents=True, exist_ok=True)
    document.write_bytes(b"%PDF-1.7")
    assert client.get("/media/images/plan.max-800x600.png").status_code == 200
    # Consultation documents and forum attachments go through the views that check who may read them.
    assert client.get("/media/dce/1/reglement.pdf").status_code == 404


@pytest.mark.django_db
def test_the_403_page_says_in_french_how_to_get_in(rf, home_page):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/compte/profil/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Accès refusé</h1>" in html
    assert_site_layout(html)
    assert 'href="/compte/connexion/?next=/compte/profil/"' in html


def test_the_500_page_needs_neither_the_database_nor_the_context_processors():
    # No django_db mark: a query would fail the test. French, as the site's middleware leaves it.
    with translation.override("fr"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Erreur du serveur</h1>" in html
    assert_site_layout(html)
    assert "/static/intranet/css/site.css" in html
    assert "Marchés &amp; Partage" in html


@pytest.mark.django_db
def test_a_failing_page_answers_the_french_500_page(client, make_run, settings, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    make_run()
    settings.ROOT_URLCONF = load_urlconf(monkeypatch, "broken_site_urls", [path("en-panne/", broken)])
    client.raise_request_exception = False
    response = client.get("/en-panne/")
    assert response.status_code == 500
    assert "<h1>Erreur du serveur</h1>" in response.content.decode()
    assert "boom" not in response.content.decode()


# --- The console --------------------------------------------------------------------------------------


class FakeProcess:
    """A child process that runs until it is told to stop."""

    started = []

    def __init__(self, args, env, stdout=None, **kwargs):
        self.args, self.env, self.stdout, self.returncode = args, env, stdout, None
        FakeProcess.started.append(self)

    def poll(self):
        return self.returncode

    def send_signal(self, signum):
        self.returncode = 0

    def wait(self, timeout=None):
        return self.returncode


def test_runsite_sends_the_worker_detail_to_its_log_and_says_where(monkeypatch, tmp_path):
    from intranet.management.commands import runsite

    FakeProcess.started = []
    monkeypatch.delenv("WAGTAILADMIN_BASE_URL", raising=False)
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS", raising=False)
    monkeypatch.setattr(runsite.subprocess, "Popen", FakeProcess)
    # Ctrl-C as soon as both are started.
    monkeypatch.setattr(runsite.time, "sleep", lambda seconds: signal.raise_signal(signal.SIGINT))
    out = io.StringIO()
    call_command("runsite", "--port", "8100", "--worker-log", str(tmp_path / "worker.log"), stdout=out)

    server, worker = FakeProcess.started
    assert worker.args[-1] == "worker"
    assert worker.env["LOG_FILE"] == str(tmp_path / "worker.log")
    assert Path(worker.stdout.name) == tmp_path / "worker.log"
    assert server.stdout is None  # the server's own output stays on the console
    for child in (server, worker):
        assert child.env["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8100"
        assert child.env["DJANGO_ALLOWED_HOSTS"] == "127.0.0.1"
    console = out.getvalue()
    assert "http://127.0.0.1:8100/" in console
    assert str(tmp_path / "worker.log") in console
    assert "admin@demo.marches-partage.fr" in console


def test_with_log_file_info_goes_to_the_file_and_warnings_to_the_console_too(tmp_path):
    log = tmp_path / "worker.log"
    code = (
        "import django, logging; django.setup(); task_log = logging.getLogger('django_tasks'); "
        "task_log.setLevel(logging.INFO); task_log.info('Task id=42 state=SUCCESSFUL'); "
        "task_log.warning('Task id=43 is slow')"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "VAR_DIR", "LOG_FILE"}},
        "DJANGO_SETTINGS_MODULE": "intranet.settings.dev",
        "VAR_DIR": str(tmp_path),
        "LOG_FILE": str(log),
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Task id=42" not in result.stderr and "Task id=43 is slow" in result.stderr
    written = log.read_text()
    assert "INFO django_tasks: Task id=42 state=SUCCESSFUL" in written
    assert "WARNING django_tasks: Task id=43 is slow" in written
