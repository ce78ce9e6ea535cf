"""Moderation verbs: lock, pin, move, split, merge, hide — effects, counters, refusals and audit rows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from forums.actions.moderation import hide, lock, merge, move, pin, split
from forums.models import Category, Post, Topic
from intranet.models import AuditEvent

pytestmark = pytest.mark.django_db
Visibility = Category.Visibility


def audit_verbs():
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.FORUM_MODERATION)
        .order_by("id")
        .values_list("details__verb", flat=True)
    )


@pytest.fixture
def moderator(make_user, body):
    return make_user("moderatrice@rennes.fr", body)


@pytest.fixture
def category(make_category, moderator):
    return make_category("Procédures", moderators=[moderator])


@pytest.fixture
def other_category(make_category, moderator):
    return make_category("Achats durables", moderators=[moderator])


@pytest.fixture
def at():
    start = timezone.now() - datetime.timedelta(days=3)
    return lambda minutes: start + datetime.timedelta(minutes=minutes)


@pytest.fixture
def topic(make_topic, reply, category, buyer, other_buyer, at):
    topic = make_topic(category, buyer, title="Seuils de procédure", when=at(0))
    for n in range(1, 5):
        reply(topic, other_buyer if n % 2 else buyer, f"Réponse {n}", when=at(n * 10))
    topic.refresh_from_db()
    return topic


def numbers(topic):
    return list(Post.objects.filter(topic=topic).order_by("number").values_list("number", "source"))


def check_counters(*categories):
    """Each category's counters equal what its rows say."""
    for category in categories:
        category.refresh_from_db()
        topics = Topic.objects.filter(category=category, merged_into__isnull=True)
        assert category.topic_count == topics.count()
        assert category.post_count == Post.objects.filter(topic__in=topics).count()
        for t in topics:
            posts = list(Post.objects.filter(topic=t).order_by("number"))
            assert [p.number for p in posts] == list(range(1, len(posts) + 1))
            assert t.reply_count == len(posts) - 1
            assert t.first_post_id == posts[0].pk
            assert t.last_post_id == posts[-1].pk
            assert t.last_post_at == posts[-1].created_at


# --- lock and pin -------------------------------------------------------------------------------


def test_lock_topic_locks_it_and_is_audited(moderator, topic):
    lock.do_lock_topic(moderator, topic)
    topic.refresh_from_db()
    assert topic.is_locked
    lock.do_unlock_topic(moderator, topic)
    topic.refresh_from_db()
    assert not topic.is_locked
    assert audit_verbs() == ["lock", "unlock"]
    event = AuditEvent.objects.filter(action=AuditEvent.Action.FORUM_MODERATION).first()
    assert event.actor == moderator and event.details["topic"] == topic.pk


def test_locking_a_locked_topic_again_writes_no_second_audit_row(moderator, topic):
    lock.do_lock_topic(moderator, topic)
    lock.do_lock_topic(moderator, topic)
    assert audit_verbs() == ["lock"]


def test_pin_in_category_and_globally(moderator, topic):
    pin.do_pin_topic(moderator, topic)
    pin.do_pin_topic_globally(moderator, topic)
    topic.refresh_from_db()
    assert topic.is_pinned and topic.is_pinned_globally
    pin.do_unpin_topic(moderator, topic)
    pin.do_unpin_topic_globally(moderator, topic)
    topic.refresh_from_db()
    assert not topic.is_pinned and not topic.is_pinned_globally
    assert audit_verbs() == ["pin", "pin_globally", "unpin", "unpin_globally"]


def test_moderator_of_parent_category_moderates_its_children(make_category, make_topic, moderator, buyer):
    parent = make_category("Entre acheteurs", moderators=[moderator])
    child = make_category("Mutualisation", parent=parent)
    topic = make_topic(child, buyer)
    lock.do_lock_topic(moderator, topic)
    topic.refresh_from_db()
    assert topic.is_locked


@pytest.mark.parametrize("verb", ["lock", "pin", "pin_globally", "unhide"])
def test_topic_verbs_are_refused_to_readers_who_do_not_moderate(login, topic, buyer, verb):
    response = login(buyer).post(reverse(f"forums:topic_{verb}", args=[topic.pk]))
    assert response.status_code == 403
    assert audit_verbs() == []


@pytest.mark.parametrize("verb", ["lock", "pin", "pin_globally"])
def test_topic_verbs_are_refused_to_moderators_of_another_category(login, make_user, make_category, topic, verb):
    elsewhere = make_user("modo@ailleurs.fr")
    make_category("Autre catégorie", moderators=[elsewhere])
    response = login(elsewhere).post(reverse(f"forums:topic_{verb}", args=[topic.pk]))
    assert response.status_code == 403
    topic.refresh_from_db()
    assert not topic.is_locked and not topic.is_pinned and not topic.is_pinned_globally


