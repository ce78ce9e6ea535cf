"""Reading pages cost the same number of queries with 10 guides as with 200.

The numbers include the site shell (session, user, memberships, notifications count, footer pages),
Wagtail's routing (one query per URL segment, page privacy) and the feedback/comments below a guide.
If one of those changes on purpose, update the number here; it must never depend on the guide count.
"""

import pytest

from knowledge.models import Audience, RelatedGuide
from tests.page_cache_helpers import forget_cached_pages, forget_kept_member_pages, get_cold_and_warm

AUDIENCES = [Audience.EVERYONE, Audience.MEMBERS, Audience.BUYERS]

# Each count includes the header's unread-messages badge of the workspaces (one query for a logged-in reader).
# A new content generation: the guide, its trail and the footer rendered again (the Site looked up again).
GUIDE_PAGE_QUERIES = 24
GUIDE_PAGE_WARM_QUERIES = 15  # the guide and its trail kept for readers of the same audiences
TOPIC_PAGE_QUERIES = 20
TOPIC_PAGE_WARM_QUERIES = 13  # the topic's guides kept for readers of the same audiences
TAG_PAGE_QUERIES = 23
KNOWLEDGE_INDEX_QUERIES = 19
FEED_QUERIES = 8


@pytest.fixture(params=[10, 200], ids=["10 guides", "200 guides"])
def many_guides(request, make_guide):
    guides = [
        make_guide(f"Guide {number:03d}", audience=AUDIENCES[number % 3], tags=("mapa", f"theme-{number % 4}"))
        for number in range(request.param)
    ]
    RelatedGuide.objects.create(page=guides[4], guide=guides[1], sort_order=0)
    return guides


@pytest.fixture
def reader(client, login, buyer):
    return login(buyer)


def _pinned(reader, django_assert_num_queries, url, expected):
    reader.get(url)  # warm the caches every request shares (site root paths, content types)
    response = get_cold_and_warm(reader, django_assert_num_queries, url, expected)
    assert response.status_code == 200
    return response


def test_the_guide_page_costs_the_same_queries_whatever_the_number_of_guides(
    reader, django_assert_num_queries, many_guides
):
    url = many_guides[4].url
    reader.get(url)  # warm the caches every request shares (site root paths, content types)
    forget_cached_pages()  # a new content generation: the guide (and the footer) rendered again
    with django_assert_num_queries(GUIDE_PAGE_QUERIES):
        response = reader.get(url)
    assert "guide-related" in response.content.decode()
    # The guide and its trail kept for readers of the same audiences (intranet/fragments.py).
    forget_kept_member_pages()  # the page itself rendered again for its person, with its kept parts
    with django_assert_num_queries(GUIDE_PAGE_WARM_QUERIES):
        warm = reader.get(url)
    assert warm.content.decode().count("guide-related") == response.content.decode().count("guide-related")


def test_the_topic_page_costs_the_same_queries_whatever_the_number_of_guides(
    reader, django_assert_num_queries, many_guides, topic
):
    reader.get(topic.url)  # warm the caches every request shares (site root paths, content types)
    forget_cached_pages()  # a new content generation: the topic's guides (and the footer) rendered again
    with django_assert_num_queries(TOPIC_PAGE_QUERIES):
        response = reader.get(topic.url)
    assert response.content.decode().count('class="guide-item"') == min(len(many_guides), 20)
    # The trail, sub-topics and guides kept for readers of the same audiences (intranet/fragments.py).
    forget_kept_member_pages()  # the page itself rendered again for its person, with its kept parts
    with django_assert_num_queries(TOPIC_PAGE_WARM_QUERIES):
        warm = reader.get(topic.url)
    assert warm.content.decode().count('class="guide-item"') == min(len(many_guides), 20)


def test_the_tag_page_costs_the_same_queries_whatever_the_number_of_guides(
    reader, django_assert_num_queries, many_guides, knowledge_index
):
    response = _pinned(reader, django_assert_num_queries, f"{knowledge_index.url}tags/mapa/", TAG_PAGE_QUERIES)
    assert response.content.decode().count('class="guide-item"') == min(len(many_guides), 20)


def test_the_knowledge_base_costs_the_same_queries_whatever_the_number_of_guides(
    reader, django_assert_num_queries, many_guides, knowledge_index
):
    response = _pinned(reader, django_assert_num_queries, knowledge_index.url, KNOWLEDGE_INDEX_QUERIES)
    assert f"{len(many_guides)} guides" in response.content.decode()


def test_the_feed_costs_the_same_queries_whatever_the_number_of_guides(
    client, django_assert_num_queries, many_guides, knowledge_index
):
    response = _pinned(client, django_assert_num_queries, f"{knowledge_index.url}feed/", FEED_QUERIES)
    assert response.content.decode().count("<entry>") == min(
        len([g for g in many_guides if g.audience == "everyone"]), 20
    )
