"""Posting in the forums: who may write where, limits, double clicks, counters under concurrency, edit and delete."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from forums.actions import posting
from forums.models import Category, Post, PostRevision, Topic
from intranet.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def new_topic(client, category, title="Seuils de procédure 2026", source="Quels seuils appliquez-vous ?"):
    return client.post(
        reverse("forums:new_topic", args=[category.slug]), {"topic-title": title, "topic-source": source}
    )


def send_reply(client, topic, source="Nous appliquons 40 000 € HT.", **extra):
    return client.post(reverse("forums:reply", args=[topic.pk]), {"reply-source": source, **extra})


def established(user):
    """An account older than a week with enough posts: the higher posting rate."""
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


# --- who may post where ----------------------------------------------------------------------


def test_visitors_are_sent_to_the_login_page(client, public_category, make_topic, buyer):
    topic = make_topic(public_category, buyer)
    for response in (
        client.get(reverse("forums:new_topic", args=[public_category.slug])),
        new_topic(client, public_category),
        send_reply(client, topic),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Topic.objects.count() == 1
    assert Post.objects.count() == 1


def test_a_buyer_opens_a_topic_with_its_first_post_and_counters(client, login, buyer, public_category):
    login(buyer)
    response = new_topic(client, public_category, source="Quels seuils **appliquez**-vous ?")
    topic = Topic.objects.get()
    post = topic.posts.get()
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert (post.number, post.author, topic.first_post, topic.last_post) == (1, buyer, post, post)
    assert "<strong>appliquez</strong>" in post.html
    assert topic.reply_count == 0
    public_category.refresh_from_db()
    assert (public_category.topic_count, public_category.post_count) == (1, 1)
    assert public_category.last_activity_at == post.created_at


def test_a_company_user_posts_in_public_and_members_categories(
    client, login, company_member, public_category, members_category
):
    login(company_member)
    assert new_topic(client, public_category).status_code == 302
    assert new_topic(client, members_category, title="Dématérialisation des offres").status_code == 302
    assert Topic.objects.filter(author=company_member).count() == 2


def test_a_company_user_cannot_even_see_the_buyers_only_category(
    client, login, company_member, buyer, buyers_category, make_topic
):
    topic = make_topic(buyers_category, buyer)
    login(company_member)
    assert client.get(reverse("forums:new_topic", args=[buyers_category.slug])).status_code == 404
    assert new_topic(client, buyers_category).status_code == 404
    assert send_reply(client, topic).status_code == 404
    assert Post.objects.count() == 1


def test_a_buyer_of_another_body_cannot_post_in_an_organization_category(
    client, login, other_buyer, buyer, org_category, make_topic
):
    topic = make_topic(org_category, buyer)
    login(other_buyer)
    assert new_topic(client, org_category).status_code == 404
    assert send_reply(client, topic).status_code == 404
    login(buyer)
    assert send_reply(client, topic).status_code == 302


def test_an_unconfirmed_account_may_read_but_not_post(client, login, make_user, body, public_category):
    person = make_user("nouveau@rennes.fr", body, email_confirmed_at=None)
    login(person)
    assert client.get(reverse("forums:new_topic", args=[public_category.slug])).status_code == 403
    with pytest.raises(PermissionDenied):
        posting.do_create_topic(person, public_category, "Un sujet", "Un message")


def test_a_locked_topic_refuses_replies_except_from_moderators(
    client, login, buyer, make_user, body, public_category, make_topic
):
    moderator = make_user("moderatrice@rennes.fr", body)
    public_category.moderators.add(moderator)
    topic = make_topic(public_category, buyer, is_locked=True)
    login(buyer)
    assert send_reply(client, topic).status_code == 403
    login(moderator)
    assert send_reply(client, topic, "Je rouvre pour préciser.").status_code == 302
    assert list(topic.posts.values_list("author", flat=True)) == [buyer.pk, moderator.pk]


# --- what a post may be ----------------------------------------------------------------------


def test_an_empty_message_is_refused_and_the_title_kept(client, login, buyer, public_category):
    login(buyer)
    response = new_topic(client, public_category, title="Groupement de commandes", source="   \n ")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please write your message." in html
    assert 'value="Groupement de commandes"' in html
    assert not Topic.objects.exists()


def test_a_message_of_50001_characters_is_refused_with_the_limit_and_the_text_kept(
    client, login, buyer, public_category, make_topic
):
    topic = make_topic(public_category, buyer)
    login(buyer)
    text = "a" * 50_001
    response = client.post(reverse("forums:reply", args=[topic.pk]), {"reply-source": text})
    html = response.content.decode()
    assert response.status_code == 200
    assert "at most 50,000 characters, you typed 50,001" in html
    assert text in html
    assert topic.posts.count() == 1
    assert posting.do_reply(buyer, topic, "b" * 50_000).number == 2


def test_a_title_must_have_three_to_two_hundred_characters(buyer, public_category):
    with pytest.raises(ValidationError) as short:
        posting.do_create_topic(buyer, public_category, "ok", "Un message")
    assert "at least 3 characters" in str(short.value)
    with pytest.raises(ValidationError) as long:
        posting.do_create_topic(buyer, public_category, "x" * 201, "Un message")
    assert "at most 200 characters, you typed 201" in str(long.value)


def test_a_double_click_creates_one_post(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    first = send_reply(client, topic, "Merci pour ce retour.")
    second = send_reply(client, topic, "Merci pour ce retour.")
    assert first["Location"] == second["Location"]
    assert topic.posts.count() == 2
    topic.refresh_from_db()
    assert topic.reply_count == 1


def test_a_double_click_on_a_new_topic_opens_one_topic(client, login, buyer, public_category):
    login(buyer)
    first = new_topic(client, public_category)
    second = new_topic(client, public_category)
    assert first["Location"] == second["Location"]
    assert Topic.objects.count() == 1


def test_the_same_text_later_is_a_new_post(buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    post = posting.do_reply(buyer, topic, "+1")
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(seconds=31))
    assert posting.do_reply(buyer, topic, "+1").pk != post.pk


def test_a_new_user_is_limited_to_three_posts_a_minute_with_a_clear_message(
    client, login, buyer, public_category, make_topic
):
    topic = make_topic(public_category, buyer, when=timezone.now() - timedelta(minutes=5))
    login(buyer)
    for number in range(3):
        assert send_reply(client, topic, f"Réponse {number}").status_code == 302
    response = send_reply(client, topic, "Encore une réponse")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You are posting too fast: at most 3 messages per minute. You can post again in" in html
    assert "Encore une réponse" in html
    assert topic.posts.count() == 4  # the first post and three replies


def test_established_members_may_post_more_and_the_limits_are_settings(buyer, public_category, make_topic, settings):
    established(buyer)
    topic = make_topic(public_category, buyer)
    for number in range(5):
        Post.objects.create(topic=topic, author=buyer, number=10 + number, source="x", html="", content_hash="x")
        Post.objects.filter(author=buyer).update(created_at=timezone.now() - timedelta(hours=1))
    for number in range(10):
        posting.do_reply(buyer, topic, f"Réponse {number}")
    with pytest.raises(ValidationError):
        posting.do_reply(buyer, topic, "Une de trop")
    settings.FORUM_POSTS_PER_MINUTE_ESTABLISHED = 11
    posting.do_reply(buyer, topic, "Maintenant permise")


# --- concurrency ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_replies_at_the_same_moment_both_land_with_distinct_numbers(make_user, make_org, make_category):
    body = make_org("Ville de Vannes")
    author, first, second = (make_user(f"p{i}@vannes.fr", body) for i in range(3))
    category = make_category("Concurrence")
    topic = posting.do_create_topic(author, category, "Un sujet disputé", "Premier message")
    barrier = threading.Barrier(2)
    errors = []

    def write(user, text):
        try:
            barrier.wait(timeout=10)
            posting.do_reply(user, Topic.objects.get(pk=topic.pk), text)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(u, f"Réponse de {u.email}")) for u in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    topic.refresh_from_db()
    category.refresh_from_db()
    assert sorted(topic.posts.values_list("number", flat=True)) == [1, 2, 3]
    assert topic.reply_count == 2
    assert topic.last_post.number in (2, 3)
    assert (category.topic_count, category.post_count) == (1, 3)


# --- edit and delete -----------------------------------------------------------------------


def test_the_author_edits_a_post_keeping_the_previous_text(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer, text="Premier jet")
    post = topic.first_post
    login(buyer)
    response = client.post(reverse("forums:edit_post", args=[post.pk]), {"edit-source": "Version **corrigée**"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.source == "Version **corrigée**"
    assert "<strong>corrigée</strong>" in post.html
    assert post.edit_count == 1 and post.edited_at is not None
    assert list(PostRevision.objects.values_list("source", "edited_by")) == [("Premier jet", buyer.pk)]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FORUM_MODERATION).exists()


def test_others_cannot_edit_and_moderator_edits_are_audited(
    client, login, buyer, make_user, body, public_category, make_topic
):
    colleague = make_user("collegue@rennes.fr", body)
    moderator = make_user("moderatrice@rennes.fr", body)
    public_category.moderators.add(moderator)
    post = make_topic(public_category, buyer, text="Texte").first_post
    login(colleague)
    assert client.get(reverse("forums:edit_post", args=[post.pk])).status_code == 403
    login(moderator)
    client.post(reverse("forums:edit_post", args=[post.pk]), {"edit-source": "Texte modéré"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.FORUM_MODERATION)
    assert event.action == AuditEvent.Action.FORUM_MODERATION
    assert event.details["post_id"] == post.pk


def test_only_moderators_see_the_history_with_an_escaped_diff(
    client, login, buyer, make_user, body, public_category, make_topic
):
    moderator = make_user("moderatrice@rennes.fr", body)
    public_category.moderators.add(moderator)
    post = make_topic(public_category, buyer, text="Ligne <b>un</b>\nLigne deux").first_post
    posting.do_edit_post(buyer, post, "Ligne <b>un</b>\nLigne trois")
    login(buyer)
    assert client.get(reverse("forums:post_history", args=[post.pk])).status_code == 403
    login(moderator)
    html = client.get(reverse("forums:post_history", args=[post.pk])).content.decode()
    assert "-Ligne deux" in html and "+Ligne trois" in html
    assert "<b>un</b>" not in html and "&lt;b&gt;un&lt;/b&gt;" in html


def test_the_author_deletes_a_post_which_leaves_a_placeholder(client, login, buyer, public_category, make_topic, reply):
    topic = make_topic(public_category, buyer)
    post = reply(topic, buyer, "Message regretté")
    login(buyer)
    assert client.get(reverse("forums:delete_post", args=[post.pk])).status_code == 200
    response = client.post(reverse("forums:delete_post", args=[post.pk]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.deleted_at is not None
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Message regretté" not in html
    assert "Message deleted by its author." in html
    topic.refresh_from_db()
    assert topic.reply_count == 1  # counters unchanged: numbers and permalinks stay right


def test_nobody_else_deletes_a_post(client, login, buyer, other_buyer, public_category, make_topic):
    post = make_topic(public_category, buyer).first_post
    login(other_buyer)
    assert client.post(reverse("forums:delete_post", args=[post.pk])).status_code == 403
    post.refresh_from_db()
    assert post.deleted_at is None


# --- quotes --------------------------------------------------------------------------------


def test_quoting_prefills_the_reply_with_a_link_back(
    client, login, buyer, other_buyer, public_category, make_topic, reply
):
    topic = make_topic(public_category, buyer)
    quoted = reply(topic, other_buyer, "Le seuil est de 40 000 € HT.\nDepuis 2020.")
    login(buyer)
    html = client.get(reverse("forums:reply", args=[topic.pk]) + f"?quote={quoted.pk}").content.decode()
    assert f"[Camille Martin wrote]({quoted.get_absolute_url()}):" in html
    assert "&gt; Le seuil est de 40 000 € HT.\n&gt; Depuis 2020." in html
    response = send_reply(
        client, topic, f"> [Camille Martin wrote]({quoted.get_absolute_url()}):\n> x\n\nMerci", quote=quoted.pk
    )
    post = Post.objects.get(pk=Post.objects.latest("pk").pk)
    assert response.status_code == 302
    assert list(post.quoted_posts.all()) == [quoted]
    assert f'href="{quoted.get_absolute_url()}"' in post.html


def test_quoting_a_post_one_cannot_read_is_not_found(
    client, login, buyer, company_member, public_category, buyers_category, make_topic
):
    public_topic = make_topic(public_category, buyer)
    private_post = make_topic(buyers_category, buyer, text="Entre acheteurs").first_post
    login(company_member)
    url = reverse("forums:reply", args=[public_topic.pk])
    assert client.get(f"{url}?quote={private_post.pk}").status_code == 404
    assert client.get(f"{url}?quote=999999").status_code == 404


def test_numbers_follow_the_last_post_even_when_counters_drifted(buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    Topic.objects.filter(pk=topic.pk).update(reply_count=0)
    Post.objects.create(topic=topic, author=buyer, number=5, source="x", html="", content_hash="x")
    assert posting.do_reply(buyer, topic, "Suite").number == 6
    assert Category.objects.get(pk=public_category.pk).post_count == 2


def test_the_topic_page_offers_the_reply_form_and_the_author_s_links(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    post = topic.first_post
    login(buyer)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f'action="{reverse("forums:reply", args=[topic.pk])}"' in html
    assert 'name="reply-source"' in html
    assert f"?quote={post.pk}" in html
    assert reverse("forums:edit_post", args=[post.pk]) in html
    assert reverse("forums:delete_post", args=[post.pk]) in html
    assert client.get(reverse("forums:edit_post", args=[post.pk])).status_code == 200
    assert client.get(reverse("forums:reply", args=[topic.pk])).status_code == 200
