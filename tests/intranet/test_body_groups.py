"""Each member body's Wagtail groups, and the membership actions keeping people in the right ones."""

import pytest
from django.contrib.auth.models import Group

from intranet.actions.accounts import (
    EDITORS_GROUP,
    do_add_member,
    do_approve_membership,
    do_change_role,
    do_create_organization,
    do_remove_member,
    do_update_organization,
    ensure_body_groups,
)
from intranet.models import BodyGroup, Membership, Organization
from tests.conftest import make_siret

pytestmark = pytest.mark.django_db
Role = Membership.Role


def body_groups_of(user) -> set[tuple[int, str]]:
    return {(bg.organization_id, bg.kind) for bg in BodyGroup.objects.filter(group__user=user).select_related("group")}


def test_a_body_gets_its_two_groups_with_admin_access_and_a_company_none(platform_admin):
    body = do_create_organization(name="Commune de Plouzané", kind="commune", siret=make_siret(), actor=platform_admin)
    company = do_create_organization(name="Iroise Nettoyage", kind="company", siret=make_siret(), actor=platform_admin)

    groups = ensure_body_groups(body)
    assert set(groups) == {BodyGroup.Kind.PUBLISHERS, BodyGroup.Kind.EDITORS}
    for group in groups.values():
        assert f"(#{body.pk})" in group.name and "Plouzané" in group.name
        assert group.permissions.filter(codename="access_admin").exists()
    assert ensure_body_groups(company) == {}
    assert not BodyGroup.objects.filter(organization=company).exists()
    assert ensure_body_groups(body) == groups  # idempotent


def test_two_bodies_of_the_same_name_get_distinct_groups(make_org):
    first, second = make_org("Saint-Martin"), make_org("Saint-Martin")
    names = {g.name for g in [*ensure_body_groups(first).values(), *ensure_body_groups(second).values()]}
    assert len(names) == 4


def test_renaming_a_body_renames_its_groups(platform_admin, make_org):
    body = make_org("Commune de Brest")
    ensure_body_groups(body)
    do_update_organization(body, name="Ville de Brest", actor=platform_admin)
    assert all("Ville de Brest" in g.name for g in ensure_body_groups(body).values())


def test_roles_put_people_in_their_bodys_groups_and_take_them_out(body, other_body, org_admin, make_user):
    person = make_user("camille@rennes.fr")
    membership = do_add_member(organization=body, user=person, role=Role.BUYER, actor=org_admin)
    assert body_groups_of(person) == {(body.pk, BodyGroup.Kind.PUBLISHERS)}
    assert not person.groups.filter(name=EDITORS_GROUP).exists()

    do_change_role(membership, Role.EDITOR, actor=org_admin)
    assert body_groups_of(person) == {(body.pk, BodyGroup.Kind.EDITORS)}
    assert person.groups.filter(name=EDITORS_GROUP).exists()

    do_add_member(organization=other_body, user=person, role=Role.ORG_ADMIN)
    assert body_groups_of(person) == {(body.pk, BodyGroup.Kind.EDITORS), (other_body.pk, BodyGroup.Kind.PUBLISHERS)}

    do_remove_member(membership, actor=org_admin)
    assert body_groups_of(person) == {(other_body.pk, BodyGroup.Kind.PUBLISHERS)}
    assert not person.groups.filter(name=EDITORS_GROUP).exists()


def test_a_pending_membership_gives_no_group_until_approved(body, org_admin, make_user):
    person = make_user("candidat@rennes.fr")
    membership = Membership.objects.create(
        user=person, organization=body, role=Role.BUYER, status=Membership.Status.PENDING
    )
    from intranet.actions.accounts import sync_wagtail_groups

    sync_wagtail_groups(person)
    assert body_groups_of(person) == set()
    do_approve_membership(membership, actor=org_admin)
    assert body_groups_of(person) == {(body.pk, BodyGroup.Kind.PUBLISHERS)}


def test_company_people_get_no_admin_group(company_admin, company_member):
    for person in (company_admin, company_member):
        assert not person.groups.exists()
        assert not Group.objects.filter(user=person, permissions__codename="access_admin").exists()
    assert not Organization.objects.get(kind="company").wagtail_groups.exists()
