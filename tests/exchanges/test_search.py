"""Acts in the site search: found by the sending body's people and the recipient authority's, never by anyone
else (nor counted); drafts never; a draft found again once it is transmitted."""

import pytest
from django.urls import reverse
from haystack.query import SearchQuerySet

from exchanges.actions import acts as actions
from exchanges.models import Act
from tests.exchanges.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_search_index")]


def site_search(user, words: str):
    response = client_for(user).get(reverse("search"), {"q": words})
    assert response.status_code == 200
    return [result.object for result in response.context["results"]], response.context["result_count"]


def test_acts_are_found_by_their_body_and_their_authority_only(
    django_capture_on_commit_callbacks,
    make_draft,
    transmitter,
    buyer,
    agent,
    other_admin,
    company_admin,
    make_user,
    treasury,
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.do_transmit(transmitter, make_draft(object="Aliénation du presbytère de Kerfeunteun"))
        draft = make_draft(number="DEL2026_077", object="Acquisition du presbytère voisin")
    indexed = {int(r.pk) for r in SearchQuerySet().models(Act).auto_query("presbytère")}
    assert indexed == {sent.pk}  # the draft is not in the index
    treasury_agent = make_user("sgc@dgfip.finances.gouv.fr", treasury.organization)
    for person in (transmitter, buyer, agent):
        objects, count = site_search(person, "presbytère")
        assert objects == [sent] and count == 1, person
    for person in (other_admin, company_admin, treasury_agent):
        objects, count = site_search(person, "presbytère")
        assert objects == [] and count == 0, person
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_transmit(transmitter, draft)
    objects, count = site_search(agent, "presbytère")
    assert set(objects) == {sent, Act.objects.get(pk=draft.pk)} and count == 2
