"""The knowledge base in a real browser: no console error, no serious accessibility violation, the keyboard
reaches "Was this guide helpful?", and the error summary leads to the radio buttons; no sideways scrolling at 320 px.

Screenshots for a person to look at: `E2E_SCREENSHOTS=/some/dir pytest tests/e2e/test_knowledge.py -k screenshots`
seeds the demo knowledge base and saves a guide and a course at 1280 and 320 pixels wide.
"""

import itertools
import json
import os
from pathlib import Path

import pytest

from knowledge.demo_content import h2, h3, info, p, quote, steps, table, tip, ul, warning
from knowledge.models import TrainingPathPage, TrainingStep
from tests.knowledge.conftest import knowledge_index, make_guide, make_topic, topic  # noqa: F401 (fixtures)

from .conftest import requires_chromium
from .test_site_shell import log_in, serious_violations

pytestmark = [pytest.mark.browser, requires_chromium]

_slugs = itertools.count(1)

GUIDE_BODY = [
    p(
        "Les marchés à procédure adaptée (MAPA) laissent à l'acheteur le choix des modalités de publicité et de "
        "mise en concurrence, dans le respect des principes de la commande publique."
    ),
    h2("Avant de commencer"),
    info("Bon à savoir", "Les seuils sont révisés tous les deux ans : vérifiez-les à la date de lancement."),
    p("Estimez la valeur totale du besoin, toutes tranches et reconductions comprises."),
    h3("Estimer le besoin"),
    p(ul("Recensez les besoins des services.", "Regroupez les prestations homogènes.")),
    h2("Les étapes"),
    steps(
        ("Définir le besoin", "Avec les services prescripteurs et le budget voté."),
        ("Rédiger le DCE", "Règlement de la consultation, CCAP, CCTP et bordereau des prix."),
        ("Publier l'avis", ""),
    ),
    h3("Calendrier type"),
    table(
        "Calendrier d'un MAPA de services",
        ["Étape", "Délai indicatif", "Qui"],
        ["Publication de l'avis", "J", "Acheteur"],
        ["Date limite de remise des offres", "J + 30", "Entreprises"],
        ["Analyse des offres", "J + 45", "Commission"],
    ),
    tip("Astuce", "Faites relire le dossier par un collègue d'un autre service."),
    warning("Attention", "Ne scindez pas un besoin pour passer sous un seuil : c'est un saucissonnage interdit."),
    quote("La liberté d'accès à la commande publique est un principe, pas une option.", "Un acheteur rennais"),
]


@pytest.fixture
def guide(make_guide):  # noqa: F811
    return make_guide(
        "Les MAPA, mode d'emploi",
        tags=("mapa", "seuils", "procedures"),
        summary="Passer un marché à procédure adaptée, de l'estimation du besoin à l'attribution.",
        body=json.dumps(GUIDE_BODY),
    )


@pytest.fixture
def course(knowledge_index, guide, make_guide):  # noqa: F811
    """A course of three guides for everyone."""
    guides = [guide, make_guide("Rédiger le règlement de consultation"), make_guide("Analyser les offres")]
    path = TrainingPathPage(
        title="Prendre en main les MAPA",
        slug=f"parcours-e2e-{next(_slugs)}",
        intro="<p>Trois étapes pour passer votre premier marché à procédure adaptée.</p>",
        live=True,
        steps=[TrainingStep(guide=g, sort_order=order) for order, g in enumerate(guides)],
    )
    return knowledge_index.add_child(instance=path)


def pages_to_check(knowledge_index, topic, guide, course) -> list[str]:  # noqa: F811
    return [knowledge_index.url, topic.url, guide.url, f"{knowledge_index.url}tags/mapa/", course.url]


def check_page(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert page.locator("link[href$='knowledge/knowledge.css']").count() >= 1, url
    assert serious_violations(page) == [], url
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], url


def test_knowledge_pages_have_no_console_error_and_no_serious_violation_logged_out(
    page,
    knowledge_index,  # noqa: F811
    topic,  # noqa: F811
    guide,
    course,
):
    for url in pages_to_check(knowledge_index, topic, guide, course):
        check_page(page, url)
    assert page.console_problems == []


def test_knowledge_pages_have_no_console_error_and_no_serious_violation_for_a_buyer(
    page,
    buyer,
    knowledge_index,  # noqa: F811
    topic,  # noqa: F811
    guide,
    course,
):
    log_in(page, buyer)
    for url in pages_to_check(knowledge_index, topic, guide, course):
        check_page(page, url)

    # A course with a step done, and the home page's "Continue your course" section.
    page.goto(course.url)
    with page.expect_navigation():
        page.locator(".training-step form button").first.click()
    assert page.locator(".training-step-done").count() == 1
    assert serious_violations(page) == []
    page.goto("/")
    assert page.locator(".training-courses").count() == 1
    assert serious_violations(page) == []
    assert page.console_problems == []


def test_at_320_pixels_guides_and_courses_do_not_scroll_sideways(page, buyer, guide, course):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, buyer)
    for url in (guide.url, course.url):
        check_page(page, url)
    assert page.console_problems == []


def test_the_keyboard_reaches_the_vote_and_an_empty_vote_leads_back_to_the_radio_buttons(page, buyer, guide):
    log_in(page, buyer)
    page.goto(guide.url)

    reached = []
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e.id || (e.closest('form.feedback-form') && e.type === 'submit' ? 'feedback-submit' : ''); })()"
        )
        reached.append(focused)
        if focused == "feedback-submit":
            break
    assert "id_feedback-helpful_0" in reached, " ".join(reached)
    assert reached[-1] == "feedback-submit"
    assert reached.index("id_feedback-helpful_0") < reached.index("id_feedback-comment") < len(reached) - 1

    with page.expect_navigation():
        page.keyboard.press("Enter")  # nothing chosen
    summary = page.locator(".error-summary[role=alert]")
    assert summary.is_visible()
    link = summary.locator("a")
    assert link.count() == 1
    assert link.get_attribute("href") == "#id_feedback-helpful_0"
    assert serious_violations(page) == []

    link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_feedback-helpful_0"
    assert page.evaluate("document.activeElement.type") == "radio"

    page.keyboard.press("Space")  # choose "yes" and send
    with page.expect_navigation():
        page.locator("form.feedback-form button[type=submit]").click()
    assert page.url.endswith("#feedback")
    assert page.locator(".feedback-answer").is_visible()
    assert page.console_problems == []


@pytest.mark.skipif(not os.environ.get("E2E_SCREENSHOTS"), reason="set E2E_SCREENSHOTS to a folder to take them")
def test_screenshots_of_a_demo_guide_and_course(page, home_page, buyer):
    from knowledge.demo import create_knowledge_base
    from knowledge.models import GuidePage

    create_knowledge_base()
    folder = Path(os.environ["E2E_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    guides = GuidePage.objects.filter(slug__in=["mapa-mode-d-emploi", "seuils-de-procedure"])
    course = TrainingPathPage.objects.get(slug="prendre-en-main-acheteurs")
    log_in(page, buyer)
    page.goto(course.url)
    with page.expect_navigation():
        page.locator(".training-step form button").nth(1).click()
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in [*((guide.slug, guide.url) for guide in guides), ("course", course.url)]:
            page.goto(url)
            page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
            assert serious_violations(page) == [], url
        page.goto(guides[0].url)
        with page.expect_navigation():
            page.locator("form.feedback-form button[type=submit]").click()
        page.screenshot(path=folder / f"feedback-error-{width}.png", full_page=True)
    assert page.console_problems == []
