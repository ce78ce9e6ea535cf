"""Parts kept for readers alike (intranet/fragments.py) in the knowledge base: the home page's "Latest guides" is kept
per audience (a company's person never gets the one made for buyers), "Continue your course" per person (one's
progress never shows on another's page), and a step done or a guide published shows on the next request."""

import re

import pytest
from django.conf import settings

from knowledge import actions
from knowledge.models import Audience, GuidePage, RelatedGuide, TrainingPathPage, TrainingStep
from tests.page_cache_helpers import logged_in, one_generation

pytestmark = pytest.mark.django_db


def home(client) -> str:
    return client.get("/").content.decode()


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
    with one_generation():
        assert "Négocier avec les candidats" in home(buyer_client)
        for client in (company_client, visitor):
            page = home(client)
            assert "Seuils des MAPA" in page
            assert "Négocier avec les candidats" not in page


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
    with one_generation():
        assert "1 of 2 steps done" in home(buyer_client)
        assert "0 of 2 steps done" in home(colleague_client)

    actions.do_mark_step_done(colleague, first)
    assert "1 of 2 steps done" in home(colleague_client)
    second = TrainingStep.objects.filter(path=course).order_by("sort_order").last()
    actions.do_mark_step_done(buyer, second)
    assert "Continue your course" not in home(buyer_client)  # finished: the section goes


# --- the guide page, kept per audience (knowledge/guide_page.html) ----------------------------------------------


@pytest.fixture
def referring_guide(make_guide, buyers_guide, public_guide):
    """A guide for everyone that names a buyers-only guide in its body and among its related guides."""
    guide = make_guide(
        "Préparer un marché de voirie",
        body=[
            ("text", "<p>Les étapes du marché.</p>"),
            ("guide_reference", {"guide": buyers_guide, "note": "Pour la négociation."}),
        ],
        tags=("mapa",),
    )
    RelatedGuide.objects.create(page=guide, guide=buyers_guide, sort_order=0)
    return guide


@pytest.mark.parametrize("order", [("buyer", "company"), ("company", "buyer")])
def test_a_guides_references_to_buyers_guides_are_kept_for_buyers_only(
    referring_guide, buyers_guide, buyer, company_member, order
):
    clients = dict(zip(("buyer", "company"), logged_in(buyer, company_member), strict=True))
    with one_generation():
        pages = {name: clients[name].get(referring_guide.url).content.decode() for name in order}
    link = f'href="{buyers_guide.url}"'
    assert pages["buyer"].count(link) == 2  # "See also" in the body, and the related guides
    assert link not in pages["company"]
    assert "Les étapes du marché." in pages["company"]


def test_a_published_change_shows_on_the_next_request(referring_guide, company_member):
    (client,) = logged_in(company_member)
    assert "Les étapes du marché." in client.get(referring_guide.url).content.decode()
    referring_guide.body = [("text", "<p>Les étapes, revues en décembre.</p>")]
    referring_guide.save_revision().publish()
    page = client.get(referring_guide.url).content.decode()
    assert "Les étapes, revues en décembre." in page and "Les étapes du marché." not in page


@pytest.mark.parametrize("reader_first", [True, False])
def test_a_preview_of_a_draft_is_never_kept_nor_served_from_what_readers_get(
    referring_guide, buyer, editor, rf, reader_first
):
    """Wagtail's preview (the admin's own path: make_preview_request) of an unpublished change, on the site's
    host, for an editor who reads the same audiences as the buyer: the same keys but for the preview flag."""
    client, editor_client = logged_in(buyer, editor)
    host = {"HTTP_HOST": "localhost"}  # the default site's hostname, as the preview request has it
    if reader_first:
        client.get(referring_guide.url, **host)  # the live guide kept for its readers
    draft = GuidePage.objects.get(pk=referring_guide.pk)
    draft.body = [("text", "<p>Brouillon pas encore publié.</p>")]
    session = editor_client.cookies[settings.SESSION_COOKIE_NAME].value
    original = rf.get("/admin/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}; django_language=en", **host)
    preview = draft.make_preview_request(original_request=original, preview_mode=draft.default_preview_mode)

    assert "Brouillon pas encore publié." in preview.content.decode()
    live = client.get(referring_guide.url, **host).content.decode()
    assert "Brouillon pas encore publié." not in live
    assert "Les étapes du marché." in live


# --- a topic's page of guides, kept per audience and page (knowledge/topic_page.html) ------------------------


@pytest.mark.parametrize("order", [("buyer", "company"), ("company", "buyer")])
def test_a_topics_buyers_guides_are_kept_for_buyers_only(
    topic, public_guide, buyers_guide, buyer, company_member, order
):
    clients = dict(zip(("buyer", "company"), logged_in(buyer, company_member), strict=True))
    with one_generation():
        pages = {name: clients[name].get(topic.url).content.decode() for name in order}
    assert buyers_guide.title in pages["buyer"] and "2 guides" in pages["buyer"]
    assert buyers_guide.title not in pages["company"] and "1 guide" in pages["company"]
    assert public_guide.title in pages["company"]


def test_each_page_of_a_topic_is_kept_apart_and_a_new_guide_shows_at_once(topic, make_guide, company_member):
    for number in range(21):
        make_guide(f"Guide {number:02d}")
    (client,) = logged_in(company_member)
    first = client.get(topic.url).content.decode()
    second = client.get(topic.url + "?page=2").content.decode()
    assert "Guide 00" in first and "Guide 20" not in first
    assert "Guide 20" in second and re.search(r"<title>[^<]*page 2", second)
    make_guide("Guide tout neuf")
    assert "22 guides" in client.get(topic.url).content.decode()