def test_topic_verbs_are_refused_to_the_action_layer_too(topic, buyer):
    with pytest.raises(PermissionDenied):
        lock.do_lock_topic(buyer, topic)


def test_lock_through_the_page_redirects_to_the_topic(login, moderator, topic):
    response = login(moderator).post(reverse("forums:topic_lock", args=[topic.pk]))
    assert response.status_code == 302 and response.url == topic.get_absolute_url()
    topic.refresh_from_db()
    assert topic.is_locked


def test_topic_verbs_need_post(login, moderator, topic):
    assert login(moderator).get(reverse("forums:topic_lock", args=[topic.pk])).status_code == 405


def test_moderation_of_an_unreadable_topic_is_a_404(login, make_category, make_topic, buyer, company_member):
    secret = make_category("Entre acheteurs", Visibility.BUYERS)
    topic = make_topic(secret, buyer)
    assert login(company_member).post(reverse("forums:topic_lock", args=[topic.pk])).status_code == 404


def test_platform_admin_moderates_everything(login, platform_admin, topic):
    login(platform_admin).post(reverse("forums:topic_pin_globally", args=[topic.pk]))
    topic.refresh_from_db()
    assert topic.is_pinned_globally


# --- move ----------------------------------------------------------------------------------------


def test_move_topic_moves_it_and_both_counters_follow(moderator, topic, category, other_category):
    move.do_move_topic(moderator, topic, other_category)
    topic.refresh_from_db()
    assert topic.category == other_category
    category.refresh_from_db()
    other_category.refresh_from_db()
    assert (category.topic_count, category.post_count, category.last_activity_at) == (0, 0, None)
    assert (other_category.topic_count, other_category.post_count) == (1, 5)
    assert other_category.last_activity_at == topic.last_post_at
    check_counters(category, other_category)
    event = AuditEvent.objects.get(action=AuditEvent.Action.FORUM_MODERATION)
    assert event.details == {
        "verb": "move",
        "topic": topic.pk,
        "from_category": category.pk,
        "to_category": other_category.pk,
    }


def test_move_to_a_category_the_moderator_does_not_moderate_is_refused(moderator, topic, make_category):
    elsewhere = make_category("Ailleurs")
    with pytest.raises(PermissionDenied):
        move.do_move_topic(moderator, topic, elsewhere)
    topic.refresh_from_db()
    assert topic.category_id != elsewhere.pk


def test_move_to_a_category_the_moderator_cannot_read_is_refused(make_user, make_category, topic, category, company):
    # A company person moderating a public category cannot read a buyers-only one: no move there.
    mod = make_user("modo@entreprise.fr", company)
    category.moderators.add(mod)
    secret = make_category("Interne", Visibility.BUYERS)
    with pytest.raises(PermissionDenied):
        move.do_move_topic(mod, topic, secret)


def test_move_page_lists_only_moderated_categories(login, moderator, topic, other_category, make_category):
    make_category("Pas modérée")
    response = login(moderator).get(reverse("forums:topic_move", args=[topic.pk]))
    assert response.status_code == 200
    choices = [c.pk for c in response.context["form"].fields["category"].queryset]
    assert choices == [other_category.pk]


def test_move_page_moves(login, moderator, topic, other_category):
    url = reverse("forums:topic_move", args=[topic.pk])
    response = login(moderator).post(url, {"category": other_category.pk})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.category == other_category


def test_move_page_refuses_non_moderators(login, buyer, topic, other_category):
    response = login(buyer).post(reverse("forums:topic_move", args=[topic.pk]), {"category": other_category.pk})
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.category_id != other_category.pk


# --- split -----------------------------------------------------------------------------------------


def test_split_moves_chosen_replies_to_a_new_topic_and_renumbers_both(moderator, topic, category, other_category):
    posts = {p.number: p for p in Post.objects.filter(topic=topic)}
    new = split.do_split_topic(
        moderator, topic, [posts[4].pk, posts[2].pk], title="Mutualiser les achats", category=other_category
    )
    assert numbers(topic) == [(1, "Premier message"), (2, "Réponse 2"), (3, "Réponse 4")]
    assert numbers(new) == [(1, "Réponse 1"), (2, "Réponse 3")]
    new.refresh_from_db()
    assert new.title == "Mutualiser les achats"
    assert new.author_id == posts[2].author_id
    assert new.category == other_category
    check_counters(category, other_category)
    topic.refresh_from_db()
    assert topic.reply_count == 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.FORUM_MODERATION)
    assert event.details["verb"] == "split" and event.details["new_topic"] == new.pk
    assert sorted(event.details["posts"]) == sorted([posts[2].pk, posts[4].pk])


