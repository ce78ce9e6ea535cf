"""Membership: joining by visibility, join requests, invitations (by e-mail, to a person, with or without an
account), roles, removal closing access at once, leaving, and the last owner's hand-over."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from intranet.models import AuditEvent, Membership, Notification, User
from workspaces import access
from workspaces.actions import members as actions
from workspaces.models import Activity, Channel, ChannelMember, Invitation, JoinRequest, Member, Presence
from workspaces.realtime import person_group

Role = Member.Role


def _refresh(*users):
    for user in users:
        access.forget_workspace_memberships(user)


@pytest.fixture
def open_workspace(make_workspace, ws_owner):
    return make_workspace(ws_owner, name="Réseau ouvert", visibility="open")


@pytest.fixture
def body_workspace(make_workspace, ws_owner, body):
    return make_workspace(ws_owner, name="Acheteurs de Rennes", visibility="organization", organization=body)


@pytest.fixture
def request_workspace(make_workspace, ws_owner, ws_admin, add_member):
    workspace = make_workspace(ws_owner, name="Sur demande", visibility="open", join_policy="request")
    add_member(workspace, ws_admin, Role.ADMIN)
    return workspace


# Joining ------------------------------------------------------------------------------------------


def test_open_workspaces_are_joinable_by_buyers_of_any_body(open_workspace, other_body_buyer):
    member = actions.do_join(open_workspace, other_body_buyer)
    assert member.role == Role.MEMBER
    assert Activity.objects.filter(workspace=open_workspace, verb=Activity.Verb.JOINED, actor=other_body_buyer).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MEMBERSHIP_ADDED, subject_user=other_body_buyer).exists()


@pytest.mark.parametrize("person", ["company_user", "ws_guest"])
def test_open_workspaces_are_not_joinable_by_companies_or_guests(request, open_workspace, person):
    with pytest.raises(PermissionDenied):
        actions.do_join(open_workspace, request.getfixturevalue(person))


def test_organization_workspaces_are_joinable_by_that_bodys_members_only(
    body_workspace, ws_member, other_body_buyer, make_user, body
):
    editor = make_user("redactrice@rennes.fr", body, Membership.Role.EDITOR)
    assert actions.do_join(body_workspace, ws_member).role == Role.MEMBER
    assert actions.do_join(body_workspace, editor).role == Role.MEMBER
    with pytest.raises(PermissionDenied):
        actions.do_join(body_workspace, other_body_buyer)


def test_private_workspaces_are_not_joinable(workspace, other_ws_member, other_body_buyer):
    for person in (other_ws_member, other_body_buyer):
        with pytest.raises(PermissionDenied):
            actions.do_join(workspace, person)


def test_archived_workspaces_are_not_joinable(open_workspace, ws_owner, other_body_buyer):
    actions.do_archive(open_workspace, ws_owner, True)
    with pytest.raises(PermissionDenied):
        actions.do_join(open_workspace, other_body_buyer)


def test_join_view_joins_and_the_preview_is_404_for_those_who_may_not(
    login, open_workspace, body_workspace, other_body_buyer
):
    response = login(other_body_buyer).post(reverse("workspaces:join", args=[open_workspace.slug]))
    assert response.status_code == 302
    assert Member.objects.filter(workspace=open_workspace, user=other_body_buyer).exists()
    assert login(other_body_buyer).get(reverse("workspaces:detail", args=[body_workspace.slug])).status_code == 404
    assert login(other_body_buyer).post(reverse("workspaces:join", args=[body_workspace.slug])).status_code == 404
    # A second click on "Join": already in, back to the workspace, still one membership.
    again = login(other_body_buyer).post(reverse("workspaces:join", args=[open_workspace.slug]))
    assert again.status_code == 302 and again["Location"] == reverse("workspaces:detail", args=[open_workspace.slug])
    assert Member.objects.filter(workspace=open_workspace, user=other_body_buyer).count() == 1


# Join requests ------------------------------------------------------------------------------------


def test_request_flow_notifies_admins_then_the_requester(request_workspace, other_body_buyer, ws_owner, ws_admin):
    with pytest.raises(ValidationError):
        actions.do_join(request_workspace, other_body_buyer)  # on request only
    join_request = actions.do_request_to_join(request_workspace, other_body_buyer, "Je suis acheteuse au Morbihan.")
    told = set(Notification.objects.filter(verb="workspaces.join_request").values_list("recipient_id", flat=True))
    assert told == {ws_owner.pk, ws_admin.pk}
    with pytest.raises(ValidationError):
        actions.do_request_to_join(request_workspace, other_body_buyer)  # one pending request at a time

    actions.do_decide_request(join_request, ws_admin, approve=True)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED and join_request.decided_by == ws_admin
    assert Member.objects.get(workspace=request_workspace, user=other_body_buyer).role == Role.MEMBER
    decision = Notification.objects.get(verb="workspaces.join_decision")
    assert decision.recipient == other_body_buyer
    with pytest.raises(ValidationError):
        actions.do_decide_request(join_request, ws_owner, approve=False)  # already answered


def test_a_refused_request_adds_nobody_and_tells_the_requester(request_workspace, other_body_buyer, ws_admin):
    join_request = actions.do_request_to_join(request_workspace, other_body_buyer)
    actions.do_decide_request(join_request, ws_admin, approve=False)
    assert not Member.objects.filter(workspace=request_workspace, user=other_body_buyer).exists()
    assert Notification.objects.get(verb="workspaces.join_decision").recipient == other_body_buyer
    # A new request may follow.
    actions.do_request_to_join(request_workspace, other_body_buyer)


def test_only_admins_decide_requests(request_workspace, other_body_buyer, ws_member, add_member):
    add_member(request_workspace, ws_member, Role.MEMBER)
    join_request = actions.do_request_to_join(request_workspace, other_body_buyer)
    with pytest.raises(PermissionDenied):
        actions.do_decide_request(join_request, ws_member, approve=True)
    with pytest.raises(PermissionDenied):
        actions.do_decide_request(join_request, other_body_buyer, approve=True)


def test_request_views(login, request_workspace, other_body_buyer, ws_admin):
    client = login(other_body_buyer)
    preview = client.get(reverse("workspaces:detail", args=[request_workspace.slug]))
    assert preview.status_code == 200 and b'name="message"' in preview.content
    response = client.post(reverse("workspaces:join", args=[request_workspace.slug]), {"message": "Bonjour"})
    assert response.status_code == 302
    join_request = JoinRequest.objects.get(user=other_body_buyer)
    assert join_request.message == "Bonjour"
    assert login(other_body_buyer).get(reverse("workspaces:requests", args=[request_workspace.slug])).status_code == 404
    admin = login(ws_admin)
    page = admin.get(reverse("workspaces:requests", args=[request_workspace.slug]))
    assert "Bonjour" in page.content.decode()
    admin.post(
        reverse("workspaces:requests", args=[request_workspace.slug]),
        {"request": join_request.pk, "decision": "approve"},
    )
    assert Member.objects.filter(workspace=request_workspace, user=other_body_buyer).exists()


def test_a_too_long_request_message_stays_in_the_form(login, request_workspace, other_body_buyer):
    text = "x" * 1001
    response = login(other_body_buyer).post(
        reverse("workspaces:join", args=[request_workspace.slug]), {"message": text}
    )
    assert response.status_code == 200
    assert text in response.content.decode()
    assert not JoinRequest.objects.exists()


# Invitations --------------------------------------------------------------------------------------


def test_only_admins_invite(workspace, ws_member, ws_guest, other_ws_member):
    for person in (ws_member, ws_guest, other_ws_member):
        with pytest.raises(PermissionDenied):
            actions.do_invite(workspace, person, email="x@exemple.fr")


def test_an_invitation_is_e_mailed_after_commit_and_expires_in_14_days(
    workspace, ws_owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = actions.do_invite(workspace, ws_owner, email="Nouvelle@Exemple.fr", role=Role.GUEST)
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouvelle@exemple.fr"]
    assert reverse("workspaces:invitation", args=[token]) in mail.outbox[0].body
    assert token not in invitation.token_hash
    assert timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_SENT).exists()


def test_inviting_a_member_or_an_owner_role_is_refused(workspace, ws_owner, ws_member):
    with pytest.raises(ValidationError):
        actions.do_invite(workspace, ws_owner, user=ws_member)
    with pytest.raises(ValidationError):
        actions.do_invite(workspace, ws_owner, email="a@exemple.fr", role=Role.OWNER)


def test_a_new_invitation_replaces_the_pending_one(workspace, ws_owner):
    first, _ = actions.do_invite(workspace, ws_owner, email="a@exemple.fr")
    actions.do_invite(workspace, ws_owner, email="a@exemple.fr")
    first.refresh_from_db()
    assert first.status == Invitation.Status.REVOKED


def test_a_known_person_accepts_and_the_inviter_is_told(workspace, ws_owner, other_body_buyer):
    invitation, _token = actions.do_invite(workspace, ws_owner, user=other_body_buyer, role=Role.MEMBER)
    assert Notification.objects.filter(recipient=other_body_buyer, verb="workspaces.invitation").exists()
    member = actions.do_accept_invitation(invitation, other_body_buyer)
    assert member.role == Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert Notification.objects.filter(recipient=ws_owner, verb="workspaces.invitation_accepted").exists()
    with pytest.raises(ValidationError):
        actions.do_accept_invitation(invitation, other_body_buyer)  # used once


def test_another_account_may_not_accept(workspace, ws_owner, other_body_buyer, company_user):
    invitation, _token = actions.do_invite(workspace, ws_owner, user=other_body_buyer)
    with pytest.raises(ValidationError) as error:
        actions.do_accept_invitation(invitation, company_user)
    assert error.value.code == "other_account"
    assert not Member.objects.filter(workspace=workspace, user=company_user).exists()


def test_expired_declined_and_revoked_invitations_are_refused(workspace, ws_owner, other_body_buyer):
    invitation, _ = actions.do_invite(workspace, ws_owner, user=other_body_buyer)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation.refresh_from_db()
    with pytest.raises(ValidationError) as expired:
        actions.do_accept_invitation(invitation, other_body_buyer)
    assert expired.value.code == "expired"

    invitation, _ = actions.do_invite(workspace, ws_owner, user=other_body_buyer)
    actions.do_decline_invitation(invitation, other_body_buyer)
    with pytest.raises(ValidationError) as declined:
        actions.do_accept_invitation(invitation, other_body_buyer)
    assert declined.value.code == "declined"

    invitation, _ = actions.do_invite(workspace, ws_owner, user=other_body_buyer)
    actions.do_revoke_invitation(invitation, ws_owner)
    with pytest.raises(ValidationError) as revoked:
        actions.do_accept_invitation(invitation, other_body_buyer)
    assert revoked.value.code == "revoked"
    assert not Member.objects.filter(workspace=workspace, user=other_body_buyer).exists()


def test_only_admins_revoke(workspace, ws_owner, ws_member):
    invitation, _ = actions.do_invite(workspace, ws_owner, email="a@exemple.fr")
    with pytest.raises(PermissionDenied):
        actions.do_revoke_invitation(invitation, ws_member)


def test_the_link_creates_the_account_of_an_invited_address_and_lands_as_guest(client, workspace, ws_owner):
    _invitation, token = actions.do_invite(workspace, ws_owner, email="juriste@cabinet.fr", role=Role.GUEST)
    url = reverse("workspaces:invitation", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and b'name="password1"' in page.content
    response = client.post(
        url,
        {
            "first_name": "Inès",
            "last_name": "Le Floch",
            "job_title": "",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )
    assert response.status_code == 302 and response.url == reverse("workspaces:detail", args=[workspace.slug])
    user = User.objects.get(email="juriste@cabinet.fr")
    assert user.email_confirmed_at is not None
    assert Member.objects.get(workspace=workspace, user=user).role == Role.GUEST
    # Logged in, in the workspace; a guest sees no directory and may not create workspaces.
    assert client.get(reverse("workspaces:detail", args=[workspace.slug])).status_code == 200
    assert client.get(reverse("workspaces:create")).status_code == 403


def test_the_sign_up_form_keeps_the_names_on_a_password_error(client, workspace, ws_owner):
    _invitation, token = actions.do_invite(workspace, ws_owner, email="juriste@cabinet.fr")
    response = client.post(
        reverse("workspaces:invitation", args=[token]),
        {"first_name": "Inès", "last_name": "Le Floch", "password1": "court", "password2": "court"},
    )
    assert response.status_code == 200
    assert 'value="Inès"' in response.content.decode()
    assert not User.objects.filter(email="juriste@cabinet.fr").exists()


def test_the_link_asks_an_existing_account_to_log_in_and_refuses_another(
    client, login, workspace, ws_owner, other_body_buyer, company_user
):
    _invitation, token = actions.do_invite(workspace, ws_owner, email=other_body_buyer.email)
    url = reverse("workspaces:invitation", args=[token])
    anonymous = client.get(url)
    assert anonymous.status_code == 200 and reverse("login").encode() in anonymous.content
    assert b'name="password1"' not in anonymous.content

    refused = login(company_user).post(url, {"decision": "accept"})
    assert refused.status_code == 403
    assert other_body_buyer.email in refused.content.decode()
    assert not Member.objects.filter(workspace=workspace, user=company_user).exists()

    accepted = login(other_body_buyer).post(url, {"decision": "accept"})
    assert accepted.status_code == 302
    assert Member.objects.filter(workspace=workspace, user=other_body_buyer).exists()


def test_an_unknown_or_expired_link_says_why(client, workspace, ws_owner):
    assert client.get(reverse("workspaces:invitation", args=["inconnu"])).status_code == 404
    invitation, token = actions.do_invite(workspace, ws_owner, email="a@exemple.fr")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = client.get(reverse("workspaces:invitation", args=[token]))
    assert response.status_code == 410


def test_invitations_are_answered_from_the_index(login, workspace, ws_owner, other_body_buyer, company_user):
    invitation, _ = actions.do_invite(workspace, ws_owner, user=other_body_buyer)
    index = login(other_body_buyer).get(reverse("workspaces:index")).content.decode()
    assert reverse("workspaces:invitation_respond", args=[invitation.pk]) in index
    url = reverse("workspaces:invitation_respond", args=[invitation.pk])
    assert login(company_user).post(url, {"decision": "accept"}).status_code == 404
    login(other_body_buyer).post(url, {"decision": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED


def test_the_invite_form_offers_colleagues_and_keeps_input_on_error(login, workspace, ws_owner, make_user, body):
    colleague = make_user("collegue@rennes.fr", body, Membership.Role.BUYER, first_name="Erwan", last_name="Le Gall")
    client = login(ws_owner)
    page = client.get(reverse("workspaces:invite", args=[workspace.slug])).content.decode()
    assert "Erwan Le Gall" in page
    assert "Maëlle Riou" not in page  # already a member
    response = client.post(
        reverse("workspaces:invite", args=[workspace.slug]), {"email": "pas-une-adresse", "role": "member"}
    )
    assert response.status_code == 200 and 'value="pas-une-adresse"' in response.content.decode()
    response = client.post(
        reverse("workspaces:invite", args=[workspace.slug]), {"person": colleague.pk, "role": "guest"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get(user=colleague).role == Role.GUEST


# Roles, removal, leaving --------------------------------------------------------------------------


def test_owners_manage_admins_admins_manage_members(workspace, ws_owner, ws_admin, ws_member, ws_guest):
    members = {m.user_id: m for m in workspace.members.all()}
    actions.do_change_role(workspace, ws_admin, members[ws_guest.pk], Role.MEMBER)
    with pytest.raises(PermissionDenied):
        actions.do_change_role(workspace, ws_admin, members[ws_owner.pk], Role.MEMBER)
    with pytest.raises(PermissionDenied):
        actions.do_change_role(workspace, ws_admin, members[ws_member.pk], Role.OWNER)
    with pytest.raises(PermissionDenied):
        actions.do_change_role(workspace, ws_member, members[ws_guest.pk], Role.GUEST)
    actions.do_change_role(workspace, ws_owner, members[ws_admin.pk], Role.OWNER)
    assert Member.objects.get(pk=members[ws_admin.pk].pk).role == Role.OWNER
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED, subject_user=ws_admin).exists()


def test_a_guest_or_company_user_cannot_be_made_owner(workspace, ws_owner, ws_guest):
    guest = workspace.members.get(user=ws_guest)
    with pytest.raises(ValidationError):
        actions.do_change_role(workspace, ws_owner, guest, Role.OWNER)


def test_the_last_owner_can_neither_leave_nor_be_demoted(workspace, ws_owner, ws_admin):
    owner = workspace.members.get(user=ws_owner)
    with pytest.raises(ValidationError) as leaving:
        actions.do_leave(workspace, ws_owner)
    assert leaving.value.code == "last_owner"
    with pytest.raises(ValidationError):
        actions.do_change_role(workspace, ws_owner, owner, Role.ADMIN)
    # Handing over first makes both possible.
    actions.do_change_role(workspace, ws_owner, workspace.members.get(user=ws_admin), Role.OWNER)
    _refresh(ws_owner)
    actions.do_leave(workspace, ws_owner)
    assert not Member.objects.filter(workspace=workspace, user=ws_owner).exists()


def test_the_leave_view_explains_the_last_owner_rule(login, workspace, ws_owner):
    client = login(ws_owner)
    response = client.post(reverse("workspaces:leave", args=[workspace.slug]), follow=True)
    assert Member.objects.filter(workspace=workspace, user=ws_owner).exists()
    assert "owner" in response.content.decode() or "propriétaire" in response.content.decode()


def test_only_admins_remove_and_nobody_removes_the_last_owner(workspace, ws_owner, ws_admin, ws_member, ws_guest):
    with pytest.raises(PermissionDenied):
        actions.do_remove_member(workspace, ws_member, workspace.members.get(user=ws_guest))
    with pytest.raises(PermissionDenied):
        actions.do_remove_member(workspace, ws_admin, workspace.members.get(user=ws_owner))
    with pytest.raises(ValidationError):
        actions.do_remove_member(workspace, ws_owner, workspace.members.get(user=ws_owner))
    assert workspace.members.filter(user=ws_owner, role=Role.OWNER).exists()


def test_removal_closes_access_at_once(workspace, ws_admin, ws_member, django_capture_on_commit_callbacks):
    restricted = Channel.objects.create(workspace=workspace, name="bureau", slug="bureau", restricted=True)
    ChannelMember.objects.create(channel=restricted, user=ws_member)
    Presence.objects.create(workspace=workspace, user=ws_member)
    assert access.can_read_channel_now(ws_member.pk, restricted.pk)

    layer = get_channel_layer()
    channel_name = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(person_group(ws_member.pk), channel_name)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_remove_member(workspace, ws_admin, workspace.members.get(user=ws_member))
    event = async_to_sync(layer.receive)(channel_name)
    assert event["type"] == "access.changed"

    assert not Member.objects.filter(workspace=workspace, user=ws_member).exists()
    assert not ChannelMember.objects.filter(user=ws_member).exists()
    assert not Presence.objects.filter(user=ws_member).exists()
    assert not access.can_read_channel_now(ws_member.pk, restricted.pk)
    assert not access.can_read_channel_now(ws_member.pk, workspace.channels.get(is_general=True).pk)
    assert Activity.objects.filter(
        workspace=workspace, verb=Activity.Verb.REMOVED, label=ws_member.display_name
    ).exists()
    assert Notification.objects.filter(recipient=ws_member, verb="workspaces.removed").exists()


def test_members_page_and_removal_views(login, workspace, ws_owner, ws_member, ws_guest, other_body_buyer):
    url = reverse("workspaces:members", args=[workspace.slug])
    assert login(other_body_buyer).get(url).status_code == 404
    guest_page = login(ws_guest).get(url)
    assert guest_page.status_code == 200
    assert ws_member.email not in guest_page.content.decode()  # addresses for admins only
    guest_member = workspace.members.get(user=ws_guest)
    remove_url = reverse("workspaces:member_remove", args=[workspace.slug, guest_member.pk])
    assert login(ws_member).post(remove_url).status_code == 403
    assert login(ws_owner).get(remove_url).status_code == 200
    assert login(ws_owner).post(remove_url).status_code == 302
    assert not Member.objects.filter(pk=guest_member.pk).exists()
    assert login(ws_guest).get(reverse("workspaces:detail", args=[workspace.slug])).status_code == 404


def test_role_view_reports_refusals_in_french(login, workspace, ws_owner):
    owner = workspace.members.get(user=ws_owner)
    response = login(ws_owner).post(
        reverse("workspaces:member_role", args=[workspace.slug, owner.pk]), {"role": "member"}, follow=True
    )
    assert Member.objects.get(pk=owner.pk).role == Role.OWNER
    assert "dernier propriétaire" in response.content.decode() or "last owner" in response.content.decode()


def test_archived_workspaces_take_no_invitation_nor_role_change(workspace, ws_owner, ws_member):
    actions.do_archive(workspace, ws_owner, True)
    with pytest.raises(ValidationError):
        actions.do_invite(workspace, ws_owner, email="a@exemple.fr")
    with pytest.raises(ValidationError):
        actions.do_change_role(workspace, ws_owner, workspace.members.get(user=ws_member), Role.ADMIN)


def test_the_invited_person_sees_accept_and_decline(login, workspace, ws_owner, other_body_buyer):
    _invitation, token = actions.do_invite(workspace, ws_owner, user=other_body_buyer, role=Role.ADMIN)
    page = login(other_body_buyer).get(reverse("workspaces:invitation", args=[token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="accept"' in html and 'value="decline"' in html
    assert "Réseau des acheteurs hospitaliers" in html
