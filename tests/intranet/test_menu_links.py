"""Every link of the site's menus leads somewhere, for every role: no menu entry answers 404 or 500.

The main menu, the account menu and the footer are read from the rendered home page, and each internal
link is followed with the same person's session, as a click would.
"""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from knowledge.models import KnowledgeIndexPage
from procurement.setup import ensure_notice_index

pytestmark = pytest.mark.django_db

ROLES = [None, "company_member", "company_admin", "buyer", "editor", "org_admin", "platform_admin"]
MENUS = ".main-nav a[href], .account-nav a[href], .site-footer a[href]"


@pytest.fixture
def site(home_page):
    """The pages of the tree the main menu leads to, as `make run` makes them."""
    ensure_notice_index(home_page)
    if not KnowledgeIndexPage.objects.exists():
        home_page.add_child(instance=KnowledgeIndexPage(title="Guides et formation", slug="guides"))
    return home_page


def menu_links(html: str) -> list[tuple[str, str]]:
    """(href, link text) of the main menu, the account menu and the footer."""
    soup = BeautifulSoup(html, "html.parser")
    return [(a["href"], " ".join(a.get_text().split())) for a in soup.select(MENUS)]


def is_internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/")


@pytest.mark.parametrize("role", ROLES, ids=[role or "visitor" for role in ROLES])
def test_every_menu_link_answers_for_every_role(client, login, site, request, role):
    if role:
        login(request.getfixturevalue(role))
    links = dict(menu_links(client.get("/").content.decode()))
    assert {"/appels-d-offres/", "/guides/", "/forums/", "/recherche/"} <= set(links)
    assert all(is_internal(href) for href in links), links

    broken = {}
    for href, text in links.items():
        response = client.get(href, follow=True)
        first = response.redirect_chain[0][1] if response.redirect_chain else response.status_code
        if first not in (200, 302) or response.status_code != 200:
            broken[f"{text} ({href})"] = [*(status for _url, status in response.redirect_chain), response.status_code]
    assert broken == {}


def test_the_account_menu_of_a_buyer_lists_their_pages(login, buyer, site):
    hrefs = {href for href, _text in menu_links(login(buyer).get("/").content.decode())}
    assert {
        "/compte/profil/",
        "/notifications/",
        "/avis/mes-avis/",
        "/avis/suivis/",
        "/avis/alertes/",
        "/admin/",
    } <= hrefs


def test_the_footer_lists_the_legal_accessibility_and_contact_pages(client, site):
    texts = {text for _href, text in menu_links(client.get("/").content.decode())}
    assert {"Mentions légales", "Déclaration d'accessibilité", "Contact"} <= texts
