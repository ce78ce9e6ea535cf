"""The demo forum: categories of every visibility, French discussions with solutions and reactions, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from forums import access
from forums.demo import CATEGORIES, GENERATED_SLUG, TOPICS, add_generated_topics, create_forums
from forums.models import Category, Post, Reaction, Topic
from intranet.management.commands.seed_demo import email_for
from intranet.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_creates_every_category_and_discussion(seeded):
    assert set(Category.objects.values_list("slug", flat=True)) >= {c.slug for c in CATEGORIES}
    assert Topic.objects.filter(category__slug__in=[c.slug for c in CATEGORIES]).count() == len(TOPICS)
    assert {c.visibility for c in Category.objects.all()} == set(Category.Visibility.values)
    assert Category.objects.get(slug="mutualisation").parent.slug == "entre-acheteurs"
    assert Category.objects.get(slug="ville-de-rennes-interne").organization.name == "Ville de Rennes"


def test_demo_counters_and_numbers_are_consistent(seeded):
    for category in Category.objects.all():
        topics = Topic.objects.filter(category=category, merged_into__isnull=True)
        assert category.topic_count == topics.count()
        assert category.post_count == Post.objects.filter(topic__in=topics).count()
        for topic in topics.annotate(n=Count("posts")):
            numbers = list(topic.posts.order_by("number").values_list("number", flat=True))
            assert numbers == list(range(1, topic.n + 1))
            assert topic.reply_count == topic.n - 1
            assert topic.first_post.number == 1 and topic.last_post.number == topic.n
            assert topic.last_post_at == topic.last_post.created_at
            assert topic.created_at <= topic.last_post_at


def test_demo_has_solved_topics_reactions_and_rendered_html(seeded):
    solved = Topic.objects.filter(solution__isnull=False)
    assert solved.count() >= 5
    for topic in solved:
        assert topic.solution.topic_id == topic.pk and topic.solution.number > 1
    assert Reaction.objects.count() >= 20
    post = Post.objects.filter(source__contains="R. 2122-8").get()
    assert post.html.startswith("<p>") and "R. 2122-8" in post.html


def test_demo_people_read_what_their_role_allows(seeded):
    buyer_rennes = User.objects.get(email=email_for("acheteur.rennes"))
    buyer_chu = User.objects.get(email=email_for("acheteur.chu-brest"))
    company = User.objects.get(email=email_for("commercial.breizh-proprete"))
    slugs = lambda user: set(access.readable_categories(user).values_list("slug", flat=True))  # noqa: E731
    assert "ville-de-rennes-interne" in slugs(buyer_rennes)
    assert "reseau-acheteurs-hospitaliers" not in slugs(buyer_rennes)
    assert {"reseau-acheteurs-hospitaliers", "mutualisation"} <= slugs(buyer_chu)
    assert "ville-de-rennes-interne" not in slugs(buyer_chu)
    assert slugs(company) == {"procedures-et-seuils", "achats-durables"}


def test_demo_categories_have_moderators_from_the_demo_admins(seeded):
    for demo in CATEGORIES:
        category = Category.objects.get(slug=demo.slug)
        assert set(category.moderators.values_list("email", flat=True)) == {email_for(m) for m in demo.moderators}


def test_demo_is_idempotent(seeded):
    counts = (Category.objects.count(), Topic.objects.count(), Post.objects.count(), Reaction.objects.count())
    assert create_forums() == {"categories": 0, "topics": 0}
    call_command("seed_demo", stdout=io.StringIO())
    assert (Category.objects.count(), Topic.objects.count(), Post.objects.count(), Reaction.objects.count()) == counts


def test_generated_topics_for_benchmarks(seeded):
    assert add_generated_topics(1200) == 1200
    assert add_generated_topics(1200) == 0
    category = Category.objects.get(slug=GENERATED_SLUG)
    assert category.topic_count == 1200 and category.post_count == 1200
    topic = Topic.objects.filter(category=category).first()
    assert topic.first_post_id == topic.last_post_id and topic.first_post.number == 1
