"""Each member body's section of the notice list: made with the body, holding its groups' rights, the
buyer of every notice added there, and the migration that moved the existing notices into them."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import GroupPagePermission, Page

from intranet.actions.accounts import do_create_organization, do_update_organization, ensure_body_groups
from intranet.models import BodyGroup, Membership
from procurement import access
from procurement.models import BuyerNoticesPage, NoticePage
from procurement.setup import ensure_buyer_section
from tests.conftest import make_siret

pytestmark = pytest.mark.django_db
Role = Membership.Role


def rights_of(section) -> set[tuple[str, str]]:
    return {
        (BodyGroup.objects.get(group=p.group).kind, p.permission.codename)
        for p in GroupPagePermission.objects.filter(page=section).select_related("group", "permission")
    }


def test_a_body_created_later_gets_its_section_with_its_groups_rights_only(notice_index, platform_admin):
    body = do_create_organization(name="Commune de Plouzané", kind="commune", siret=make_siret(), actor=platform_admin)
    company = do_create_organization(name="Iroise Nettoyage", kind="company", siret=make_siret(), actor=platform_admin)

    section = BuyerNoticesPage.objects.get(organization=body)
    assert section.get_parent().pk == notice_index.pk and section.live
    assert section.url == "/appels-d-offres/commune-de-plouzane/"
    assert rights_of(section) == {
        ("publishers", "add_page"),
        ("publishers", "change_page"),
        ("publishers", "publish_page"),
        ("editors", "change_page"),
    }
    assert {p.group_id for p in GroupPagePermission.objects.filter(page=section)} <= {
        g.pk for g in ensure_body_groups(body).values()
    }
    assert not BuyerNoticesPage.objects.filter(organization=company).exists()
    # Nobody holds any right on the list page itself, nor on the root above it.
    assert not GroupPagePermission.objects.filter(page=notice_index).exists()
    assert not GroupPagePermission.objects.filter(page__depth=1).exists()


def test_a_renamed_body_keeps_its_address(notice_index, make_notice, body, platform_admin):
    notice = make_notice()
    url = notice.url
    do_update_organization(body, name="Rennes, capitale de la Bretagne", actor=platform_admin)

    section = BuyerNoticesPage.objects.get(organization=body)
    assert section.title == "Rennes, capitale de la Bretagne"
    assert NoticePage.objects.get(pk=notice.pk).url == url


def test_a_section_shows_the_list_filtered_on_its_buyer(client, notice_index, body):
    section = ensure_buyer_section(body, notice_index)
    response = client.get(section.url)
    assert response.status_code == 302
    assert response["Location"] == f"{notice_index.url}?buyer={body.pk}"


def test_a_notice_takes_its_sections_body_as_buyer_and_cannot_claim_another(notice_index, body, other_body):
    section = ensure_buyer_section(body, notice_index)
    notice = make_unsaved_notice()
    section.add_child(instance=notice)
    assert notice.buyer == body

    intruder = make_unsaved_notice(slug="intrus", reference="X-2", buyer=other_body)
    with pytest.raises(Exception, match="cannot be moved"):
        section.add_child(instance=intruder)


def make_unsaved_notice(**fields):
    from django.utils import timezone

    now = timezone.now()
    values = {
        "title": "Restauration scolaire",
        "slug": "restauration-scolaire",
        "reference": "X-1",
        "description": "<p>Repas.</p>",
        "nature": "services",
        "procedure": "open",
        "main_cpv": "55523100-3",
        "department": "35",
        "questions_deadline": now + timezone.timedelta(days=20),
        "bids_deadline": now + timezone.timedelta(days=30),
        "live": False,
    }
    values.update(fields)
    return NoticePage(**values)


@pytest.mark.parametrize(
    ("role", "edits", "publishes", "is_buyer"),
    [
        (Role.BUYER, True, True, True),
        (Role.ORG_ADMIN, True, True, True),
        (Role.EDITOR, True, False, False),
    ],
)
def test_memberships_and_wagtails_rights_say_the_same(
    make_notice, make_user, body, other_body, role, edits, publishes, is_buyer
):
    draft = make_notice(live=False)
    own = make_user(f"{role}@rennes.fr", body, role)
    other = make_user(f"{role}@chu-brest.fr", other_body, role)

    tester = draft.permissions_for_user(own)
    assert (tester.can_edit(), tester.can_publish()) == (edits, publishes)
    assert access.can_edit_notice(own, draft) is edits
    assert access.is_notice_buyer(own, draft) is is_buyer
    assert draft.pk in set(access.editable_notices(own).values_list("pk", flat=True))

    refused = draft.permissions_for_user(other)
    assert not (refused.can_edit() or refused.can_publish() or refused.can_delete() or refused.can_view_revisions())
    assert not access.can_edit_notice(other, draft) and not access.is_notice_buyer(other, draft)
    assert not access.editable_notices(other).exists()


def test_a_platform_admin_edits_any_notice_but_is_no_notices_buyer(make_notice, platform_admin):
    draft = make_notice(live=False)
    assert access.can_edit_notice(platform_admin, draft)
    assert not access.is_notice_buyer(platform_admin, draft)  # the download log and the askers stay with buyers


def test_the_migration_moves_existing_notices_into_their_bodies_sections(
    client, home_page, body, other_body, cpv_codes
):
    """The state before the migration: notices directly under the list page, the old "Buyers" group
    holding rights there. After: in their sections, old addresses redirecting, the old grants gone."""
    from procurement.setup import ensure_notice_index

    index = ensure_notice_index(home_page)
    for section in BuyerNoticesPage.objects.all():
        section.delete()
    buyers = Group.objects.create(name="Buyers")
    GroupPagePermission.objects.create(
        group=buyers,
        page=index,
        permission=Permission.objects.get(codename="change_page", content_type__app_label="wagtailcore"),
    )
    old = []
    for n, organization in enumerate([body, other_body, body]):
        notice = make_unsaved_notice(slug=f"avis-{n}", reference=f"M-{n}", buyer=organization, live=True)
        index.add_child(instance=notice)
        notice.save_revision().publish()
        old.append(NoticePage.objects.get(pk=notice.pk))
    assert [notice.url for notice in old] == [
        "/appels-d-offres/avis-0/",
        "/appels-d-offres/avis-1/",
        "/appels-d-offres/avis-2/",
    ]

    migration = importlib.import_module("procurement.migrations.0006_buyer_sections")
    migration.create_sections(apps, None)

    assert not any(Page.find_problems())
    assert not Group.objects.filter(name="Buyers").exists()
    assert not GroupPagePermission.objects.filter(page=index).exists()
    for before in old:
        after = NoticePage.objects.get(pk=before.pk)
        section = after.get_parent().specific
        assert isinstance(section, BuyerNoticesPage) and section.organization_id == before.buyer_id
        assert after.url == f"/appels-d-offres/{section.slug}/{before.slug}/"
        assert client.get(after.url).status_code == 200
        response = client.get(before.url)
        assert response.status_code == 301 and response["Location"].endswith(after.url)
        assert Redirect.objects.filter(redirect_page=after, is_permanent=True).exists()
        assert ("publishers", "publish_page") in rights_of(section)
    assert BuyerNoticesPage.objects.get(organization=body).numchild == 2
