"""The CPV picker's JSON: codes by prefix or by words of their label in the reader's language, at most 20."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def search(client, q):
    response = client.get(reverse("procurement:cpv_search"), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


@pytest.fixture
def french_client(client):
    """A visitor who has not chosen English: the site's French (the procurement tests default to English)."""
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    return client


def test_codes_by_prefix_and_full_code(client, cpv_codes):
    results = search(client, "4523314")
    codes = [r["code"] for r in results]
    assert "45233140-2" in codes and "45233141-9" in codes
    assert all(code.startswith("4523314") for code in codes)
    assert [r["code"] for r in search(client, "45233140-2")] == ["45233140-2"]
    assert search(client, "45233140-2")[0]["label"] == "Roadworks"


def test_codes_by_words_of_the_english_label_and_limit(client, cpv_codes):
    results = search(client, "cleaning services")
    assert results and len(results) <= 20
    assert all("cleaning" in r["label"].lower() and "services" in r["label"].lower() for r in results)
    assert {"90910000-9", "90911200-8"} <= {r["code"] for r in search(client, "cleaning services")}
    assert len(search(client, "4")) <= 20
    assert search(client, "") == []


def test_a_french_reader_searches_and_reads_french_labels(french_client, cpv_codes):
    assert search(french_client, "45233140-2")[0]["label"] == "Travaux routiers"
    results = search(french_client, "nettoyage")
    assert len(results) == 20  # 61 labels say « nettoyage »: the 20 closest
    assert all("nettoyage" in r["label"].lower() for r in results)
    # The closest first: labels starting with the words, then the shortest (the most general).
    assert results[0]["label"].lower().startswith("nettoyage")
    assert "90910000-9" in [r["code"] for r in results[:5]]
    results = {r["code"]: r["label"] for r in search(french_client, "services de nettoyage")}
    assert results["90910000-9"] == "Services de nettoyage"
    assert results["90911200-8"] == "Services de nettoyage de bâtiments"
    # English words are not French ones: « cleaning » finds nothing for a French reader.
    assert search(french_client, "cleaning") == []


def test_french_words_match_whatever_their_case_and_accents(french_client, cpv_codes):
    typed = {
        "Nettoyage de bâtiments": "90911200-8",
        "NETTOYAGE BATIMENTS": "90911200-8",
        "batiments nettoyage": "90911200-8",
        "Électricité": "09310000-5",
        "electricite": "09310000-5",
    }
    for query, code in typed.items():
        assert code in [r["code"] for r in search(french_client, query)], query
    # Ligatures: « œufs » is typed "oeufs".
    assert any("œufs" in r["label"].lower() for r in search(french_client, "oeufs"))


# --- the picker in the admin's notice form -------------------------------------------------------


def test_the_admin_notice_form_renders_the_picker_around_the_cpv_fields(login, buyer, body, notice_index, cpv_codes):
    """Main code and lots' codes sit in the picker's container; the additional codes get a search box that
    appends to them. The fields stay plain fields (named, typed by hand); the search box has no name."""
    from html.parser import HTMLParser

    from intranet.actions.accounts import sync_wagtail_groups
    from procurement.setup import ensure_buyer_section

    class Elements(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []  # (tag, attrs, ids of the .cpv-picker containers it is inside)
            self.open = []  # (tag, container id or None)

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            inside = [cid for _tag, cid in self.open if cid]
            self.found.append((tag, attrs, inside))
            if tag not in ("input", "br", "img", "meta", "link"):
                picker = "cpv-picker" in (attrs.get("class") or "").split()
                self.open.append((tag, (attrs.get("data-cpv-append") or attrs.get("data-cpv-url")) if picker else None))

        def handle_endtag(self, tag):
            while self.open:
                if self.open.pop()[0] == tag:
                    break

    sync_wagtail_groups(buyer)
    section = ensure_buyer_section(body, notice_index)
    response = login(buyer).get(reverse("wagtailadmin_pages:add", args=["procurement", "noticepage", section.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    parser = Elements()
    parser.feed(html)
    url = reverse("procurement:cpv_search")

    def element(tag, **wanted):
        matches = [(attrs, inside) for t, attrs, inside in parser.found if t == tag and wanted.items() <= attrs.items()]
        assert len(matches) == 1, (tag, wanted, matches)
        return matches[0]

    main, inside = element("input", id="id_main_cpv")
    assert main["name"] == "main_cpv" and "data-cpv-picker" in main and main["autocomplete"] == "off"
    assert "maxlength" not in main  # words are searched in it; the form still refuses more than 10 characters
    assert inside == [url]
    hint, inside = element("p", id="id_main_cpv-cpv-hint")
    assert "hidden" in hint and "data-cpv-hint" in hint and inside == [url]

    textarea, inside = element("textarea", id="id_additional_cpv")
    assert textarea["name"] == "additional_cpv" and inside == []
    container, _inside = element("div", **{"data-cpv-append": "#id_additional_cpv"})
    assert container["data-cpv-url"] == url and "hidden" in container
    search, inside = element("input", id="id_additional_cpv-cpv-search")
    assert "name" not in search and "data-cpv-picker" in search and inside == ["#id_additional_cpv"]
    label, _inside = element("label", **{"for": "id_additional_cpv-cpv-search"})

    # The lots' empty form (cloned by the admin when a lot is added) carries the picker too.
    lot, inside = element("input", id="id_lots-__prefix__-cpv")
    assert lot["name"] == "lots-__prefix__-cpv" and "data-cpv-picker" in lot and inside == [url]

    # The picker's script and the admin's style for it come with the form's media (static files).
    assert 'src="/static/procurement/cpv_picker.js' in html
    assert 'href="/static/procurement/cpv_picker_admin.css' in html


def test_words_left_in_the_main_cpv_field_without_javascript_are_refused_not_cut(
    login, buyer, body, notice_index, cpv_codes
):
    """The picker's input takes words (no maxlength); submitted as they are, the form says what to change."""
    from intranet.actions.accounts import sync_wagtail_groups
    from procurement.models import NoticePage
    from tests.procurement.test_admin_notices import errors_of, post_notice

    sync_wagtail_groups(buyer)
    response = post_notice(login(buyer), notice_index, body, main_cpv="services de nettoyage")

    assert response.status_code == 200
    assert "main_cpv" in errors_of(response)
    assert not NoticePage.objects.filter(reference="2027-AOO-014").exists()
