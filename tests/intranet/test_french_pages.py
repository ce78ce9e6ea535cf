"""The French interface shows no English of our own catalogue: every main page, public and admin.

A msgid that leaks in the French pages means a string is not marked for translation, its msgstr is
missing or fuzzy, or the catalogue was not compiled. The catalogue itself is the list of what to look
for: every msgid of two words or more whose French differs, searched for in the pages' visible text.
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from forums.models import Category
from knowledge.models import KnowledgeIndexPage
from procurement.models import CPVCode, NoticePage
from procurement.setup import ensure_buyer_section, ensure_notice_index
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# printf and format placeholders: "%(name)s", "%s", "{count}".
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdfr]|%[sdfr]|\{[a-z_]*\}")


def _unquote(line: str) -> str:
    return line[line.index('"') + 1 : line.rindex('"')].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def catalogue_entries(path: Path = CATALOGUE) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every entry of a .po file; plural entries give their singular and plural forms."""
    entries, current, field = [], {}, None

    def flush():
        if current.get("msgid"):
            msgstr = current.get("msgstr", current.get("msgstr[0]", ""))
            entries.append((current["msgid"], msgstr))
            if current.get("msgid_plural"):
                entries.append((current["msgid_plural"], current.get("msgstr[1]", msgstr)))

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if field is not None and not line:
                flush()
                current, field = {}, None
            continue
        if line.startswith('"'):
            current[field] += _unquote(line)
            continue
        field = line.split(" ", 1)[0]
        current[field] = _unquote(line)
    flush()
    return entries


def english_patterns() -> dict[str, re.Pattern]:
    """A pattern per msgid of at least two words whose French is different (placeholders match anything)."""
    patterns = {}
    for msgid, msgstr in catalogue_entries():
        words = PLACEHOLDER.sub(" ", msgid).split()
        if len(words) < 2 or msgstr.strip() == msgid.strip():
            continue
        # Each piece keeps the spaces around it, so that " at " between two placeholders is the word, not
        # the letters of « Date ».
        pieces = [re.escape(re.sub(r"\s+", " ", piece)) for piece in PLACEHOLDER.split(msgid)]
        pattern = r".{0,80}?".join(pieces).replace(r"\ ", r"\s+")
        patterns[msgid] = re.compile(rf"(?<!\w){pattern}(?!\w)")
    return patterns


def visible_text(html: str) -> str:
    """What a reader sees: the text of the page without scripts, styles or templates."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template", "noscript"]):
        hidden.decompose()
    return " ".join(soup.get_text(" ").split())


def english_in(html: str, patterns: dict[str, re.Pattern]) -> list[str]:
    text = visible_text(html)
    return sorted(msgid for msgid, pattern in patterns.items() if pattern.search(text))


def test_the_catalogue_reader_finds_plain_and_plural_entries():
    entries = dict(catalogue_entries())
    assert entries["Password"] == "Mot de passe"
    assert len(entries) > 1000


def test_a_page_with_an_english_msgid_is_caught():
    patterns = english_patterns()
    assert english_in("<h1>Page introuvable</h1>", patterns) == []
    assert english_in("<h1>Page <b>not</b>\n  found</h1>", patterns) == ["Page not found"]
    assert english_in('<p title="Page not found">Introuvable</p>', patterns) == []
    # Placeholders match anything, but the words between them stay words.
    assert english_in("<p>Date limite : 3 janvier 2027 à 18:53 (UTC+01:00)</p>", patterns) == []
    english = english_in("<p>3 January 2027 at 18:53 (UTC+01:00)</p>", patterns)
    assert english == ["%(date)s at %(time)s (UTC%(offset)s)"]


@pytest.fixture
def site(home_page, body, buyer):
    """A site like the demo's, small: the notice list with one notice, the guides, a forum category."""
    CPVCode.objects.get_or_create(code="90910000-9", defaults={"digits": "90910000", "label": "Cleaning services"})
    index = ensure_notice_index(home_page)
    now = timezone.now()
    notice = NoticePage(
        title="Nettoyage des bâtiments communaux",
        slug="nettoyage",
        buyer=body,
        reference="2027-001",
        description="<p>Prestations de nettoyage des locaux.</p>",
        nature="services",
        procedure="open",
        main_cpv="90910000-9",
        department="35",
        estimated_value=Decimal("120000"),
        questions_deadline=now + datetime.timedelta(days=20),
        bids_deadline=now + datetime.timedelta(days=30),
        contact_name="Service de la commande publique",
        contact_email="marches@example.fr",
        live=False,
    )
    ensure_buyer_section(body, index).add_child(instance=notice)
    notice.save_revision().publish()
    notice.refresh_from_db()
    guides = KnowledgeIndexPage.objects.first() or home_page.add_child(
        instance=KnowledgeIndexPage(title="Guides et formation", slug="guides", intro="<p>Les guides.</p>")
    )
    Category.objects.create(name="Questions générales", slug="questions-generales")
    return {"notices": index, "notice": notice, "guides": guides}


def pages_for_everyone(site) -> list[str]:
    return [
        "/",
        site["notices"].url,
        site["notice"].url,
        site["guides"].url,
        reverse("forums:index"),
        reverse("search") + "?q=nettoyage",
    ]


def english_found(client, urls: list[str]) -> dict[str, list[str]]:
    """{url: the English msgids its French page shows}, for the pages that show any."""
    patterns = english_patterns()
    found = {}
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        if leaks := english_in(response.content.decode(), patterns):
            found[url] = leaks
    return found


@pytest.mark.parametrize("cookie", [None, "fr"], ids=["no-cookie", "cookie-fr"])
def test_the_pages_a_visitor_sees_in_french_show_no_english_msgid(client, site, cookie):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    visitor_pages = [reverse("login"), reverse("register"), reverse("wagtailadmin_login")]
    assert english_found(client, [*pages_for_everyone(site), *visitor_pages]) == {}


def test_the_pages_a_buyer_sees_in_french_show_no_english_msgid(login, buyer, site):
    buyer_pages = [reverse("wagtailadmin_home"), reverse("notifications"), reverse("profile")]
    assert english_found(login(buyer), [*pages_for_everyone(site), *buyer_pages]) == {}


def test_the_admin_login_is_the_site_login_page_in_french(client):
    response = client.get(reverse("wagtailadmin_login"), {"next": "/admin/pages/"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=/admin/pages/"
    html = response.content.decode()
    assert "Mot de passe" in html
    assert "Password" not in visible_text(html)


def test_the_admin_sends_a_visitor_to_the_site_login_page_and_back(client, buyer):
    response = client.get(reverse("wagtailadmin_home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=/admin/"

    response = client.post(response.redirect_chain[-1][0], {"username": buyer.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_someone_without_admin_access_is_told_so_not_sent_round_in_circles(login, company_member):
    response = login(company_member).get(reverse("wagtailadmin_home"), follow=True)
    assert response.status_code == 200
    assert len(response.redirect_chain) == 1
    assert "Vous n’avez pas l’autorisation d’accéder à l’administration." in response.content.decode()


def test_the_admin_help_menu_has_no_links_to_wagtails_english_website(login, buyer):
    html = login(buyer).get(reverse("wagtailadmin_home")).content.decode()
    assert "keyboard-shortcuts-trigger" in html
    assert "editor-guide" not in html and "whats-new-in-wagtail" not in html
