"""What a person sees in a real browser: logging in, switching language, accessibility, small screens."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD

from .conftest import requires_chromium

pytestmark = [pytest.mark.browser, requires_chromium]

SERIOUS = {"serious", "critical"}


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def log_in(page, user):
    page.goto(reverse("login"))
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in violations
        if violation["impact"] in SERIOUS
    ]


def test_a_buyer_logs_in_switches_to_english_and_the_page_has_no_console_error(page, home_page, buyer):
    log_in(page, buyer)

    assert urlparse(page.url).path == "/"  # LOGIN_REDIRECT_URL
    assert page.locator(".account-menu summary").inner_text() == "Camille Martin"
    calls_for_tender = page.locator(".main-nav a[href='/appels-d-offres/']")
    assert calls_for_tender.inner_text() == translated("Calls for tender", "fr")
    assert page.locator("html").get_attribute("lang") == "fr"

    page.select_option("#language-select", "en")
    page.wait_for_selector("html[lang=en]")
    assert calls_for_tender.inner_text() == "Calls for tender"
    assert page.locator(".main-nav").get_attribute("aria-label") == "Main menu"

    page.reload()
    assert page.console_problems == []


def test_the_home_and_login_pages_have_no_serious_accessibility_violation(page, home_page, buyer):
    page.goto("/")
    assert serious_violations(page) == []
    page.goto(reverse("login"))
    assert serious_violations(page) == []
    log_in(page, buyer)
    page.goto("/")
    page.locator(".account-menu summary").click()
    assert serious_violations(page) == []


def test_at_320_pixels_the_page_does_not_scroll_sideways_and_the_menu_opens_with_the_keyboard(page, home_page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    toggle = page.locator(".menu-toggle")
    search_link = page.locator(f".main-nav a[href='{reverse('search')}']")
    assert toggle.is_visible()
    assert not search_link.is_visible()
    for _ in range(5):  # skip link, site name, then the toggle
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('menu-toggle')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")

    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert search_link.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not search_link.is_visible()
    assert page.console_problems == []