def test_split_in_the_same_category(moderator, topic, category):
    last = Post.objects.get(topic=topic, number=5)
    new = split.do_split_topic(moderator, topic, [last.pk], title="Autre question")
    assert new.category == category
    check_counters(category)
    assert category.topic_count == 2


def test_split_refuses_the_first_post_and_foreign_posts(moderator, topic, make_topic, category, buyer):
    from django.core.exceptions import ValidationError

    first = Post.objects.get(topic=topic, number=1)
    foreign = make_topic(category, buyer).first_post
    for ids in ([first.pk], [foreign.pk], []):
        with pytest.raises(ValidationError):
            split.do_split_topic(moderator, topic, ids, title="Nouveau")
    assert audit_verbs() == []


def test_split_clears_a_solution_that_left_the_topic(moderator, topic):
    solution = Post.objects.get(topic=topic, number=3)
    Topic.objects.filter(pk=topic.pk).update(solution=solution)
    topic.refresh_from_db()
    split.do_split_topic(moderator, topic, [solution.pk], title="Nouveau")
    topic.refresh_from_db()
    assert topic.solution_id is None


def test_split_page_creates_the_topic(login, moderator, topic, category):
    reply_ids = list(Post.objects.filter(topic=topic, number__gt=3).values_list("pk", flat=True))
    response = login(moderator).post(
        reverse("forums:topic_split", args=[topic.pk]),
        {"posts": reply_ids, "title": "Nouvelle discussion", "category": category.pk},
    )
    assert response.status_code == 302
    new = Topic.objects.get(title="Nouvelle discussion")
    assert response.url == new.get_absolute_url()
    assert new.reply_count == 1


def test_split_page_refuses_moderators_of_another_category(login, make_user, make_category, topic):
    elsewhere = make_user("modo@ailleurs.fr")
    make_category("Autre", moderators=[elsewhere])
    assert login(elsewhere).get(reverse("forums:topic_split", args=[topic.pk])).status_code == 403


# --- merge -----------------------------------------------------------------------------------------


def test_merge_appends_posts_in_date_order_and_marks_the_topic_merged(
    moderator, topic, make_topic, reply, other_category, category, buyer, at
):
    other = make_topic(other_category, buyer, title="Même question", text="Doublon", when=at(15))
    reply(other, buyer, "Réponse au doublon", when=at(35))
    into = merge.do_merge_topics(moderator, other, topic)
    assert into == topic
    assert [s for _n, s in numbers(topic)] == [
        "Premier message",
        "Réponse 1",
        "Doublon",
        "Réponse 2",
        "Réponse 3",
        "Réponse au doublon",
        "Réponse 4",
    ]
    other.refresh_from_db()
    assert other.merged_into == topic
    assert other.reply_count == 0
    assert not Post.objects.filter(topic=other).exists()
    check_counters(category, other_category)
    category.refresh_from_db()
    other_category.refresh_from_db()
    assert (category.topic_count, category.post_count) == (1, 7)
    assert (other_category.topic_count, other_category.post_count) == (0, 0)
    event = AuditEvent.objects.get(action=AuditEvent.Action.FORUM_MODERATION)
    assert event.details == {"verb": "merge", "topic": other.pk, "into": topic.pk, "category": other_category.pk}


def test_merged_topic_leaves_the_lists(moderator, topic, make_topic, category, buyer):
    from forums.access import visible_topics

    other = make_topic(category, buyer, title="Doublon")
    merge.do_merge_topics(moderator, other, topic)
    assert list(visible_topics(buyer)) == [topic]


def test_merge_into_itself_or_twice_is_refused(moderator, topic, make_topic, category, buyer):
    from django.core.exceptions import ValidationError

    other = make_topic(category, buyer, title="Doublon")
    with pytest.raises(ValidationError):
        merge.do_merge_topics(moderator, topic, topic)
    merge.do_merge_topics(moderator, other, topic)
    with pytest.raises(ValidationError):
        merge.do_merge_topics(moderator, other, topic)


def test_merge_needs_moderation_of_both_categories(moderator, topic, make_category, make_topic, buyer):
    elsewhere = make_category("Ailleurs")
    foreign = make_topic(elsewhere, buyer)
    with pytest.raises(PermissionDenied):
        merge.do_merge_topics(moderator, topic, foreign)
    with pytest.raises(PermissionDenied):
        merge.do_merge_topics(moderator, foreign, topic)


