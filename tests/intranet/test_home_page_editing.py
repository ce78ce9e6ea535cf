"""The home page is edited by editors in Wagtail admin; other roles cannot reach the admin."""

import html

import pytest
from wagtail.models import Site

from intranet.actions.accounts import do_add_member
from intranet.models import HomePage, Membership


@pytest.fixture
def home():
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.mark.django_db
def test_the_default_site_root_is_the_home_page(client, home):
    assert isinstance(home, HomePage)
    response = client.get("/")
    assert response.status_code == 200
    assert html.escape(home.title) in response.content.decode()


@pytest.mark.django_db
def test_an_editor_can_edit_the_home_page_and_the_change_waits_for_publication(login, make_user, body, home):
    editor = make_user("redaction@rennes.fr")
    do_add_member(organization=body, user=editor, role=Membership.Role.EDITOR)
    client = login(editor)
    edit_url = f"/admin/pages/{home.pk}/edit/"
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url,
        {
            "title": "Bienvenue sur la plateforme",
            "slug": home.slug,
            "intro": '{"blocks": [], "entityMap": {}}',
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    home.refresh_from_db()
    # Editors have Wagtail's Editors permissions: their change is a draft until a moderator publishes it.
    assert home.get_latest_revision_as_object().title == "Bienvenue sur la plateforme"
    assert home.title == "Marchés & Partage"
    assert home.has_unpublished_changes


@pytest.mark.django_db
def test_a_buyer_without_the_editor_role_cannot_reach_the_admin(login, buyer, home):
    client = login(buyer)
    response = client.get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_losing_the_editor_role_removes_admin_access(login, make_user, body, org_admin, home):
    from intranet.actions.accounts import do_change_role

    person = make_user("ex-redaction@rennes.fr")
    membership = do_add_member(organization=body, user=person, role=Membership.Role.EDITOR)
    do_change_role(membership, Membership.Role.BUYER, actor=org_admin)
    response = login(person).get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code in (302, 403)
