"""Exchanges with the State in a real browser: a transmitter describes an act, adds its document and transmits it;
the prefecture's agent acknowledges it from the inbox; anyone checks it against the register. No console error,
no serious accessibility violation and no sideways scrolling at 320 px."""

import pytest

from exchanges.actions import acts as actions
from exchanges.models import Act
from tests.exchanges.conftest import PDF, act_data, agent, make_draft, prefecture, subject, transmitter  # noqa: F401

from .conftest import requires_chromium
from .test_forums import off_the_browser_loop
from .test_procurement import check
from .test_site_shell import log_in

pytestmark = [pytest.mark.browser, requires_chromium]


def test_a_transmitter_prepares_and_transmits_an_act(page, home_page, transmitter, prefecture, subject, body, tmp_path):  # noqa: F811
    log_in(page, transmitter)
    check(page, "/echanges/")
    check(page, f"/echanges/organismes/{body.pk}/actes/")
    page.goto("/echanges/actes/nouveau/")
    page.select_option("select[name=nature]", "DE")
    page.select_option("select[name=subject]", str(subject.pk))
    page.fill("input[name=number]", "DEL2026_015")
    page.fill("input[name=decision_date]", "2026-11-30")
    page.fill("textarea[name=object]", "Tarifs de la restauration scolaire")
    page.fill("input[name=signatory]", "Marie Le Goff, maire")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    act = off_the_browser_loop(lambda: Act.objects.get(number="DEL2026_015"))
    assert page.url.endswith(f"/echanges/actes/{act.pk}/")
    check(page, f"/echanges/actes/{act.pk}/")
    document = tmp_path / "deliberation.pdf"
    document.write_bytes(PDF)
    page.set_input_files("input[name=main_document]", str(document))
    with page.expect_navigation():
        page.locator("button[name=main]").click()
    assert "deliberation.pdf" in page.locator("#files").inner_text()
    transmit = page.locator("form[action$='/transmettre/'] button")
    transmit.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    act = off_the_browser_loop(lambda: Act.objects.get(pk=act.pk))
    assert act.status == Act.Status.SENT
    assert act.identifier in page.locator(".messages").inner_text()
    check(page, f"/echanges/actes/{act.pk}/")
    check(page, f"/echanges/verifier/?identifiant={act.identifier}")
    assert page.console_problems == []


def test_the_agent_acknowledges_from_the_inbox(page, home_page, make_draft, transmitter, agent, prefecture):  # noqa: F811
    act = off_the_browser_loop(lambda: actions.do_transmit(transmitter, make_draft()))
    log_in(page, agent)
    check(page, f"/echanges/autorites/{prefecture.pk}/")
    page.goto(f"/echanges/autorites/{prefecture.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=act.identifier).click()
    with page.expect_navigation():
        page.locator("form[action$='/accuser-reception/'] button").click()
    assert off_the_browser_loop(lambda: Act.objects.get(pk=act.pk).status) == Act.Status.ACKNOWLEDGED
    check(page, f"/echanges/actes/{act.pk}/")
    assert page.console_problems == []
