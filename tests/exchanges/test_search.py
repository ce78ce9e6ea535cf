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


def test_a_person_who_leaves_the_body_no_longer_finds_its_acts_at_the_next_search(
    rf, django_capture_on_commit_callbacks, make_draft, transmitter, buyer
):
    """The reader's bodies and authorities are kept between searches until the content changes: a buyer who
    leaves the body gets none of its acts at the next search, from the engine nor from the hook's re-check (the
    index is not touched)."""
    from exchanges.search_hooks import drop_unreadable_acts
    from intranet.models import Membership, User

    with django_capture_on_commit_callbacks(execute=True):
        sent = actions.do_transmit(transmitter, make_draft(object="Aliénation du presbytère de Kerfeunteun"))
    hits = list(SearchQuerySet().models(Act).auto_query("presbytère").load_all())

    def kept():
        request = rf.get("/")
        request.user = User.objects.get(pk=buyer.pk)
        return [result.object for result in drop_unreadable_acts(request, hits)]

    assert site_search(buyer, "presbytère") == ([sent], 1)
    assert kept() == [sent] and kept() == [sent]  # the second from the kept bodies
    Membership.objects.filter(user=buyer).delete()
    assert kept() == []
    assert site_search(buyer, "presbytère") == ([], 0)
