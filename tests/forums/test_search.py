"""Forum topics in the site search: a topic's title and visible posts are indexed, and readers only ever see
the topics of the categories they may read (not even in the count)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from haystack.query import SearchQuerySet

from forums.actions.moderation.hide import do_hide_post, do_hide_topic
from forums.actions.posting import do_delete_post, do_edit_post, do_reply
from forums.models import Category, Post, Topic
from forums.search_hooks import drop_unreadable_forum_hits
from intranet.models import User
from intranet.views.search import reader_query

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_search_index")]


def search_candidates(words: str, request=None) -> list:
    """The index's hits with their objects loaded: narrowed for `request`'s reader at the engine, or, without a
    request (the worker, a shell), everything the index holds."""
    sqs = reader_query(request, words) if request is not None else SearchQuerySet().auto_query(words)
    return list(sqs.load_all()[:1000])


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run `write` and let the queued index updates run, as the worker would after the commit."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def author(make_user, body):
    return make_user("auteur@rennes.fr", body)


@pytest.fixture
def topics(indexed, make_topic, public_category, buyers_category, org_category, author):
    return {
        "public": indexed(make_topic, public_category, author, "Seuils des MAPA en 2026", "Le seuil de procédure."),
        "buyers": indexed(make_topic, buyers_category, author, "Négocier un MAPA", "Retour sur une négociation."),
        "organization": indexed(make_topic, org_category, author, "MAPA de voirie à Rennes", "Notre procédure."),
    }


def search(client, words: str):
    response = client.get(reverse("search"), {"q": words})
    assert response.status_code == 200
    titles = sorted(result.object.title for result in response.context["results"])
    return titles, response.context["result_count"], response.content.decode()


def indexed_pks(words: str) -> set[int]:
    return {int(result.pk) for result in SearchQuerySet().models(Topic).auto_query(words)}


ALL = ["MAPA de voirie à Rennes", "Négocier un MAPA", "Seuils des MAPA en 2026"]


def test_a_visitor_finds_a_public_topic(client, topics):
    titles, count, html = search(client, "seuils")
    assert (titles, count) == (["Seuils des MAPA en 2026"], 1)
    assert reverse("forums:topic", args=[topics["public"].pk]) in html


def test_a_visitor_and_a_company_user_do_not_find_buyers_or_organization_topics(client, login, company_member, topics):
    for web in (client, login(company_member)):
        titles, count, html = search(web, "mapa")
        assert (titles, count) == (["Seuils des MAPA en 2026"], 1)
        assert "Négocier" not in html and "voirie" not in html
    # They are in the index all the same: the page filters them out.
    assert indexed_pks("mapa") == {topic.pk for topic in topics.values()}


def test_a_buyer_of_another_body_finds_buyers_topics_but_not_the_organization_one(login, other_buyer, topics):
    titles, count, _html = search(login(other_buyer), "mapa")
    assert (titles, count) == (["Négocier un MAPA", "Seuils des MAPA en 2026"], 2)


def test_people_of_the_organization_find_its_topic(login, buyer, topics):
    titles, count, _html = search(login(buyer), "mapa")
    assert (titles, count) == (ALL, 3)


def test_platform_admins_and_moderators_find_what_they_read(login, platform_admin, company_member, topics):
    Category.objects.get(pk=topics["organization"].category_id).moderators.add(company_member)
    assert search(login(platform_admin), "mapa")[:2] == (ALL, 3)
    assert search(login(company_member), "mapa")[:2] == (["MAPA de voirie à Rennes", "Seuils des MAPA en 2026"], 2)


def test_a_hidden_topic_disappears(client, login, platform_admin, indexed, topics):
    indexed(do_hide_topic, platform_admin, topics["public"])

    assert topics["public"].pk not in indexed_pks("seuils")
    assert search(client, "seuils")[:2] == ([], 0)
    assert search(login(platform_admin), "seuils")[:2] == ([], 0)


def test_a_topic_hidden_before_the_index_catches_up_is_shown_to_its_moderators_only(
    client, login, make_user, company, topics
):
    moderator = make_user("moderatrice@entreprise.fr", company)
    Category.objects.get(pk=topics["public"].category_id).moderators.add(moderator)
    Topic.objects.filter(pk=topics["public"].pk).update(is_hidden=True)  # no signal: the index still has it

    assert topics["public"].pk in indexed_pks("seuils")
    assert search(client, "seuils")[:2] == ([], 0)
    assert search(login(moderator), "seuils")[:2] == (["Seuils des MAPA en 2026"], 1)


def test_a_topic_moved_to_a_buyers_category_is_hidden_before_the_index_catches_up(client, topics, buyers_category):
    Topic.objects.filter(pk=topics["public"].pk).update(category=buyers_category)
    assert search(client, "seuils")[:2] == ([], 0)


def test_a_merged_topic_is_not_a_hit(client, topics, make_topic, public_category, author, indexed):
    into = indexed(make_topic, public_category, author, "Les seuils, suite", "Suite de la discussion.")
    Topic.objects.filter(pk=topics["public"].pk).update(merged_into=into)
    assert search(client, "seuils")[:2] == (["Les seuils, suite"], 1)


def test_the_words_of_a_reply_make_the_topic_findable(client, buyer, topics, indexed):
    assert search(client, "écoconditionnalité")[:2] == ([], 0)

    indexed(do_reply, buyer, topics["public"], "Pensez à l'écoconditionnalité des offres.")

    assert indexed_pks("écoconditionnalité") == {topics["public"].pk}
    assert search(client, "écoconditionnalité")[:2] == (["Seuils des MAPA en 2026"], 1)


def test_an_edited_reply_is_searched_by_its_new_words(client, buyer, topics, indexed):
    post = indexed(do_reply, buyer, topics["public"], "Un avis sur le sourcing.")
    indexed(do_edit_post, buyer, Post.objects.get(pk=post.pk), "Un avis sur le benchmark fournisseurs.")

    assert indexed_pks("sourcing") == set()
    assert indexed_pks("fournisseurs") == {topics["public"].pk}


def test_hidden_and_deleted_posts_leave_the_index(client, buyer, platform_admin, topics, indexed):
    hidden = indexed(do_reply, buyer, topics["public"], "Un message injurieux sur le titulaire.")
    deleted = indexed(do_reply, buyer, topics["public"], "Message regretté sur la pénalité.")
    assert indexed_pks("injurieux") == indexed_pks("regretté") == {topics["public"].pk}

    indexed(do_hide_post, platform_admin, Post.objects.select_related("topic__category").get(pk=hidden.pk))
    indexed(do_delete_post, buyer, Post.objects.select_related("topic").get(pk=deleted.pk))

    assert indexed_pks("injurieux") == set()
    assert indexed_pks("regretté") == set()
    assert indexed_pks("seuils") == {topics["public"].pk}  # the topic itself stays


def test_a_deleted_topic_leaves_the_index(topics, indexed):
    topic = Topic.objects.get(pk=topics["public"].pk)
    indexed(topic.delete)
    assert indexed_pks("seuils") == set()


def test_the_category_is_indexed_as_an_integer_that_filters_exactly(topics, public_category):
    # One-digit ids: a CharField would match every document (Whoosh drops short tokens).
    in_category = SearchQuerySet().models(Topic).filter(category_id=public_category.pk)
    assert {int(result.pk) for result in in_category} == {topics["public"].pk}


def test_rebuild_index_indexes_visible_topics_and_their_visible_posts(
    make_topic, reply, public_category, author, platform_admin
):
    shown = make_topic(public_category, author, "Achats durables", "Clauses environnementales.")
    reply(shown, author, "Le label européen suffit-il ?")
    hidden_reply = reply(shown, author, "Propos déplacés sur un concurrent.")
    Post.objects.filter(pk=hidden_reply.pk).update(hidden_at=timezone.now())
    make_topic(public_category, author, "Sujet masqué environnemental", "Texte.", is_hidden=True)

    call_command("rebuild_index", interactive=False, verbosity=0)

    assert indexed_pks("label") == {shown.pk}
    assert indexed_pks("concurrent") == set()
    assert indexed_pks("masqué") == set()


def test_the_hook_runs_a_fixed_number_of_queries(rf, make_topic, reply, public_category, buyers_category, author):
    def hits_for(count):
        for n in range(count):
            topic = make_topic(public_category if n % 2 else buyers_category, author, f"Marché {n}", "Texte.")
            reply(topic, author, "Réponse.")
        call_command("rebuild_index", interactive=False, verbosity=0)
        return search_candidates("marché")

    def queries(results, user):
        request = rf.get("/")
        request.user = User.objects.get(pk=user.pk) if user.is_authenticated else user  # no cached access data
        with CaptureQueriesContext(connection) as captured:
            kept = drop_unreadable_forum_hits(request, results)
        return len(captured), kept

    few = hits_for(2)
    many = hits_for(18)
    assert len(many) == 20
    cache.clear()
    few_count, kept_few = queries(few, author)
    cache.clear()
    many_count, kept_many = queries(many, author)
    # The content's generation, the categories, the moderated ones, the memberships, then the kept topics' current
    # text (excerpts).
    assert few_count == many_count <= 5
    assert len(kept_many) == 20  # the author is a buyer: both categories are readable
    # The reader's categories are kept until the content changes: the generation, then the topics' text.
    again, kept_again = queries(many, author)
    assert again == 2 and len(kept_again) == 20
    _count, kept_by_visitor = queries(many, AnonymousUser())
    assert len(kept_by_visitor) == 10


def test_the_readers_categories_kept_between_searches_follow_a_membership_lost_at_once(
    rf, make_topic, buyers_category, author
):
    """The hook keeps a reader's readable categories between searches (until the content changes): a buyer who
    leaves their body no longer gets a buyers-only topic at the next search, though the index still has it."""
    from intranet.models import Membership

    make_topic(buyers_category, author, "Marché réservé", "Texte.")
    call_command("rebuild_index", interactive=False, verbosity=0)
    results = search_candidates("marché")

    def kept():
        request = rf.get("/")
        request.user = User.objects.get(pk=author.pk)
        return drop_unreadable_forum_hits(request, results)

    assert len(kept()) == 1
    assert len(kept()) == 1  # the second search uses the kept categories
    Membership.objects.filter(user=author).delete()
    assert kept() == []
