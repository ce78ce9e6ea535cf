"""Security headers on every public response, and no inline script that the CSP would have to allow."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

PUBLIC_PAGES = ["/", "login", "password_reset", "register", "search"]
MEMBER_PAGES = ["profile", "notifications", "password_change"]


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


class InlineScriptFinder(HTMLParser):
    """Scripts without src (other than JSON data blocks) and on* attributes: what a strict CSP blocks."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "script"
            and not attrs.get("src")
            and attrs.get("type") not in {"application/json", "application/ld+json"}
        ):
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        self.found.extend(f"<{tag} {name}=...>" for name in attrs if name.startswith("on"))
        for name in ("href", "src", "action"):
            if (attrs.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def url_of(name):
    return name if name.startswith("/") else reverse(name)


def assert_strict_headers(response):
    csp = directives(response)
    assert "script-src" in csp or "default-src" in csp
    script_src = csp.get("script-src", csp.get("default-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src and "data:" not in script_src
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert "frame-ancestors" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin", "no-referrer"}
    assert response.headers.get("X-Frame-Options") in {"SAMEORIGIN", "DENY"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_carry_a_strict_policy(client, name):
    response = client.get(url_of(name))
    assert response.status_code == 200
    assert_strict_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_carry_a_strict_policy(login, buyer, name):
    response = login(buyer).get(url_of(name))
    assert response.status_code == 200
    assert_strict_headers(response)


@pytest.mark.django_db
def test_not_found_page_carries_the_headers(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert_strict_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_no_inline_script(client, name):
    finder = InlineScriptFinder()
    finder.feed(client.get(url_of(name)).content.decode())
    assert finder.found == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_have_no_inline_script(login, buyer, name):
    finder = InlineScriptFinder()
    finder.feed(login(buyer).get(url_of(name)).content.decode())
    assert finder.found == []


@pytest.mark.django_db
def test_only_the_wagtail_admin_is_relaxed(client, login, platform_admin):
    # Wagtail's admin writes a few inline scripts; the exception must stay under /admin/.
    admin = login(platform_admin).get(reverse("wagtailadmin_home"))
    assert admin.status_code == 200
    assert directives(admin)["object-src"] == ["'none'"]
    assert admin.headers["X-Content-Type-Options"] == "nosniff"
    lookalike = client.get("/administration/")
    assert "'unsafe-inline'" not in directives(lookalike).get("script-src", [])


@pytest.mark.django_db
def test_session_and_csrf_cookies(client, buyer, settings):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": buyer.email, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"].lower() in {"lax", "strict"}
