"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server."""

import os
import re
import shutil
from collections import Counter
from urllib.parse import urlsplit

import pytest
from wagtail.models import Locale, Page, Site

from intranet.models import HomePage, StandardPage

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

requires_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason=f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module.

    Playwright's sync API keeps an event loop running on this thread, so Django refuses database
    access unless DJANGO_ALLOW_ASYNC_UNSAFE is set; it is set only while the browser is open, and the
    browser is closed at the end of the module so that no loop leaks into the other tests.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# pytest-django's live server speaks HTTP only (WSGI), so the bell's WebSocket handshake gets a 404,
# which chromium itself logs; site.js handles it quietly (no exception, retries later). Under Daphne
# the socket connects. Only this one message is forgiven: anything else, CSP violations included, fails.
FORGIVEN_CONSOLE_ERROR = re.compile(r"^WebSocket connection to 'ws://[^']+/ws/notifications/' failed")


# Wagtail 8 autosaves a page being written: about a second after the last change, its w-autosave controller
# posts the form with fetch() and "Accept: application/json" to the page's create or edit view, which
# answers 400 and a JSON error code when it does not save: a form still invalid (a CPV code half typed),
# a revision overtaken by a publication. Chromium logs each of these answers as a console error.
WAGTAIL_AUTOSAVE_PATH = re.compile(r"^/admin/pages/(?:add/\w+/\w+/\d+|\d+/edit)/$")
BAD_REQUEST = "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"


def is_wagtail_autosave(request) -> bool:
    """Whether a Playwright request is Wagtail's autosave of a page form (not the form's own submission)."""
    return (
        request.method == "POST"
        and request.headers.get("accept") == "application/json"
        and WAGTAIL_AUTOSAVE_PATH.match(urlsplit(request.url).path) is not None
    )


class ConsoleProblems(list):
    """Console errors and uncaught exceptions of one page (CSP violations are console errors). Beside them:
    `bad_requests`, the (method, URL, is it a Wagtail autosave) of each request answered 400."""

    def __init__(self):
        super().__init__()
        self.bad_requests = []
        self._urls = []  # the URL each problem names (the resource not loaded), or None

    def watch(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._add(f"page error: {error}", None))
        page.on("response", self._on_response)
        return self

    def _add(self, problem, url):
        self.append(problem)
        self._urls.append(url)

    def _on_console(self, message):
        if message.type == "error" and not FORGIVEN_CONSOLE_ERROR.match(message.text):
            self._add(f"console: {message.text}", message.location.get("url"))

    def _on_response(self, response):
        if response.status == 400:
            request = response.request
            self.bad_requests.append((request.method, response.url, is_wagtail_autosave(request)))

    def less_wagtail_autosave_refusals(self) -> list:
        """The problems, less the console's "400 (Bad Request)" line of each Wagtail autosave refused: only
        while every 400 answered an autosave, one line per such answer, naming that answer's URL."""
        if not all(autosave for _method, _url, autosave in self.bad_requests):
            return list(self)
        refused = Counter(url for _method, url, _autosave in self.bad_requests)
        kept = []
        for problem, url in zip(self, self._urls, strict=True):
            if problem == BAD_REQUEST and refused[url] > 0:
                refused[url] -= 1
            else:
                kept.append(problem)
        return kept


@pytest.fixture
def page(browser, live_server, django_db_serialized_rollback):
    """A fresh browser context (no cookies) per test; the database goes back to its migrated state after."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console_problems = ConsoleProblems().watch(page)
    yield page
    context.close()


@pytest.fixture
def home_page(page):
    """The site's root HomePage with an accessibility statement, whether or not a data migration made them."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page.specific if site is not None else None
    if not isinstance(home, HomePage):
        root = Page.get_first_root_node()
        if root is None:
            locale, _created = Locale.objects.get_or_create(language_code="fr")
            root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        home = root.add_child(instance=HomePage(title="Marchés & Partage", slug="accueil-e2e"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
    if not StandardPage.objects.live().filter(footer_role=StandardPage.Role.ACCESSIBILITY).exists():
        home.add_child(
            instance=StandardPage(
                title="Déclaration d'accessibilité", slug="accessibilite-e2e", footer_role="accessibility"
            )
        )
    return home
