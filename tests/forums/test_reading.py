"""Reading the forums: who sees which category, topic, list and feed; ordering, filters and the topic page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from forums import reading
from forums.models import Attachment, Post, Topic

ROLES = ["visitor", "company_member", "buyer", "other_buyer", "group_member", "platform_admin"]
CATEGORIES = ["public_category", "members_category", "buyers_category", "org_category", "group_category"]
# Who may read what: each category's readers among the roles above (the refusals are the rest).
READERS = {
    "public_category": set(ROLES),
    "members_category": set(ROLES) - {"visitor"},
    "buyers_category": {"buyer", "other_buyer", "group_member", "platform_admin"},
    "org_category": {"buyer", "platform_admin"},
    "group_category": {"group_member", "platform_admin"},
}
MATRIX = [(category, role, role in READERS[category]) for category in CATEGORIES for role in ROLES]


@pytest.fixture
def as_role(request, client, login):
    def become(role):
        if role == "visitor":
            return client
        return login(request.getfixturevalue(role))

    return become


@pytest.fixture
def author(make_user, body):
    return make_user("auteur@rennes.fr", body, first_name="Alice", last_name="Auteur")


@pytest.mark.parametrize(("category_name", "role", "allowed"), MATRIX)
def test_category_and_topic_pages_are_shown_to_readers_only(
    request, as_role, author, make_topic, category_name, role, allowed
):
    category = request.getfixturevalue(category_name)
    topic = make_topic(category, author, title=f"Sujet de {category.name}")
    client = as_role(role)
    expected = 200 if allowed else 404
    assert client.get(reverse("forums:category", args=[category.slug])).status_code == expected
    assert client.get(reverse("forums:topic", args=[topic.pk])).status_code == expected
    assert client.get(reverse("forums:first_unread", args=[topic.pk])).status_code == (302 if allowed else 404)
    for name in ("forums:index", "forums:latest", "forums:unanswered"):
        content = client.get(reverse(name)).content.decode()
        assert (topic.title in content or category.name in content) is allowed, name
    home_topics = reading.active_topics(client.get(reverse("forums:index")).wsgi_request.user)
    assert (topic in home_topics) is allowed


@pytest.mark.parametrize(("category_name", "role", "allowed"), MATRIX)
def test_the_feed_serves_public_categories_only_whoever_asks(
    request, as_role, author, make_topic, category_name, role, allowed
):
    category = request.getfixturevalue(category_name)
    make_topic(category, author, title="Sujet du flux")
    response = as_role(role).get(reverse("forums:category_feed", args=[category.slug]))
    if category_name == "public_category":
        assert response.status_code == 200
        assert "Sujet du flux" in response.content.decode()
    else:
        assert response.status_code == 404


def test_a_public_sub_category_of_a_restricted_parent_is_not_readable_nor_in_a_feed(
    client, login, make_category, buyers_category, author, make_topic, company_member
):
    child = make_category("Sous-catégorie", parent=buyers_category)
    topic = make_topic(child, author, title="Sujet caché aux entreprises")
    assert client.get(reverse("forums:category_feed", args=[child.slug])).status_code == 404
    login(company_member)
    assert client.get(reverse("forums:category", args=[child.slug])).status_code == 404
    assert client.get(reverse("forums:topic", args=[topic.pk])).status_code == 404
    assert "Sujet caché aux entreprises" not in client.get(reverse("forums:latest")).content.decode()


def test_the_index_lists_sub_categories_under_their_parent_with_counts(
    client, make_category, public_category, author, make_topic, reply
):
    child = make_category("Marchés de travaux", parent=public_category, description="Les chantiers")
    topic = make_topic(child, author, title="Révision des prix")
    reply(topic, author, "Voici la formule")
    content = client.get(reverse("forums:index")).content.decode()
    assert content.index(public_category.name) < content.index("Marchés de travaux")
    assert "Les chantiers" in content
    assert "Révision des prix" in content  # last active topic
    category_page = client.get(reverse("forums:category", args=[public_category.slug])).content.decode()
    assert "Marchés de travaux" in category_page


def test_hidden_and_merged_topics_are_listed_for_moderators_only(
    client, login, make_category, author, make_topic, make_user, body
):
    moderator = make_user("moderatrice@rennes.fr", body)
    category = make_category("Modérée", moderators=[moderator])
    make_topic(category, author, title="Sujet visible")
    hidden = make_topic(category, author, title="Sujet masqué", is_hidden=True)
    target = make_topic(category, author, title="Sujet cible")
    merged = make_topic(category, author, title="Sujet fusionné")
    Topic.objects.filter(pk=merged.pk).update(merged_into=target)
    url = reverse("forums:category", args=[category.slug])
    for reader in (client, login(author)):
        content = reader.get(url).content.decode()
        assert "Sujet visible" in content
        assert "Sujet masqué" not in content
        assert "Sujet fusionné" not in content
        assert "Sujet masqué" not in reader.get(reverse("forums:latest")).content.decode()
        assert reader.get(reverse("forums:topic", args=[hidden.pk])).status_code == 404
    login(moderator)
    assert "Sujet masqué" in client.get(url).content.decode()
    assert client.get(reverse("forums:topic", args=[hidden.pk])).status_code == 200
    assert "Sujet masqué" not in client.get(reverse("forums:latest")).content.decode()


def test_a_merged_topic_redirects_to_the_topic_it_was_merged_into(client, public_category, author, make_topic):
    target = make_topic(public_category, author, title="Cible")
    merged = make_topic(public_category, author, title="Ancien")
    Topic.objects.filter(pk=merged.pk).update(merged_into=target)
    response = client.get(reverse("forums:topic", args=[merged.pk]))
    assert response.status_code == 302
    assert response.url == reverse("forums:topic", args=[target.pk])


def test_pinned_topics_come_first_then_latest_activity(client, make_category, public_category, author, make_topic):
    other = make_category("Autre catégorie")
    now = timezone.now()
    make_topic(public_category, author, title="Ancien sujet", when=now - timezone.timedelta(days=3))
    make_topic(public_category, author, title="Sujet épinglé", is_pinned=True, when=now - timezone.timedelta(days=5))
    make_topic(public_category, author, title="Sujet récent", when=now - timezone.timedelta(days=1))
    make_topic(other, author, title="Annonce générale", is_pinned_globally=True, when=now - timezone.timedelta(days=9))
    make_topic(other, author, title="Sujet d’une autre catégorie")
    content = client.get(reverse("forums:category", args=[public_category.slug])).content.decode()
    positions = [content.index(t) for t in ("Annonce générale", "Sujet épinglé", "Sujet récent", "Ancien sujet")]
    assert positions == sorted(positions)
    assert "Sujet d’une autre catégorie" not in content
    latest = client.get(reverse("forums:latest")).content.decode()
    assert latest.index("Annonce générale") < latest.index("Sujet d’une autre catégorie") < latest.index("Sujet récent")


def test_the_solved_filter_keeps_solved_or_unsolved_topics_and_survives_pagination(
    client, public_category, author, make_topic, reply
):
    solved = make_topic(public_category, author, title="Question résolue")
    answer = reply(solved, author, "La réponse")
    Topic.objects.filter(pk=solved.pk).update(solution=answer)
    make_topic(public_category, author, title="Question ouverte")
    url = reverse("forums:category", args=[public_category.slug])
    solved_page = client.get(url, {"etat": "resolus"}).content.decode()
    assert "Question résolue" in solved_page and "Question ouverte" not in solved_page
    unsolved_page = client.get(url, {"etat": "non-resolus"}).content.decode()
    assert "Question ouverte" in unsolved_page and "Question résolue" not in unsolved_page
    everything = client.get(url, {"etat": "n-importe"}).content.decode()
    assert "Question ouverte" in everything and "Question résolue" in everything


def test_category_pagination_keeps_the_filter(client, public_category, author, make_topic):
    for number in range(35):
        make_topic(public_category, author, title=f"Ouvert {number:02d}")
    content = client.get(reverse("forums:category", args=[public_category.slug]), {"etat": "non-resolus"})
    html = content.content.decode()
    assert "?etat=non-resolus&amp;page=2" in html
    assert 'aria-current="page"' in html
    page_two = client.get(reverse("forums:category", args=[public_category.slug]), {"etat": "non-resolus", "page": 2})
    assert page_two.content.decode().count('class="topic-row') == 5


def test_unanswered_lists_topics_without_replies(client, public_category, author, make_topic, reply):
    answered = make_topic(public_category, author, title="Déjà répondu")
    reply(answered, author, "Oui")
    make_topic(public_category, author, title="En attente de réponse")
    content = client.get(reverse("forums:unanswered")).content.decode()
    assert "En attente de réponse" in content
    assert "Déjà répondu" not in content


def test_my_topics_and_my_subscriptions_need_a_login_and_list_the_right_topics(
    client, login, public_category, make_category, author, buyer, make_topic
):
    from forums.models import Subscription

    watched_category = make_category("Catégorie suivie")
    mine = make_topic(public_category, buyer, title="Mon sujet")
    watched = make_topic(public_category, author, title="Sujet suivi")
    in_watched_category = make_topic(watched_category, author, title="Dans la catégorie suivie")
    muted = make_topic(watched_category, author, title="Sujet en sourdine")
    make_topic(public_category, author, title="Sujet ignoré")
    Subscription.objects.create(user=buyer, topic=watched, level=Subscription.Level.WATCHING)
    Subscription.objects.create(user=buyer, category=watched_category, level=Subscription.Level.WATCHING)
    Subscription.objects.create(user=buyer, topic=muted, level=Subscription.Level.MUTED)
    for name in ("forums:my_topics", "forums:my_subscriptions"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "connexion" in response.url
    login(buyer)
    my_topics = client.get(reverse("forums:my_topics")).content.decode()
    assert mine.title in my_topics and "Sujet suivi" not in my_topics
    subscriptions = client.get(reverse("forums:my_subscriptions")).content.decode()
    assert watched.title in subscriptions and in_watched_category.title in subscriptions
    assert "Sujet en sourdine" not in subscriptions and "Sujet ignoré" not in subscriptions
    assert "Mon sujet" not in subscriptions


def test_subscriptions_to_a_category_one_can_no_longer_read_show_nothing(
    client, login, org_category, author, other_buyer, make_topic
):
    from forums.models import Subscription

    make_topic(org_category, author, title="Sujet interne")
    Subscription.objects.create(user=other_buyer, category=org_category, level=Subscription.Level.WATCHING)
    login(other_buyer)
    assert "Sujet interne" not in client.get(reverse("forums:my_subscriptions")).content.decode()


def test_the_topic_page_shows_posts_with_permalinks_solution_attachments_and_placeholders(
    client, login, make_category, author, make_user, body, make_topic, reply
):
    moderator = make_user("moderatrice@rennes.fr", body)
    category = make_category("Procédures", moderators=[moderator])
    topic = make_topic(category, author, title="Seuils 2026", text="Quels sont les **seuils** ?")
    answer = reply(topic, author, "Le seuil est de 40 000 € HT.")
    deleted = reply(topic, author, "Texte supprimé")
    hidden = reply(topic, author, "Texte masqué")
    Post.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_by=moderator)
    Topic.objects.filter(pk=topic.pk).update(solution=answer)
    Attachment.objects.create(
        post=answer, file="forums/abc", original_name="bareme.pdf", content_type="application/pdf", size=2048
    )
    quoting = reply(topic, author, "> Le seuil\n\nMerci")
    quoting.quoted_posts.add(answer)

    content = client.get(reverse("forums:topic", args=[topic.pk])).content.decode()
    assert "<strong>seuils</strong>" in content
    for number in range(1, 6):
        assert f'id="post-{number}"' in content
    assert 'id="solution-heading"' in content
    assert content.index('id="solution-heading"') < content.index('id="post-2"')
    assert "bareme.pdf" in content
    assert "Message deleted by its author." in content and "Texte supprimé" not in content
    assert "Message hidden by a moderator." in content and "Texte masqué" not in content
    assert f'href="{answer.get_absolute_url()}"' in content  # the quote links back

    login(moderator)
    content = client.get(reverse("forums:topic", args=[topic.pk])).content.decode()
    assert "Texte masqué" in content and "Texte supprimé" not in content
    response = client.get(reverse("forums:topic", args=[topic.pk]))
    assert response.context["perms"] == {"can_post": True, "is_moderator": True}


def test_the_topic_page_is_paginated_by_twenty_posts_and_permalinks_point_to_the_right_page(
    client, public_category, author, make_topic, reply
):
    topic = make_topic(public_category, author)
    posts = [reply(topic, author, f"Réponse {number}") for number in range(2, 26)]
    first_page = client.get(reverse("forums:topic", args=[topic.pk])).content.decode()
    assert 'id="post-20"' in first_page and 'id="post-21"' not in first_page
    assert 'aria-label="Pages of the topic, top"' in first_page
    second = client.get(reverse("forums:topic", args=[topic.pk]), {"page": 2}).content.decode()
    assert 'id="post-21"' in second and 'id="post-25"' in second
    assert posts[-1].get_absolute_url().endswith("?page=2#post-25")


def test_the_topic_context_gives_reaction_counts_and_my_reactions(
    client, login, public_category, author, buyer, make_topic
):
    from forums.models import Reaction

    topic = make_topic(public_category, author)
    first = topic.first_post
    Reaction.objects.create(post=first, user=author, kind=Reaction.Kind.LIKE)
    Reaction.objects.create(post=first, user=buyer, kind=Reaction.Kind.LIKE)
    Reaction.objects.create(post=first, user=buyer, kind=Reaction.Kind.USEFUL)
    login(buyer)
    post = client.get(reverse("forums:topic", args=[topic.pk])).context["posts"][0]
    assert post.reaction_counts == {"like": 2, "useful": 1}
    assert post.my_reactions == {"like", "useful"}


def test_locked_topics_give_no_posting_right_except_to_moderators(
    client, login, make_category, author, platform_admin, make_topic
):
    category = make_category("Verrous")
    topic = make_topic(category, author, is_locked=True)
    login(author)
    assert client.get(reverse("forums:topic", args=[topic.pk])).context["perms"]["can_post"] is False
    login(platform_admin)
    assert client.get(reverse("forums:topic", args=[topic.pk])).context["perms"]["can_post"] is True


def test_a_visitor_cannot_post_and_is_offered_to_log_in(client, public_category, author, make_topic):
    topic = make_topic(public_category, author)
    response = client.get(reverse("forums:topic", args=[topic.pk]))
    assert response.context["perms"]["can_post"] is False
    assert "Log in to reply" in response.content.decode()


def test_the_home_page_section_lists_the_five_most_active_topics_the_visitor_may_read(
    public_category, buyers_category, author, make_topic
):
    now = timezone.now()
    for number in range(7):
        make_topic(public_category, author, title=f"Public {number}", when=now - timezone.timedelta(hours=number))
    make_topic(buyers_category, author, title="Réservé", when=now + timezone.timedelta(hours=1))
    titles = [t.title for t in reading.active_topics(AnonymousUser())]
    assert titles == [f"Public {number}" for number in range(5)]
    assert "Réservé" in [t.title for t in reading.active_topics(author)]


def test_the_home_page_shows_the_active_discussions_section(client, public_category, author, make_topic):
    from wagtail.models import Page, Site

    from intranet.models import HomePage

    make_topic(public_category, author, title="Discussion active")
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or not isinstance(site.root_page.specific, HomePage):
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Accueil", slug="accueil-forums"))
        Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "testserver"})
    content = client.get("/").content.decode()
    assert "Active discussions" in content
    assert "Discussion active" in content
