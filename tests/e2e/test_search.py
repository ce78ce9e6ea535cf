"""The search in a real browser: the header's box suggests titles as one types (an ARIA combobox used with the
keyboard), and the search page with its facets and excerpts has no console error nor serious accessibility
violation, and does not scroll sideways at 320 px."""

import pytest
from haystack import connections

from knowledge.models import Audience, GuidePage
from tests.knowledge.conftest import knowledge_index, make_guide, make_topic, topic  # noqa: F401 (fixtures)

from .conftest import requires_chromium
from .test_site_shell import log_in, serious_violations

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.usefixtures("empty_search_index")]


@pytest.fixture
def guides(home_page, make_guide):  # noqa: F811 (the fixture imported above)
    made = [
        make_guide("Zircon : acheter des fournitures", Audience.EVERYONE),
        make_guide("Zircon pour les acheteurs", Audience.BUYERS),
    ]
    index = connections["default"].get_unified_index().get_index(GuidePage)
    connections["default"].get_backend().update(index, list(index.index_queryset()))
    return made


def test_the_header_box_suggests_titles_and_the_keyboard_opens_one(page, guides):
    page.goto("/")
    box = page.locator("#header-search-q")
    box.fill("zirc")
    listbox = page.get_by_role("listbox", name="Pages suggérées")
    option = listbox.get_by_role("option", name="Zircon : acheter des fournitures")
    option.wait_for()
    # A visitor is not offered the buyers' guide.
    assert listbox.get_by_role("option").count() == 1
    assert box.get_attribute("aria-expanded") == "true"
    # Said to screen readers, in the singular.
    assert page.locator("#header-search-q-suggestions + [role=status]").inner_text() == "une suggestion"
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")
    page.wait_for_url(f"**{guides[0].url}")
    assert page.console_problems.less_wagtail_autosave_refusals() == []


def test_the_search_page_has_facets_excerpts_and_no_error(page, guides, buyer):
    log_in(page, buyer)
    page.goto("/recherche/?q=zircon")
    assert page.locator("#search-results-title").inner_text().startswith("2 ")
    assert page.locator(".search-facets").get_by_role("link", name="Guides (2)").count() == 1
    # A keyboard user can pass the facets: the first link of the section leads to the results.
    skip = page.get_by_role("link", name="Aller aux résultats")
    assert skip.get_attribute("href") == "#search-results-title"
    page.locator(".search-facets").get_by_role("link", name="Guides (2)").click()
    page.wait_for_url("**type=knowledge.guidepage**")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.console_problems.less_wagtail_autosave_refusals() == []
