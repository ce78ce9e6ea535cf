"""Who reads which guide: members-only and buyers-only guides are invisible (404) to everyone else."""

import pytest

from knowledge.models import Audience, RelatedGuide

pytestmark = pytest.mark.django_db


def _get(client, login, user, url):
    if user is not None:
        login(user)
    return client.get(url)


@pytest.mark.parametrize("reader", [None, "company_admin", "company_member"])
def test_a_members_only_guide_is_not_found_by_visitors_and_company_users(request, client, login, members_guide, reader):
    user = request.getfixturevalue(reader) if reader else None
    response = _get(client, login, user, members_guide.url)
    assert response.status_code == 404
    assert members_guide.title not in response.content.decode()


@pytest.mark.parametrize("reader", ["buyer", "editor", "org_admin", "other_admin", "platform_admin"])
def test_a_members_only_guide_is_read_by_people_of_any_member_body(request, client, login, members_guide, reader):
    response = _get(client, login, request.getfixturevalue(reader), members_guide.url)
    assert response.status_code == 200
    assert members_guide.title in response.content.decode()


@pytest.mark.parametrize("reader", [None, "company_admin", "company_member"])
def test_a_buyers_only_guide_is_not_found_by_visitors_and_company_users(request, client, login, buyers_guide, reader):
    user = request.getfixturevalue(reader) if reader else None
    assert _get(client, login, user, buyers_guide.url).status_code == 404


@pytest.mark.parametrize("reader", ["buyer", "org_admin", "other_admin", "editor", "platform_admin"])
def test_a_buyers_only_guide_is_read_by_buyers_org_admins_and_editors(request, client, login, buyers_guide, reader):
    response = _get(client, login, request.getfixturevalue(reader), buyers_guide.url)
    assert response.status_code == 200
    assert buyers_guide.title in response.content.decode()


def test_a_public_guide_is_read_by_visitors(client, public_guide):
    response = client.get(public_guide.url)
    assert response.status_code == 200
    assert public_guide.title in response.content.decode()


def test_an_unpublished_guide_is_not_found_even_by_an_editor(client, login, editor, make_guide):
    draft = make_guide("Brouillon en cours", live=False)
    assert _get(client, login, editor, draft.url).status_code == 404


@pytest.mark.parametrize("reader", [None, "company_member"])
def test_restricted_guides_are_left_out_of_the_topic_listing(
    request, client, login, topic, public_guide, members_guide, buyers_guide, reader
):
    user = request.getfixturevalue(reader) if reader else None
    page = _get(client, login, user, topic.url).content.decode()
    assert public_guide.title in page
    assert members_guide.title not in page
    assert buyers_guide.title not in page
    assert "1 guide" in page


def test_a_buyer_sees_every_guide_in_the_topic_listing(client, login, buyer, topic, public_guide, members_guide):
    page = _get(client, login, buyer, topic.url).content.decode()
    assert public_guide.title in page
    assert members_guide.title in page


def test_restricted_guides_are_left_out_of_the_tag_page(client, knowledge_index, public_guide, members_guide):
    page = client.get(f"{knowledge_index.url}tags/mapa/").content.decode()
    assert public_guide.title in page
    assert members_guide.title not in page


def test_a_tag_only_restricted_guides_carry_shows_visitors_no_guide(client, knowledge_index, members_guide):
    response = client.get(f"{knowledge_index.url}tags/nettoyage/")
    assert response.status_code == 200
    assert members_guide.title not in response.content.decode()


def test_the_all_tags_page_counts_only_readable_guides(client, knowledge_index, public_guide, members_guide):
    page = client.get(f"{knowledge_index.url}tags/").content.decode()
    assert 'href="/guides/tags/seuils/"' in page
    assert 'href="/guides/tags/nettoyage/"' not in page


def test_restricted_guides_are_left_out_of_related_guides(client, make_guide, public_guide, members_guide):
    RelatedGuide.objects.create(page=public_guide, guide=members_guide, sort_order=0)
    page = client.get(public_guide.url).content.decode()
    assert members_guide.title not in page
    assert members_guide.url not in page


def test_restricted_guides_are_left_out_of_previous_and_next_links(client, make_guide, public_guide, members_guide):
    last = make_guide("Après la notification", Audience.EVERYONE)
    page = client.get(public_guide.url).content.decode()
    assert members_guide.url not in page
    assert f'href="{last.url}" rel="next"' in page


def test_a_reference_to_a_members_only_guide_is_hidden_from_visitors(client, make_guide, members_guide):
    guide = make_guide(
        "Guide avec renvoi",
        body=[("guide_reference", {"guide": members_guide, "note": "Pour aller plus loin"})],
    )
    page = client.get(guide.url).content.decode()
    assert members_guide.title not in page
    assert "Pour aller plus loin" not in page


def test_a_reference_to_a_members_only_guide_is_shown_to_buyers(client, login, buyer, make_guide, members_guide):
    guide = make_guide(
        "Guide avec renvoi",
        body=[("guide_reference", {"guide": members_guide, "note": "Pour aller plus loin"})],
    )
    page = _get(client, login, buyer, guide.url).content.decode()
    assert f'href="{members_guide.url}"' in page
    assert "Pour aller plus loin" in page


@pytest.mark.parametrize("reader", [None, "company_admin"])
def test_restricted_guides_are_left_out_of_the_home_page(
    request, client, login, public_guide, members_guide, buyers_guide, reader
):
    user = request.getfixturevalue(reader) if reader else None
    page = _get(client, login, user, "/").content.decode()
    assert public_guide.title in page
    assert members_guide.title not in page
    assert buyers_guide.title not in page


def test_the_home_page_shows_members_only_guides_to_buyers(client, login, buyer, members_guide):
    assert members_guide.title in _get(client, login, buyer, "/").content.decode()


def test_the_feed_lists_only_guides_for_everyone_even_for_a_logged_in_buyer(
    client, login, buyer, knowledge_index, public_guide, members_guide, buyers_guide
):
    response = _get(client, login, buyer, f"{knowledge_index.url}feed/")
    feed = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert public_guide.title in feed
    assert members_guide.title not in feed
    assert buyers_guide.title not in feed


def test_the_knowledge_base_counts_only_the_guides_the_reader_may_read(
    client, login, buyer, knowledge_index, public_guide, members_guide, buyers_guide
):
    visitor_page = client.get(knowledge_index.url).content.decode()
    assert "1 guide" in visitor_page
    assert members_guide.title not in visitor_page
    buyer_page = _get(client, login, buyer, knowledge_index.url).content.decode()
    assert "3 guides" in buyer_page