def test_merge_page_asks_for_confirmation_first(login, moderator, topic, make_topic, category, buyer):
    other = make_topic(category, buyer, title="Doublon")
    client = login(moderator)
    url = reverse("forums:topic_merge", args=[other.pk])
    response = client.post(url, {"target": f"http://testserver/forums/t/{topic.pk}/"})
    assert response.status_code == 200
    assert "forums/moderation/merge_confirm.html" in [t.name for t in response.templates]
    other.refresh_from_db()
    assert other.merged_into is None
    response = client.post(url, {"target": str(topic.pk), "confirm": "yes"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.merged_into == topic


def test_merge_page_does_not_reveal_unreadable_topics(login, moderator, topic, make_category, make_topic, buyer, body):
    hidden_from_moderator = make_category("Secret", Visibility.GROUP, group=_group())
    secret = make_topic(hidden_from_moderator, buyer)
    response = login(moderator).post(reverse("forums:topic_merge", args=[topic.pk]), {"target": str(secret.pk)})
    assert response.status_code == 200
    assert response.context["form"].errors["target"] == ["No topic found at this address."]


def _group():
    from django.contrib.auth.models import Group

    return Group.objects.create(name="Groupe fermé")


# --- hide ----------------------------------------------------------------------------------------


def test_hide_and_unhide_post(moderator, topic):
    post = Post.objects.get(topic=topic, number=2)
    hide.do_hide_post(moderator, post)
    post.refresh_from_db()
    assert post.hidden_at is not None and post.hidden_by == moderator
    hide.do_unhide_post(moderator, post)
    post.refresh_from_db()
    assert post.hidden_at is None and post.hidden_by is None
    assert audit_verbs() == ["hide_post", "unhide_post"]


def test_hidden_post_is_a_404_for_readers_and_kept_for_moderators(moderator, topic, buyer):
    from django.http import Http404

    from forums.access import access_post

    post = Post.objects.get(topic=topic, number=2)
    hide.do_hide_post(moderator, post)
    with pytest.raises(Http404):
        access_post(buyer, post.pk)
    assert access_post(moderator, post.pk) == post


def test_posts_of_unreadable_or_hidden_topics_are_a_404(
    moderator, make_category, make_topic, reply, buyer, other_buyer, company_member
):
    from django.http import Http404

    from forums.access import access_post, forget

    buyers_only = make_category("Entre acheteurs", Category.Visibility.BUYERS, moderators=[moderator])
    topic = make_topic(buyers_only, buyer, title="Seuils")
    post = reply(topic, other_buyer, "Une réponse visible")
    with pytest.raises(Http404):
        access_post(company_member, post.pk)  # cannot read the category
    assert access_post(buyer, post.pk) == post
    hide.do_hide_topic(moderator, topic)
    forget(buyer)
    with pytest.raises(Http404):
        access_post(buyer, post.pk)  # the post itself is visible, its topic is hidden
    assert access_post(moderator, post.pk) == post


def test_hide_post_page_refuses_non_moderators(login, topic, other_buyer):
    post = Post.objects.get(topic=topic, number=2)
    assert login(other_buyer).post(reverse("forums:post_hide", args=[post.pk])).status_code == 403
    post.refresh_from_db()
    assert post.hidden_at is None


def test_hide_topic_asks_first_then_hides(login, moderator, topic, buyer, category):
    client = login(moderator)
    url = reverse("forums:topic_hide", args=[topic.pk])
    assert client.get(url).status_code == 200
    topic.refresh_from_db()
    assert not topic.is_hidden
    assert client.post(url).status_code == 302
    topic.refresh_from_db()
    assert topic.is_hidden
    from forums.access import visible_topics

    assert not visible_topics(buyer).exists()
    assert login(buyer).get(topic.get_absolute_url()).status_code == 404
    client = login(moderator)
    client.post(reverse("forums:topic_unhide", args=[topic.pk]))
    topic.refresh_from_db()
    assert not topic.is_hidden
    assert audit_verbs() == ["hide_topic", "unhide_topic"]


def test_hide_topic_refused_to_moderators_of_another_category(login, make_user, make_category, topic):
    elsewhere = make_user("modo@ailleurs.fr")
    make_category("Autre", moderators=[elsewhere])
    assert login(elsewhere).post(reverse("forums:topic_hide", args=[topic.pk])).status_code == 403
    topic.refresh_from_db()
    assert not topic.is_hidden
