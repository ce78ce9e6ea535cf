"""Who may see or do what: every check of intranet/access.py, for every role, refusals included."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from intranet import access
from intranet.models import Membership

Role = Membership.Role


@pytest.fixture
def people(make_user, body, other_body, company):
    """One person per role; body is organization A, other_body organization B."""
    pending = make_user("en-attente@bretagne-nettoyage.fr")
    Membership.objects.create(user=pending, organization=company, role=Role.MEMBER, status=Membership.Status.PENDING)
    pending_admin = make_user("admin-en-attente@rennes.fr")
    Membership.objects.create(
        user=pending_admin, organization=body, role=Role.ORG_ADMIN, status=Membership.Status.PENDING
    )
    return {
        "visitor": AnonymousUser(),
        "company_member": make_user("commercial@bretagne-nettoyage.fr", company, Role.MEMBER),
        "company_admin": make_user("gerant@bretagne-nettoyage.fr", company, Role.COMPANY_ADMIN),
        "buyer_a": make_user("acheteur@rennes.fr", body, Role.BUYER),
        "buyer_b": make_user("acheteur@chu-brest.fr", other_body, Role.BUYER),
        "editor": make_user("redacteur@rennes.fr", body, Role.EDITOR),
        "org_admin": make_user("admin@rennes.fr", body, Role.ORG_ADMIN),
        "admin_b": make_user("admin@chu-brest.fr", other_body, Role.ORG_ADMIN),
        "pending": pending,
        "pending_admin": pending_admin,
        "inactive": make_user("parti@rennes.fr", body, Role.ORG_ADMIN, is_active=False),
        "unconfirmed": make_user("pas-confirme@rennes.fr", body, Role.BUYER, email_confirmed_at=None),
        "platform_admin": make_user("admin@plateforme.fr", is_staff=True, is_superuser=True),
    }


ALL = [
    "visitor", "company_member", "company_admin", "buyer_a", "buyer_b", "editor", "org_admin", "admin_b",
    "pending", "pending_admin", "inactive", "unconfirmed", "platform_admin",
]  # fmt: skip


def expect(person, yes):
    return person in yes


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_is_platform_admin(people, person):
    assert access.is_platform_admin(people[person]) is expect(person, {"platform_admin"})


@pytest.mark.django_db
def test_an_inactive_superuser_is_not_a_platform_admin(make_user):
    user = make_user(is_staff=True, is_superuser=True, is_active=False)
    assert access.is_platform_admin(user) is False
    assert access.can_manage_members(user, 1) is False


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_organizations_of(people, person, body, other_body, company):
    expected = {
        "company_member": [company],
        "company_admin": [company],
        "buyer_a": [body],
        "buyer_b": [other_body],
        "editor": [body],
        "org_admin": [body],
        "admin_b": [other_body],
        "unconfirmed": [body],
    }.get(person, [])
    assert access.organizations_of(people[person]) == expected
    assert access.organization_ids_of(people[person]) == {o.pk for o in expected}


@pytest.mark.django_db
def test_organizations_of_lists_several_by_name(make_user, body, other_body):
    user = make_user(organization=body)
    Membership.objects.create(user=user, organization=other_body, role=Role.BUYER)
    # "CHU de Brest" sorts before "Ville de Rennes"
    assert access.organizations_of(user) == [other_body, body]


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_role_in_and_is_member_of(people, person, body, company):
    expected_in_body = {"buyer_a": Role.BUYER, "editor": Role.EDITOR, "org_admin": Role.ORG_ADMIN,
                        "unconfirmed": Role.BUYER}.get(person)  # fmt: skip
    expected_in_company = {"company_member": Role.MEMBER, "company_admin": Role.COMPANY_ADMIN}.get(person)
    user = people[person]
    assert access.role_in(user, body) == expected_in_body
    assert access.role_in(user, body.pk) == expected_in_body
    assert access.role_in(user, company) == expected_in_company
    assert access.is_member_of(user, body) is (expected_in_body is not None)
    assert access.is_member_of(user, company.pk) is (expected_in_company is not None)


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_is_buyer(people, person):
    buyers = {"buyer_a", "buyer_b", "editor", "org_admin", "admin_b", "unconfirmed"}
    assert access.is_buyer(people[person]) is expect(person, buyers)


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_is_company_user(people, person):
    assert access.is_company_user(people[person]) is expect(person, {"company_member", "company_admin"})


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_is_editor(people, person):
    assert access.is_editor(people[person]) is expect(person, {"editor", "platform_admin"})


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_buyer_organization_ids(people, person, body, other_body):
    expected = {
        "buyer_a": {body.pk}, "editor": {body.pk}, "org_admin": {body.pk}, "unconfirmed": {body.pk},
        "buyer_b": {other_body.pk}, "admin_b": {other_body.pk},
    }.get(person, set())  # fmt: skip
    assert access.buyer_organization_ids(people[person]) == expected


@pytest.mark.django_db
def test_buyer_organization_ids_leave_out_companies(make_user, body, company):
    user = make_user(organization=body)
    Membership.objects.create(user=user, organization=company, role=Role.MEMBER)
    assert access.buyer_organization_ids(user) == {body.pk}
    assert access.is_buyer(user) and access.is_company_user(user)


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_can_publish_for(people, person, body, other_body, company):
    user = people[person]
    assert access.can_publish_for(user, body) is expect(person, {"buyer_a", "org_admin", "unconfirmed"})
    assert access.can_publish_for(user, body.pk) is expect(person, {"buyer_a", "org_admin", "unconfirmed"})
    assert access.can_publish_for(user, other_body) is expect(person, {"buyer_b", "admin_b"})
    # A company never publishes notices, not even its admin.
    assert access.can_publish_for(user, company) is False


@pytest.mark.django_db
def test_buyer_of_b_cannot_publish_for_a_and_editor_cannot_publish(people, body):
    assert access.can_publish_for(people["buyer_b"], body) is False
    assert access.can_publish_for(people["editor"], body) is False


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_can_manage_members(people, person, body, other_body, company):
    user = people[person]
    assert access.can_manage_members(user, body) is expect(person, {"org_admin", "platform_admin"})
    assert access.can_manage_members(user, other_body.pk) is expect(person, {"admin_b", "platform_admin"})
    assert access.can_manage_members(user, company) is expect(person, {"company_admin", "platform_admin"})


@pytest.mark.django_db
def test_company_admin_cannot_manage_a_member_body(people, body):
    assert access.can_manage_members(people["company_admin"], body) is False
    with pytest.raises(PermissionDenied):
        access.access_organization_for_admin(people["company_admin"], body.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_administered_organizations(people, person, body, other_body, company):
    expected = {"org_admin": [body], "admin_b": [other_body], "company_admin": [company]}.get(person, [])
    assert access.administered_organizations(people[person]) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_access_organization_for_admin(people, person, body):
    user = people[person]
    if person in {"org_admin", "platform_admin"}:
        assert access.access_organization_for_admin(user, body.pk) == body
    else:
        with pytest.raises(PermissionDenied):
            access.access_organization_for_admin(user, body.pk)


@pytest.mark.django_db
def test_access_organization_for_admin_refuses_the_admin_of_another_org(people, body):
    with pytest.raises(PermissionDenied):
        access.access_organization_for_admin(people["admin_b"], body.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", [999_999, "abc", None])
def test_access_organization_for_admin_unknown_id_is_404(people, bad_id):
    # Even for the platform admin: the id does not exist.
    for person in ("platform_admin", "org_admin", "visitor"):
        with pytest.raises(Http404):
            access.access_organization_for_admin(people[person], bad_id)


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_access_membership_for_admin(people, person):
    membership = people["buyer_a"].memberships.get()
    user = people[person]
    if person in {"org_admin", "platform_admin"}:
        assert access.access_membership_for_admin(user, membership.pk) == membership
    else:
        with pytest.raises(PermissionDenied):
            access.access_membership_for_admin(user, membership.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", [999_999, "abc", None])
def test_access_membership_for_admin_unknown_id_is_404(people, bad_id):
    with pytest.raises(Http404):
        access.access_membership_for_admin(people["platform_admin"], bad_id)


@pytest.mark.django_db
@pytest.mark.parametrize("person", ALL)
def test_can_act(people, person):
    refused = {"visitor", "inactive", "unconfirmed"}
    assert access.can_act(people[person]) is (person not in refused)


@pytest.mark.django_db
def test_a_closed_account_cannot_act(make_user):
    from django.utils import timezone

    user = make_user(closed_at=timezone.now())
    assert access.can_act(user) is False


@pytest.mark.django_db
def test_unconfirmed_superuser_may_act(make_user):
    assert access.can_act(make_user(is_superuser=True, email_confirmed_at=None)) is True


@pytest.mark.django_db
def test_pending_memberships_grant_nothing(people, body, company):
    for person in ("pending", "pending_admin"):
        user = people[person]
        assert access.organizations_of(user) == []
        assert access.role_in(user, body) is None and access.role_in(user, company) is None
        assert not access.is_buyer(user) and not access.is_company_user(user) and not access.is_editor(user)
        assert not access.can_publish_for(user, body)
        assert not access.can_manage_members(user, body) and not access.can_manage_members(user, company)
        assert access.administered_organizations(user) == []
        with pytest.raises(PermissionDenied):
            access.access_organization_for_admin(user, body.pk)


@pytest.mark.django_db
def test_inactive_user_keeps_no_rights_despite_an_admin_membership(people, body):
    user = people["inactive"]
    assert access.role_in(user, body) is None
    assert access.can_manage_members(user, body) is False
    assert access.can_publish_for(user, body) is False


@pytest.mark.django_db
def test_memberships_are_cached_until_forgotten(people, other_body, django_assert_num_queries):
    user = people["buyer_a"]
    access.organization_ids_of(user)
    with django_assert_num_queries(0):
        access.is_buyer(user)
        access.role_in(user, other_body)
    Membership.objects.create(user=user, organization=other_body, role=Role.BUYER)
    assert access.is_member_of(user, other_body) is False  # cached
    access.forget_memberships(user)
    assert access.is_member_of(user, other_body) is True
    access.forget_memberships(AnonymousUser())  # harmless without a cache
