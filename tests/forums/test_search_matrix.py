"""The permission matrix's "search hits" row: for each category visibility and each role, whether the site
search shows the topic — the refusals checked as well (no hit, and not in the count either).

The people, categories and readers are those of test_permission_matrix (imported, not copied). Each cell is
named "<visibility>-<role>", for example "buyers-company_user".
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from forums.models import Topic
from intranet.search import update_search_index
from tests.forums import test_permission_matrix as matrix
from tests.forums.test_permission_matrix import READERS, ROLES, VISIBILITIES, client_for

world = matrix.world  # the same people and categories as the other rows of the matrix

pytestmark = pytest.mark.django_db

CELLS = [pytest.param(v, r, id=f"{v}-{r}") for v in VISIBILITIES for r in ROLES]


@pytest.fixture(autouse=True)
def empty_index(db):
    call_command("clear_index", interactive=False, verbosity=0)
    yield
    call_command("clear_index", interactive=False, verbosity=0)


def search(web, words: str) -> tuple[list[str], int, str]:
    response = web.get(reverse("search"), {"q": words})
    assert response.status_code == 200
    titles = [result.object.title for result in response.context["results"]]
    return titles, response.context["result_count"], response.content.decode()


@pytest.mark.parametrize("visibility,role", CELLS)
def test_search_hits_follow_the_matrix(client, world, visibility, role):
    people, build = world
    _category, topic, _post, _attachment = build(visibility)
    update_search_index.enqueue(Topic._meta.label, str(topic.pk))  # what the worker does after the commit

    titles, count, html = search(client_for(client, people[role]), "réservé")

    if role in READERS[visibility]:
        assert (titles, count) == ([topic.title], 1)
        assert reverse("forums:topic", args=[topic.pk]) in html
    else:
        assert (titles, count) == ([], 0)
        assert topic.title not in html
        assert reverse("forums:topic", args=[topic.pk]) not in html


@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_topic_is_no_hit_for_anyone(client, world, role):
    people, build = world
    _category, topic, _post, _attachment = build("public")
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    update_search_index.enqueue(Topic._meta.label, str(topic.pk))  # the worker removes it from the index

    assert search(client_for(client, people[role]), "réservé")[:2] == ([], 0)
