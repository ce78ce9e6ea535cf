"""The Atom feed of a public category: anonymous content only, whoever asks."""

from django.urls import reverse

from forums.models import Topic


def test_the_feed_lists_visible_topics_with_their_first_post(client, public_category, buyer, make_topic):
    make_topic(public_category, buyer, title="Clause sociale", text="Comment rédiger une **clause** ?")
    hidden = make_topic(public_category, buyer, title="Sujet masqué")
    Topic.objects.filter(pk=hidden.pk).update(is_hidden=True)
    response = client.get(reverse("forums:category_feed", args=[public_category.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    content = response.content.decode()
    assert "Clause sociale" in content
    assert "&lt;strong&gt;clause&lt;/strong&gt;" in content  # sanitized HTML, escaped in the entry
    assert "Sujet masqué" not in content
    assert "acheteur@rennes.fr" not in content


def test_no_feed_for_a_restricted_category_even_for_a_logged_in_reader(
    client, login, buyers_category, platform_admin, buyer
):
    for reader in (client, login(buyer), login(platform_admin)):
        assert reader.get(reverse("forums:category_feed", args=[buyers_category.slug])).status_code == 404


def test_no_feed_for_an_unknown_category(client, db):
    assert client.get(reverse("forums:category_feed", args=["inconnue"])).status_code == 404


def test_a_public_category_page_advertises_its_feed_and_a_restricted_one_does_not(
    client, login, public_category, buyers_category, buyer
):
    feed = reverse("forums:category_feed", args=[public_category.slug])
    assert feed in client.get(reverse("forums:category", args=[public_category.slug])).content.decode()
    login(buyer)
    restricted = client.get(reverse("forums:category", args=[buyers_category.slug])).content.decode()
    assert "application/atom+xml" not in restricted
