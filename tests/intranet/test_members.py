"""Organization admins manage their own organization's members, and nobody else's."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from intranet.actions import accounts
from intranet.models import AuditEvent, Invitation, Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Membership.Status


def members_url(organization):
    return reverse("organization_members", args=[organization.pk])


@pytest.fixture
def pending(make_user, body):
    user = make_user("demandeur@rennes.fr")
    return Membership.objects.create(user=user, organization=body, role=Role.BUYER, status=Status.PENDING)


@pytest.fixture
def buyer_membership(buyer, body):
    return Membership.objects.get(user=buyer, organization=body)


@pytest.fixture
def invitation(org_admin, body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return accounts.do_invite(organization=body, email="invitee@rennes.fr", role=Role.BUYER, actor=org_admin)


# --- who may see the page ---------------------------------------------------------------------


def test_org_admin_sees_members_requests_and_invitations(client, login, org_admin, buyer, pending, invitation, body):
    buyer.job_title = "Responsable achats"
    buyer.save()
    login(org_admin)
    response = client.get(members_url(body))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (buyer.email, "Responsable achats", org_admin.email, "demandeur@rennes.fr", "invitee@rennes.fr"):
        assert text in html
    assert [m.user for m in response.context["pending_members"]] == [pending.user]
    assert {m.user for m in response.context["active_members"]} == {buyer, org_admin}
    assert reverse("membership_role", args=[Membership.objects.get(user=buyer).pk]) in html
    assert reverse("membership_approve", args=[pending.pk]) in html
    assert reverse("invitation_revoke", args=[invitation.pk]) in html
    # Every role select has its own label.
    for membership in response.context["active_members"]:
        assert f'for="role-{membership.pk}"' in html and f'id="role-{membership.pk}"' in html


def test_platform_admin_may_manage_any_organization(client, login, platform_admin, body):
    login(platform_admin)
    assert client.get(members_url(body)).status_code == 200


@pytest.mark.parametrize("who", ["buyer", "editor", "other_admin", "company_admin"])
def test_members_page_is_refused_to_everyone_else(client, login, body, request, who):
    login(request.getfixturevalue(who))
    assert client.get(members_url(body)).status_code == 403


def test_visitors_are_sent_to_the_login_page(client, body):
    response = client.get(members_url(body))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_unknown_organization_is_404(client, login, org_admin):
    login(org_admin)
    assert client.get(reverse("organization_members", args=[999999])).status_code == 404


def test_members_page_queries_do_not_grow_with_the_members(
    client, login, org_admin, body, make_user, django_assert_max_num_queries
):
    login(org_admin)
    for _n in range(3):
        make_user(organization=body)
    with django_assert_max_num_queries(20) as few:
        client.get(members_url(body))
    for _n in range(12):
        make_user(organization=body)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(members_url(body))


# --- changing roles -------------------------------------------------------------------------------


def test_org_admin_changes_a_members_role(client, login, org_admin, buyer_membership):
    login(org_admin)
    response = client.post(reverse("membership_role", args=[buyer_membership.pk]), {"role": Role.EDITOR})
    assert response.status_code == 302
    assert response["Location"] == members_url(buyer_membership.organization)
    buyer_membership.refresh_from_db()
    assert buyer_membership.role == Role.EDITOR
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED, actor=org_admin).exists()


@pytest.mark.parametrize("who", ["buyer", "other_admin", "company_admin"])
def test_role_change_is_refused_to_others(client, login, buyer_membership, request, who, org_admin):
    login(request.getfixturevalue(who))
    response = client.post(reverse("membership_role", args=[buyer_membership.pk]), {"role": Role.ORG_ADMIN})
    assert response.status_code == 403
    buyer_membership.refresh_from_db()
    assert buyer_membership.role == Role.BUYER


def test_a_company_role_cannot_be_given_in_a_member_body(client, login, org_admin, buyer_membership):
    login(org_admin)
    response = client.post(reverse("membership_role", args=[buyer_membership.pk]), {"role": Role.COMPANY_ADMIN})
    assert response.status_code == 302
    buyer_membership.refresh_from_db()
    assert buyer_membership.role == Role.BUYER
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_the_last_admin_cannot_step_down_and_gets_a_message_not_an_error_page(client, login, org_admin, body):
    login(org_admin)
    own = Membership.objects.get(user=org_admin, organization=body)
    response = client.post(reverse("membership_role", args=[own.pk]), {"role": Role.BUYER}, follow=True)
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.role == Role.ORG_ADMIN
    messages = list(response.context["messages"])
    assert [m.level_tag for m in messages] == ["error"]
    assert 'role="alert"' in response.content.decode()


def test_visitor_posting_is_sent_to_login(client, buyer_membership):
    response = client.post(reverse("membership_role", args=[buyer_membership.pk]), {"role": Role.ORG_ADMIN})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- removing -------------------------------------------------------------------------------------


def test_removal_asks_for_confirmation_then_removes(client, login, org_admin, buyer_membership, buyer):
    login(org_admin)
    url = reverse("membership_remove", args=[buyer_membership.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert buyer.display_name in page.content.decode() and 'method="post"' in page.content.decode()
    assert Membership.objects.filter(pk=buyer_membership.pk).exists()

    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=buyer_membership.pk).exists()
    buyer.refresh_from_db()
    assert buyer.is_active  # the account stays


@pytest.mark.parametrize("who", ["buyer", "other_admin"])
def test_removal_is_refused_to_others(client, login, buyer_membership, request, who):
    login(request.getfixturevalue(who))
    url = reverse("membership_remove", args=[buyer_membership.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Membership.objects.filter(pk=buyer_membership.pk).exists()


def test_removing_the_last_admin_is_refused_with_a_message(client, login, org_admin, body):
    login(org_admin)
    own = Membership.objects.get(user=org_admin, organization=body)
    response = client.post(reverse("membership_remove", args=[own.pk]), follow=True)
    assert response.status_code == 200
    assert Membership.objects.filter(pk=own.pk).exists()


def test_an_admin_who_removes_themselves_lands_on_their_profile(client, login, org_admin, make_user, body):
    make_user("admin2@rennes.fr", body, Role.ORG_ADMIN)
    login(org_admin)
    own = Membership.objects.get(user=org_admin, organization=body)
    response = client.post(reverse("membership_remove", args=[own.pk]))
    assert response["Location"] == reverse("profile")


# --- requests to join -------------------------------------------------------------------------------


def test_org_admin_approves_a_request(client, login, org_admin, pending, django_capture_on_commit_callbacks):
    login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("membership_approve", args=[pending.pk]))
    pending.refresh_from_db()
    assert pending.status == Status.ACTIVE


def test_org_admin_declines_a_request(client, login, org_admin, pending, django_capture_on_commit_callbacks):
    login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("membership_reject", args=[pending.pk]))
    assert not Membership.objects.filter(pk=pending.pk).exists()


def test_a_request_handled_twice_gives_a_message(client, login, org_admin, pending):
    login(org_admin)
    client.post(reverse("membership_approve", args=[pending.pk]))
    response = client.post(reverse("membership_reject", args=[pending.pk]), follow=True)
    assert response.status_code == 200
    assert Membership.objects.get(pk=pending.pk).status == Status.ACTIVE


@pytest.mark.parametrize("view", ["membership_approve", "membership_reject"])
@pytest.mark.parametrize("who", ["buyer", "other_admin", "company_admin"])
def test_requests_cannot_be_handled_by_others(client, login, pending, request, view, who):
    login(request.getfixturevalue(who))
    assert client.post(reverse(view, args=[pending.pk])).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_company_admin_manages_their_company_but_not_a_body(
    client, login, company_admin, company_member, company, body
):
    login(company_admin)
    assert client.get(members_url(company)).status_code == 200
    assert client.get(members_url(body)).status_code == 403
    membership = Membership.objects.get(user=company_member)
    client.post(reverse("membership_role", args=[membership.pk]), {"role": Role.COMPANY_ADMIN})
    membership.refresh_from_db()
    assert membership.role == Role.COMPANY_ADMIN


# --- invitations ------------------------------------------------------------------------------------


def test_org_admin_revokes_an_invitation(client, login, org_admin, invitation):
    login(org_admin)
    response = client.post(reverse("invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


@pytest.mark.parametrize("who", ["buyer", "other_admin"])
def test_revoking_is_refused_to_others(client, login, invitation, request, who):
    login(request.getfixturevalue(who))
    assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 403
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_inviting_is_refused_to_others(client, login, other_admin, body):
    login(other_admin)
    response = client.post(members_url(body), {"email": "x@chu-brest.fr", "role": Role.BUYER})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
