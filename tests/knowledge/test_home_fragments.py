"""Home page sections kept for readers alike (intranet/fragments.py) in the knowledge base: "Latest guides" is kept
per audience (a company's person never gets the one made for buyers), "Continue your course" per person (one's
progress never shows on another's page), and a step done or a guide published shows on the next request."""

import pytest
from django.test import Client

from intranet import page_cache
from knowledge import actions
from knowledge.models import Audience, TrainingPathPage, TrainingStep

pytestmark = pytest.mark.django_db


def home(client) -> str:
    return client.get("/").content.decode()


def logged_in(*users) -> list[Client]:
    """A client per person, all logged in before any page is read (a login writes the person's last login: content,
    hence a new generation); the pages that follow are then all read in one generation."""
    clients = []
    for user in users:
        client = Client()
        client.cookies["django_language"] = "en"
        if user is not None:
            client.force_login(user)
        clients.append(client)
    return clients


@pytest.fixture
def course(knowledge_index, public_guide, make_guide):
    return knowledge_index.add_child(
        instance=TrainingPathPage(
            title="Prendre en main la plateforme",
            slug="parcours-fragments",
            intended_for=TrainingPathPage.For.EVERYONE,
            steps=[
                TrainingStep(guide=guide, sort_order=index)
                for index, guide in enumerate([public_guide, make_guide("Trouver un avis")])
            ],
        )
    )


def test_latest_guides_are_kept_per_audience(home_page, public_guide, buyers_guide, buyer, company_member):
    buyer_client, company_client, visitor = logged_in(buyer, company_member, None)
    generation = page_cache.generation()

    assert "Négocier avec les candidats" in home(buyer_client)
    for client in (company_client, visitor):
        page = home(client)
        assert "Seuils des MAPA" in page
        assert "Négocier avec les candidats" not in page
    assert page_cache.generation() == generation


def test_a_guide_published_shows_on_the_next_request(home_page, public_guide, make_guide, buyer):
    (client,) = logged_in(buyer)
    assert "Clauses sociales" not in home(client)
    make_guide("Clauses sociales", Audience.BUYERS)
    assert "Clauses sociales" in home(client)


def test_ones_progress_is_kept_for_oneself_alone_and_a_step_done_shows_at_once(course, buyer, make_user, body):
    colleague = make_user("collegue@rennes.fr", body)
    first = TrainingStep.objects.filter(path=course).order_by("sort_order").first()
    actions.do_mark_step_done(buyer, first)
    buyer_client, colleague_client = logged_in(buyer, colleague)
    generation = page_cache.generation()

    assert "1 of 2 steps done" in home(buyer_client)
    assert "0 of 2 steps done" in home(colleague_client)
    assert page_cache.generation() == generation

    actions.do_mark_step_done(colleague, first)
    assert "1 of 2 steps done" in home(colleague_client)
    second = TrainingStep.objects.filter(path=course).order_by("sort_order").last()
    actions.do_mark_step_done(buyer, second)
    assert "Continue your course" not in home(buyer_client)  # finished: the section goes
