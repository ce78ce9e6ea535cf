"""Reading comfort in a real browser: at 375 px the notice list shows its results first, the filters open from
« Filtrer » by keyboard (and without JavaScript); references stay on one line; the Paris time zone is said
once a page; file sizes read in Ko; the alert button says what the guide says."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intranet.actions.accounts import sync_wagtail_groups
from knowledge.demo_content.platform import GUIDES
from procurement.actions.documents import do_add_document
from tests.procurement.conftest import cpv_codes, make_notice, notice_index, paris  # noqa: F401 (fixtures)

from .conftest import requires_chromium
from .test_forums import off_the_browser_loop
from .test_site_shell import log_in, serious_violations

pytestmark = [pytest.mark.browser, requires_chromium]

PHONE = {"width": 375, "height": 667}  # a common small phone, in CSS pixels


def _notices(make_notice, buyer):  # noqa: F811
    sync_wagtail_groups(buyer)
    notices = [
        make_notice(
            f"Entretien des espaces verts, secteur {n}",
            reference=f"2026-SEC-{180 + n}",
            questions_deadline=paris(2027, 3, 1, 12) + datetime.timedelta(days=n),
            bids_deadline=paris(2027, 3, 15, 12) + datetime.timedelta(days=n),
        )
        for n in range(1, 4)
    ]
    upload = SimpleUploadedFile("reglement.pdf", b"%PDF-1.4 " + b"r" * 2491)  # 2,500 bytes: « 2,5 Ko »
    do_add_document(notices[0], title="Règlement", lot_number=None, upload=upload, actor=buyer, reason="Ajout")
    return notices


@pytest.fixture
def notices(make_notice, buyer):  # noqa: F811
    return off_the_browser_loop(_notices, make_notice, buyer)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def is_open(page) -> bool:
    return page.locator("details.filter-disclosure").evaluate("details => details.open")


def test_at_375_pixels_the_results_come_first_and_the_filters_open_by_keyboard(page, notices, notice_index):  # noqa: F811
    page.set_viewport_size(PHONE)
    page.goto(notice_index.url)

    assert not is_open(page) and not page.locator("#id_q").is_visible()
    first_result = page.locator(".notice-list > li").first.bounding_box()
    assert first_result["y"] + 40 < PHONE["height"], first_result  # the first notice's title is on the first screen
    assert no_sideways_scroll(page)
    assert serious_violations(page) == []

    # From the top of the page, Tab reaches « Filtrer »; Enter opens it; Tab goes on to the first filter.
    summary = page.locator("details.filter-disclosure > summary")
    for _ in range(40):
        page.keyboard.press("Tab")
        if summary.evaluate("element => element === document.activeElement"):
            break
    assert summary.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert is_open(page) and page.locator("#id_q").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_q"
    page.keyboard.type("secteur 2")
    page.keyboard.press("Tab")  # the status
    page.keyboard.press("Tab")  # the nature, chosen by keyboard
    assert page.evaluate("document.activeElement.id") == "id_nature"
    page.select_option("#id_nature", "services")
    with page.expect_navigation():
        page.locator("#id_q").press("Enter")

    assert "q=secteur+2" in page.url and "nature=services" in page.url
    assert page.locator(".notice-list > li").count() == 1
    # Back to the results first; the closed disclosure says that filters apply.
    assert not is_open(page)
    assert re.search(r"\b2\b", page.locator(".filter-count").inner_text())
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    assert page.console_problems == []


def test_without_javascript_the_filters_open_from_their_summary(browser, live_server, notices, notice_index):  # noqa: F811
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        page.goto(notice_index.url)
        assert not page.locator("#id_q").is_visible()
        page.locator("details.filter-disclosure > summary").click()
        assert page.locator("#id_q").is_visible()
        # A filter that was not understood: the disclosure comes open, with the error summary.
        page.goto(notice_index.url + "?cpv=abc")
        assert page.locator("#filter-errors").is_visible() and page.locator("#id_cpv").is_visible()
    finally:
        context.close()


def test_on_wide_screens_the_filters_are_open_beside_the_results(page, notices, notice_index):  # noqa: F811
    from playwright.sync_api import expect

    disclosure = page.locator("details.filter-disclosure")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(notice_index.url)
    expect(disclosure).to_have_attribute("open", "")
    assert page.locator("#id_q").is_visible() and page.locator("#notice-filters-heading").is_visible()
    assert not page.locator("details.filter-disclosure > summary").is_visible()
    # Narrowing the window folds them away; widening it opens them again.
    page.set_viewport_size(PHONE)
    expect(disclosure).not_to_have_attribute("open", "")
    assert page.locator("details.filter-disclosure > summary").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(disclosure).to_have_attribute("open", "")
    assert serious_violations(page) == []
    assert page.console_problems == []


def line_count(locator) -> int:
    return locator.evaluate("element => new Set([...element.getClientRects()].map(rect => rect.top)).size")


def test_a_reference_is_not_broken_across_lines_and_the_page_says_paris_time_once(page, notices, notice_index):  # noqa: F811
    for width in (320, 375):
        page.set_viewport_size({"width": width, "height": 700})
        page.goto(notice_index.url)
        references = page.locator(".notice-list .reference-code")
        assert references.count() == 3
        for index in range(3):
            assert line_count(references.nth(index)) == 1, (width, references.nth(index).inner_text())
        assert no_sideways_scroll(page), width

        page.goto(notices[0].url)
        reference = page.locator(".notice-kicker .reference-code")
        assert reference.inner_text() == "2026-SEC-181" and line_count(reference) == 1, width
        assert no_sideways_scroll(page), width

    # The notice page in French: the deadlines keep their offset, « heure de Paris » is said once at most.
    deadlines = page.locator(".notice-facts-list time[datetime^='2027-03']")
    assert deadlines.count() == 2
    assert all("UTC+01:00" in deadlines.nth(i).inner_text() for i in range(2))
    text = page.locator("main").inner_text()
    assert text.count("heure de Paris") <= 1 and text.count("UTC+") == 2

    # The DCE's sizes in Ko, as French readers read them.
    meta = page.locator(".dce-document-meta").first.inner_text().replace("\u00a0", " ")
    assert "2,5 Ko" in meta and "Kio" not in meta
    assert page.console_problems == []


def test_the_alert_button_says_what_the_guide_says(page, notices, notice_index, company_member):  # noqa: F811
    guide = next(guide for guide in GUIDES if guide.slug == "salle-des-marches-entreprises")
    wording = re.search(r"Cliquez sur « ([^»]+) »", repr(guide.body)).group(1)
    log_in(page, company_member)
    page.set_viewport_size(PHONE)
    page.goto(notice_index.url + "?nature=services")
    button = page.locator("details.save-search > summary")
    assert button.inner_text().strip() == wording
    button.click()
    assert page.locator("#id_alert_name").is_visible()
    assert serious_violations(page) == []
    assert page.console_problems == []
