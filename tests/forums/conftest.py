"""Forum fixtures shared by every forum test: categories per visibility, topics and replies.

The helpers create rows directly (test setup, not the posting actions) but keep them consistent
with what the actions do: post numbers, topic and category counters, last_post/first_post and the
HTML rendered through intranet.text.render_markdown.
"""

import hashlib
import itertools

import pytest
from django.contrib.auth.models import Group
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from forums.models import Category, Post, Topic
from intranet.text import render_markdown

_slug_counter = itertools.count(1)


def _hash(author, text) -> str:
    return hashlib.sha256(f"{author.pk}:{text}".encode()).hexdigest()


def _add_post(topic, author, text, number, when) -> Post:
    post = Post.objects.create(
        topic=topic,
        author=author,
        number=number,
        source=text,
        html=render_markdown(text),
        content_hash=_hash(author, text),
    )
    # created_at is auto_now_add: align it with the topic's clock (tests may pass explicit times).
    Post.objects.filter(pk=post.pk).update(created_at=when)
    post.created_at = when
    return post


@pytest.fixture
def make_category(db):
    def make(
        name,
        visibility=Category.Visibility.PUBLIC,
        parent=None,
        organization=None,
        group=None,
        moderators=(),
        slug=None,
        description="",
        position=0,
    ):
        slug = slug or f"{slugify(name)[:100]}-{next(_slug_counter)}"
        category = Category.objects.create(
            name=name,
            slug=slug,
            visibility=visibility,
            parent=parent,
            organization=organization,
            group=group,
            description=description,
            position=position,
        )
        if moderators:
            category.moderators.set(moderators)
        return category

    return make


@pytest.fixture
def make_topic(db):
    def make(category, author, title="Un sujet", text="Premier message", when=None, **fields):
        when = when or timezone.now()
        topic = Topic.objects.create(category=category, author=author, title=title, last_post_at=when, **fields)
        Topic.objects.filter(pk=topic.pk).update(created_at=when)
        post = _add_post(topic, author, text, 1, when)
        Topic.objects.filter(pk=topic.pk).update(first_post=post, last_post=post)
        Category.objects.filter(pk=category.pk).update(
            topic_count=F("topic_count") + 1, post_count=F("post_count") + 1, last_activity_at=when
        )
        topic.refresh_from_db()
        return topic

    return make


@pytest.fixture
def reply(db):
    def make(topic, author, text="Une réponse", when=None):
        when = when or timezone.now()
        last = Post.objects.filter(topic=topic).order_by("-number").values_list("number", flat=True).first() or 0
        post = _add_post(topic, author, text, last + 1, when)
        Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + 1, last_post=post, last_post_at=when)
        Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") + 1, last_activity_at=when)
        topic.refresh_from_db()
        return post

    return make


@pytest.fixture
def public_category(make_category):
    return make_category("Questions générales", slug="questions-generales")


@pytest.fixture
def members_category(make_category):
    return make_category("Entre membres", Category.Visibility.MEMBERS, slug="entre-membres")


@pytest.fixture
def buyers_category(make_category):
    return make_category("Entre acheteurs", Category.Visibility.BUYERS, slug="entre-acheteurs")


@pytest.fixture
def org_category(make_category, body):
    return make_category(
        "Service achats de Rennes", Category.Visibility.ORGANIZATION, organization=body, slug="achats-rennes"
    )


@pytest.fixture
def sustainable_group(db):
    return Group.objects.create(name="Réseau achats durables")


@pytest.fixture
def group_category(make_category, sustainable_group):
    return make_category(
        "Réseau achats durables", Category.Visibility.GROUP, group=sustainable_group, slug="achats-durables"
    )


@pytest.fixture
def group_member(make_user, other_body, sustainable_group):
    """A buyer of another body who belongs to the “Réseau achats durables” group."""
    user = make_user("durable@chu-brest.fr", other_body)
    user.groups.add(sustainable_group)
    return user


@pytest.fixture
def other_buyer(make_user, other_body):
    """A buyer of another body (not the `body` fixture's organization)."""
    return make_user("acheteuse@chu-brest.fr", other_body)


@pytest.fixture(autouse=True)
def english_interface(settings):
    """Forum tests assert on the English msgids: run them with English as the default language
    (the French catalogue is checked as a whole by CI's msgfmt step and by the site tests)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
