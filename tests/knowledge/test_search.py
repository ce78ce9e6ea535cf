"""Guides in the site search: live guides are indexed, and readers only ever see the guides they may read."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from haystack.query import SearchQuerySet

from knowledge.models import Audience, GuidePage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_search_index")]


@pytest.fixture
def indexed(make_guide, django_capture_on_commit_callbacks):
    """Create guides and let the queued index updates run, as the worker would after the commit."""

    def make(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return make_guide(*args, **kwargs)

    return make


@pytest.fixture
def three_guides(indexed):
    return {
        "public": indexed("Seuils des MAPA", Audience.EVERYONE, tags=("mapa", "seuils")),
        "members": indexed("Mutualiser un achat de nettoyage", Audience.MEMBERS, tags=("mapa", "nettoyage")),
        "buyers": indexed("Négocier avec les candidats", Audience.BUYERS, tags=("mapa", "négociation")),
    }


def search(client, words: str):
    response = client.get(reverse("search"), {"q": words})
    assert response.status_code == 200
    titles = [result.object.title for result in response.context["results"]]
    return titles, response.context["result_count"], response.content.decode()


def indexed_pks(words: str) -> set[int]:
    return {int(result.pk) for result in SearchQuerySet().models(GuidePage).auto_query(words)}


def test_a_visitor_finds_a_public_guide(client, three_guides):
    titles, count, html = search(client, "seuils")
    assert titles == ["Seuils des MAPA"]
    assert count == 1
    assert three_guides["public"].url in html


def test_a_visitor_does_not_see_members_or_buyers_guides_not_even_in_the_count(client, three_guides):
    titles, count, html = search(client, "mapa")

    assert titles == ["Seuils des MAPA"]
    assert count == 1
    assert "nettoyage" not in html.lower()
    assert "Négocier" not in html
    # They are in the index all the same: the page filters them out.
    assert indexed_pks("mapa") == {guide.pk for guide in three_guides.values()}


def test_a_company_user_sees_only_guides_for_everyone(login, company_member, three_guides):
    titles, count, _html = search(login(company_member), "mapa")
    assert titles == ["Seuils des MAPA"]
    assert count == 1


def test_a_buyer_sees_guides_for_members_and_for_buyers(login, buyer, three_guides):
    titles, count, _html = search(login(buyer), "mapa")
    assert sorted(titles) == ["Mutualiser un achat de nettoyage", "Négocier avec les candidats", "Seuils des MAPA"]
    assert count == 3


def test_editors_and_organization_admins_see_every_guide(login, editor, org_admin, three_guides):
    for person in (editor, org_admin):
        titles, count, _html = search(login(person), "mapa")
        assert count == 3, person


def test_words_of_the_body_and_the_summary_are_searchable(client, indexed):
    guide = indexed(
        "Choisir ses critères",
        summary="Prix, valeur technique et délais.",
        body=[
            ("heading", {"text": "La pondération", "level": "h2"}),
            ("text", "<p>Une grille de <b>notation</b> claire évite les contentieux.</p>"),
            ("callout", {"kind": "warning", "title": "Attention", "text": "<p>Publiez les sous-critères.</p>"}),
        ],
    )
    for words in ("pondération", "contentieux", "sous-critères", "délais"):
        assert indexed_pks(words) == {guide.pk}, words
    titles, _count, _html = search(client, "contentieux")
    assert titles == ["Choisir ses critères"]


def test_the_audience_is_indexed_as_a_keyword_that_filters_exactly(three_guides):
    members_only = SearchQuerySet().models(GuidePage).filter(audience=Audience.MEMBERS)
    assert {int(result.pk) for result in members_only} == {three_guides["members"].pk}
    readable = SearchQuerySet().models(GuidePage).filter(audience__in=[Audience.EVERYONE, Audience.MEMBERS])
    assert {int(result.pk) for result in readable} == {three_guides["public"].pk, three_guides["members"].pk}


def test_an_unpublished_guide_disappears_from_the_index(client, three_guides, django_capture_on_commit_callbacks):
    guide = GuidePage.objects.get(pk=three_guides["public"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        guide.unpublish()

    assert guide.pk not in indexed_pks("mapa")
    titles, count, _html = search(client, "seuils")
    assert (titles, count) == ([], 0)


def test_a_guide_unpublished_through_a_plain_page_object_disappears_too(
    three_guides, django_capture_on_commit_callbacks
):
    from wagtail.models import Page

    page = Page.objects.get(pk=three_guides["public"].pk)  # not the specific GuidePage
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()

    assert three_guides["public"].pk not in indexed_pks("mapa")


def test_drafts_are_never_indexed(indexed):
    draft = indexed("Brouillon confidentiel", Audience.EVERYONE, live=False)
    assert draft.pk not in indexed_pks("confidentiel")


def test_a_guide_made_private_is_hidden_before_the_index_catches_up(client, three_guides):
    # The index still says "everyone" (no save signal here), but hits are re-checked against the database.
    GuidePage.objects.filter(pk=three_guides["public"].pk).update(audience=Audience.BUYERS)

    titles, count, _html = search(client, "seuils")

    assert (titles, count) == ([], 0)
    assert three_guides["public"].pk in indexed_pks("seuils")


def test_rebuild_index_indexes_live_guides_only(make_guide):
    public = make_guide("Répondre par voie électronique", Audience.EVERYONE, tags=("dématérialisation",))
    members = make_guide("Groupement de commandes", Audience.MEMBERS, summary="Coordonner un achat électronique.")
    make_guide("Brouillon électronique", Audience.EVERYONE, live=False)

    call_command("rebuild_index", interactive=False, verbosity=0)

    assert indexed_pks("électronique") == {public.pk, members.pk}
    assert indexed_pks("dématérialisation") == {public.pk}
