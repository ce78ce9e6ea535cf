"""The salle des marchés in a real browser: list, notice page, alerts, buyer pages — no console error,
no serious accessibility violation, no sideways scrolling at 320 px; the CPV picker works by keyboard."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from intranet.actions.accounts import sync_wagtail_groups
from procurement.actions.documents import do_add_document
from procurement.actions.questions import do_answer_question, do_ask_question
from procurement.models import Amendment
from tests.procurement.conftest import cpv_codes, make_notice, notice_index  # noqa: F401 (fixtures)

from .conftest import requires_chromium
from .test_forums import off_the_browser_loop
from .test_site_shell import log_in, serious_violations

pytestmark = [pytest.mark.browser, requires_chromium]


@pytest.fixture
def lively_notice(make_notice, buyer, company_member):  # noqa: F811
    """A notice with lots, a document, an answered question and an amendment."""
    return off_the_browser_loop(_lively_notice, make_notice, buyer, company_member)


def _lively_notice(make_notice, buyer, company_member):  # noqa: F811
    sync_wagtail_groups(buyer)
    notice = make_notice(
        "Entretien de la voirie communale",
        main_cpv="45233141-9",
        nature="works",
        lots=[(1, "Voirie du centre-bourg", "45233141-9", 80000), (2, "Chemins ruraux", "", None)],
    )
    upload = SimpleUploadedFile("reglement.pdf", b"%PDF-1.4 reglement de la consultation\n%%EOF")
    do_add_document(
        notice,
        title="Règlement de la consultation",
        lot_number=None,
        upload=upload,
        actor=buyer,
        reason="Ajout du règlement",
    )
    question = do_ask_question(company_member, notice, "Une visite des lieux est-elle prévue ?")
    do_answer_question(buyer, question, "Oui, le **12 mars** à 10 h devant la mairie.")
    Amendment.objects.create(
        notice=notice,
        number=2,
        reason="Report de la date limite",
        created_at=timezone.now(),
        changes=[{"field": "bids_deadline", "label": "Date limite", "before": "1 mars", "after": "15 mars"}],
    )
    return notice


def check(page, url: str, widths=(1280, 320)) -> None:
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response.status == 200, url
        assert serious_violations(page) == [], (url, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (url, width)


def test_visitor_pages_have_no_console_error_and_no_serious_violation(page, lively_notice, notice_index):  # noqa: F811
    check(page, notice_index.url)
    check(page, notice_index.url + "?nature=works&department=35&cpv=4523&sort=deadline")
    check(page, lively_notice.url)
    assert page.locator("#notice-title").inner_text() == "Entretien de la voirie communale"
    assert page.console_problems == []


def test_company_pages_have_no_console_error_and_no_serious_violation(
    page,
    lively_notice,
    notice_index,  # noqa: F811
    company_member,
):
    log_in(page, company_member)
    check(page, lively_notice.url)
    check(page, "/avis/alertes/")
    check(page, "/avis/suivis/")
    # Follow the notice from its page, by keyboard.
    page.goto(lively_notice.url)
    follow = page.locator("form[action$='/suivre/'] button")
    follow.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("form[action$='/ne-plus-suivre/'] button").count() == 1
    assert page.console_problems == []


def test_buyer_pages_have_no_console_error_and_no_serious_violation(page, lively_notice, buyer):
    log_in(page, buyer)
    notice_id = lively_notice.pk
    document = lively_notice.documents.get()
    question = lively_notice.questions.get()
    for url in (
        lively_notice.url,
        f"/avis/{notice_id}/documents/gerer/",
        f"/avis/{notice_id}/documents/{document.pk}/remplacer/",
        f"/avis/{notice_id}/documents/{document.pk}/retirer/",
        f"/avis/{notice_id}/questions/",
        f"/avis/{notice_id}/questions/{question.pk}/repondre/",
        f"/avis/{notice_id}/questions/information/",
        f"/avis/{notice_id}/telechargements/",
        # Confirmation pages, also when the step is not possible yet (they say why).
        f"/avis/{notice_id}/ouverture/",
        f"/avis/{notice_id}/attribution/",
        f"/avis/{notice_id}/infructueux/",
        f"/avis/{notice_id}/annulation/",
        "/avis/mes-avis/",
    ):
        check(page, url, widths=(1280,))
    # A cancellation with no reason: the error summary, then the field, by keyboard.
    page.goto(f"/avis/{notice_id}/annulation/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert serious_violations(page) == []
    assert page.locator("[aria-invalid=true], .error-summary, .errorlist").count() >= 1
    assert page.console_problems == []


def test_alert_pages_have_no_console_error_and_no_serious_violation(page, notice_index, company_member):  # noqa: F811
    log_in(page, company_member)
    page.goto(notice_index.url + "?nature=services&department=35")
    page.locator("details.save-search summary").click()
    form = page.locator("form[action$='/avis/alertes/nouvelle/']")
    form.locator("input[name=name]").fill("Nettoyage en Ille-et-Vilaine")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    alert = company_member.saved_searches.get()
    for url in ("/avis/alertes/", f"/avis/alertes/{alert.pk}/modifier/", f"/avis/alertes/{alert.pk}/supprimer/"):
        check(page, url, widths=(1280, 320))
    assert page.console_problems == []


def test_the_cpv_picker_is_a_keyboard_combobox(page, notice_index, cpv_codes):  # noqa: F811
    page.goto(notice_index.url)
    field = page.locator("#id_cpv")
    assert field.get_attribute("role") == "combobox"
    field.focus()
    page.keyboard.type("9091")
    page.wait_for_selector("[role=listbox] [role=option]")
    assert field.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    active = field.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    assert field.input_value().startswith("9091")
    assert field.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Escape")
    assert page.console_problems == []


def test_deadline_is_shown_in_paris_time(page, make_notice):  # noqa: F811
    deadline = timezone.make_aware(datetime.datetime(2027, 3, 29, 12, 0))
    notice = off_the_browser_loop(
        make_notice, questions_deadline=deadline - datetime.timedelta(days=5), bids_deadline=deadline
    )
    page.goto(notice.url)
    assert "12:00" in page.locator("time[datetime^='2027-03-29T12:00+02:00']").first.inner_text()


def test_a_buyer_creates_and_publishes_a_notice_in_the_admin_as_a_person_types_it(
    page,
    notice_index,  # noqa: F811
    cpv_codes,  # noqa: F811
    buyer,
    body,
):
    """The admin opens on the buyer's own section; the address (slug) follows the title as it is typed,
    so the form can be submitted without visiting the "Promotion" tab; the buyer is the section's body."""
    log_in(page, buyer)
    page.goto("/admin/pages/")
    assert page.locator("h1").first.inner_text().strip().endswith(body.name)
    page.goto(page.url + "add_subpage/")
    page.locator("#id_title").press_sequentially("Blanchisserie des écoles")
    page.fill("#id_reference", "2027-BL-001")
    page.click(".Draftail-Editor .public-DraftEditor-content")
    page.keyboard.type("Traitement du linge des cantines.")
    page.select_option("#id_nature", "services")
    page.select_option("#id_procedure", "open")
    page.fill("#id_main_cpv", "90910000-9")
    # Additional codes: the search box beside the field appends the code chosen by keyboard, and says so.
    adder = page.locator(".cpv-picker-append input[data-cpv-picker]")
    adder.focus()
    page.keyboard.type("9091")
    page.wait_for_selector(".cpv-picker-append [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#id_additional_cpv").input_value().startswith("9091")
    assert adder.input_value() == "" and adder.get_attribute("aria-expanded") == "false"
    assert "ajouté" in page.locator(".cpv-picker-append [role=status]").inner_text()
    # Enter in the empty search box beside the field does not submit the form (a field of the form would).
    page.evaluate("window.submitted = false; document.addEventListener('submit', () => { window.submitted = true; })")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.evaluate("window.submitted") is False
    page.select_option("#id_department", "35")
    later = timezone.localtime() + datetime.timedelta(days=40)
    page.fill("#id_questions_deadline", (later - datetime.timedelta(days=10)).strftime("%Y-%m-%d 12:00"))
    page.fill("#id_bids_deadline", later.strftime("%Y-%m-%d 12:00"))
    page.keyboard.press("Escape")
    page.locator("#id_reference").click()
    assert page.locator("#id_slug").input_value() == "blanchisserie-des-ecoles"
    page.locator("button[data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name="Publier").click()
    page.wait_for_load_state()

    assert "créée et publiée" in page.locator(".messages").inner_text()
    from procurement.models import NoticePage

    notice = NoticePage.objects.get(reference="2027-BL-001")
    assert notice.live and notice.buyer == body
    assert notice.url == f"/appels-d-offres/{notice.get_parent().slug}/blanchisserie-des-ecoles/"
    # Wagtail 8's autosave may race the publication under load (tests/e2e/conftest.py): only that 400 is excused.
    assert page.console_problems.less_wagtail_autosave_refusals() == []
