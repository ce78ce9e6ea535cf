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
def test_a_platform_admin_edits_and_publishes_the_home_page(login, platform_admin, home):
    edit_url = f"/admin/pages/{home.pk}/edit/"
    response = login(platform_admin).post(
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
    assert home.title == "Bienvenue sur la plateforme"


@pytest.mark.parametrize("role", [Membership.Role.EDITOR, Membership.Role.BUYER, Membership.Role.ORG_ADMIN])
@pytest.mark.django_db
def test_a_bodys_people_cannot_edit_the_platforms_home_page(login, make_user, body, home, role):
    """The home page and the site's pages are the platform's: a right on them would reach every page
    below, every body's notices included. Editors write guides, buyers their body's notices."""
    person = make_user(f"{role}@rennes.fr", body, role)
    client = login(person)
    response = client.get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code in (302, 403, 404)
    client.post(f"/admin/pages/{home.pk}/edit/", {"title": "Piratée", "slug": home.slug, "action-publish": "1"})
    home.refresh_from_db()
    assert home.title == "Marchés & Partage"
    assert home.get_latest_revision_as_object().title == "Marchés & Partage"
    assert not home.permissions_for_user(person).can_edit()


@pytest.mark.django_db
def test_leaving_the_body_removes_admin_access(login, make_user, body, org_admin, home):
    from intranet.actions.accounts import do_remove_member

    person = make_user("ex-redaction@rennes.fr")
    membership = do_add_member(organization=body, user=person, role=Membership.Role.EDITOR)
    assert login(person).get("/admin/").status_code == 200
    do_remove_member(membership, actor=org_admin)
    response = login(person).get("/admin/")
    assert response.status_code in (302, 403)
    assert not person.groups.exists()
