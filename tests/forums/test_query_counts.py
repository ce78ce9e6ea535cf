"""Reading pages cost the same number of queries with 10 topics as with 10,000.

The numbers include the site shell (session, user, memberships, notifications count, footer pages) and the
access checks (readable categories, groups, moderated categories). If one of those changes on purpose, update
the number here; it must never depend on the number of topics, posts, reactions or attachments.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.models import Attachment, Category, Reaction, Subscription, Topic, TopicReadState
from tests.page_cache_helpers import forget_cached_pages, forget_kept_member_pages, get_cold_and_warm

# Each count includes the header's unread-messages badge of the workspaces (one query for a logged-in reader).
CATEGORY_PAGE_QUERIES = 16  # includes the reader's category subscription form
# In a new content generation: posts, footer and what the header shows of the person read again (its site
# administration link asks the person's permissions: two queries).
TOPIC_PAGE_QUERIES = 23
TOPIC_PAGE_WARM_QUERIES = 16  # the posts (and the footer) kept for readers like this one; the header as above
LATEST_PAGE_QUERIES = 13
INDEX_QUERIES = 12
FEED_QUERIES = 4


@pytest.fixture(params=[10, 10_000], ids=["10 topics", "10,000 topics"])
def many_topics(request, public_category, members_category, buyers_category, make_user, body, buyer):
    """`request.param` topics spread over three categories, some pinned, solved, hidden or read."""
    author = make_user("auteur@rennes.fr", body)
    categories = [public_category, members_category, buyers_category]
    now = timezone.now()
    Topic.objects.bulk_create(
        [
            Topic(
                category=categories[number % 3],
                author=author,
                title=f"Sujet {number:05d}",
                last_post_at=now - timezone.timedelta(minutes=number),
                is_pinned=number % 97 == 0,
                is_hidden=number % 101 == 5,
                reply_count=number % 4,
            )
            for number in range(request.param)
        ],
        batch_size=2000,
    )
    Category.objects.filter(pk__in=[c.pk for c in categories]).update(topic_count=request.param // 3)
    some = list(Topic.objects.order_by("pk").values_list("pk", flat=True)[:50])
    TopicReadState.objects.bulk_create([TopicReadState(user=buyer, topic_id=pk, last_read_number=1) for pk in some])
    Subscription.objects.bulk_create(
        [Subscription(user=buyer, topic_id=pk, level=Subscription.Level.WATCHING) for pk in some[:5]]
    )
    return request.param


@pytest.fixture
def busy_topic(public_category, make_user, body, buyer, make_topic, reply):
    """A topic with 25 posts: reactions, attachments and quotes on each, a solution, a deleted and a hidden post."""
    people = [buyer, *(make_user(f"membre{n}@rennes.fr", body) for n in range(3))]
    topic = make_topic(public_category, people[1], title="Sujet animé")
    posts = [topic.first_post] + [reply(topic, people[n % 4], f"Réponse numéro {n}") for n in range(2, 26)]
    for index, post in enumerate(posts):
        for person in people[: 1 + index % 4]:
            Reaction.objects.create(post=post, user=person, kind=Reaction.Kind.LIKE)
        Reaction.objects.create(post=post, user=people[index % 4], kind=Reaction.Kind.THANKS)
        Attachment.objects.create(
            post=post, file=f"forums/f{index}", original_name=f"piece-{index}.pdf", content_type="application/pdf",
            size=1000 + index,
        )  # fmt: skip
        if index:
            post.quoted_posts.add(posts[index - 1])
    posts[3].deleted_at = timezone.now()
    posts[4].hidden_at = timezone.now()
    for post in posts[3:5]:
        post.save(update_fields=["deleted_at", "hidden_at"])
    Topic.objects.filter(pk=topic.pk).update(solution=posts[22])  # on page 2: fetched separately on page 1
    return topic


@pytest.fixture
def reader(login, buyer):
    return login(buyer)


def _pinned(client, django_assert_num_queries, url, expected):
    client.get(url)  # warm the caches every request shares, and create the read state
    response = get_cold_and_warm(client, django_assert_num_queries, url, expected)
    assert response.status_code == 200
    return response


def test_the_category_page_costs_the_same_queries_whatever_the_number_of_topics(
    reader, django_assert_num_queries, many_topics, public_category
):
    url = reverse("forums:category", args=[public_category.slug])
    response = _pinned(reader, django_assert_num_queries, url, CATEGORY_PAGE_QUERIES)
    assert response.content.decode().count('class="topic-row') == min(-(-many_topics // 3), 30)


def test_the_filtered_category_page_costs_the_same_queries(
    reader, django_assert_num_queries, many_topics, public_category
):
    url = reverse("forums:category", args=[public_category.slug]) + "?etat=non-resolus"
    _pinned(reader, django_assert_num_queries, url, CATEGORY_PAGE_QUERIES)


def test_the_topic_page_costs_the_same_queries_whatever_the_number_of_topics(
    reader, django_assert_num_queries, many_topics, busy_topic
):
    url = reverse("forums:topic", args=[busy_topic.pk])
    reader.get(url)  # warm the caches every request shares, and create the read state
    reader.get(url)  # the read mark settled: the next views have the same reader's facts
    forget_cached_pages()  # a new content generation: the posts are rendered again
    with django_assert_num_queries(TOPIC_PAGE_QUERIES):
        response = reader.get(url)
    content = response.content.decode()
    assert content.count('aria-labelledby="post-') == 20
    assert 'id="solution-heading"' in content
    assert "piece-19.pdf" in content
    posts = response.context["posts"]
    assert posts[3].reaction_counts == {"like": 4, "thanks": 1}
    # The kept posts (intranet/fragments.py): the same page without the posts' four queries.
    forget_kept_member_pages()  # the page itself rendered again for its person, with its kept parts
    with django_assert_num_queries(TOPIC_PAGE_WARM_QUERIES):
        warm = reader.get(url)
    assert warm.content.decode().count('aria-labelledby="post-') == 20


def test_the_latest_page_costs_the_same_queries_whatever_the_number_of_topics(
    reader, django_assert_num_queries, many_topics
):
    response = _pinned(reader, django_assert_num_queries, reverse("forums:latest"), LATEST_PAGE_QUERIES)
    assert response.content.decode().count('class="topic-row') == min(Topic.objects.filter(is_hidden=False).count(), 30)


def test_the_other_lists_cost_the_same_queries_whatever_the_number_of_topics(
    reader, django_assert_num_queries, many_topics
):
    # No globally pinned topics on these lists; "my topics" is empty here (no page query after the count).
    expected = {"forums:unanswered": 12, "forums:my_subscriptions": 12, "forums:my_topics": 11}
    for name, queries in expected.items():
        _pinned(reader, django_assert_num_queries, reverse(name), queries)


def test_the_index_costs_the_same_queries_whatever_the_number_of_topics(reader, django_assert_num_queries, many_topics):
    _pinned(reader, django_assert_num_queries, reverse("forums:index"), INDEX_QUERIES)


def test_the_feed_costs_the_same_queries_whatever_the_number_of_topics(
    client, django_assert_num_queries, many_topics, public_category
):
    response = _pinned(
        client, django_assert_num_queries, reverse("forums:category_feed", args=[public_category.slug]), FEED_QUERIES
    )
    visible = Topic.objects.filter(category=public_category, is_hidden=False).count()
    assert response.content.decode().count("<entry>") == min(visible, 20)
