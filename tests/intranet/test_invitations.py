"""Invitations: an admin invites, the invited person joins with a new or existing account, once."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intranet.actions import accounts
from intranet.models import Invitation, Membership, Notification, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Role = Membership.Role
NEW_PASSWORD = "Bienvenue-a-bord-2026"


@pytest.fixture
def invite(org_admin, body, django_capture_on_commit_callbacks):
    def make(email="nouvelle@rennes.fr", role=Role.BUYER, organization=body, actor=org_admin):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = accounts.do_invite(organization=organization, email=email, role=role, actor=actor)
        return invitation, reverse("accept_invitation", args=[invitation.token])

    return make


def signup_data(**overrides):
    data = {
        "first_name": "Nina",
        "last_name": "Le Goff",
        "job_title": "Acheteuse publique",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_admin_invites_from_the_members_page_and_the_email_carries_an_absolute_link(
    client, login, org_admin, body, django_capture_on_commit_callbacks
):
    login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organization_members", args=[body.pk]), {"email": "Nouvelle@Rennes.fr", "role": Role.EDITOR}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == ("nouvelle@rennes.fr", Role.EDITOR, org_admin)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@rennes.fr"]
    assert body.name in message.subject
    assert re.search(r"https?://[^/\s]+/compte/invitation/[^/\s]+/", message.body)
    assert "&amp;" not in message.body
    assert "nouvelle@rennes.fr" in client.get(reverse("organization_members", args=[body.pk])).content.decode()


def test_invite_form_offers_only_the_roles_of_this_kind_of_organization(client, login, org_admin, body):
    login(org_admin)
    html = client.get(reverse("organization_members", args=[body.pk])).content.decode()
    assert 'value="buyer"' in html and 'value="company_admin"' not in html
    response = client.post(
        reverse("organization_members", args=[body.pk]), {"email": "x@rennes.fr", "role": Role.COMPANY_ADMIN}
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["invite_form"].errors.as_data()["role"]] == ["invalid_choice"]
    assert 'value="x@rennes.fr"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused_with_a_form_error(client, login, org_admin, buyer, body):
    login(org_admin)
    response = client.post(reverse("organization_members", args=[body.pk]), {"email": buyer.email, "role": "buyer"})
    assert response.status_code == 200
    assert response.context["invite_form"].errors["email"]
    assert not Invitation.objects.exists()


def test_new_person_creates_an_account_through_the_invitation(client, invite, body, org_admin):
    invitation, path = invite(role=Role.EDITOR)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert body.name in html
    assert str(page.context["role"]) in html and page.context["situation"] == "sign_up"
    assert 'autocomplete="organization-title"' in html and 'autocomplete="new-password"' in html

    response = client.post(path, signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    user = User.objects.get(email="nouvelle@rennes.fr")
    assert (user.first_name, user.last_name, user.job_title) == ("Nina", "Le Goff", "Acheteuse publique")
    assert user.is_active and user.email_confirmed_at is not None and user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.status) == (body, Role.EDITOR, "active")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Notification.objects.filter(recipient=org_admin, verb="invitation.accepted").exists()


def test_signup_errors_keep_the_typed_values_and_create_nothing(client, invite):
    _invitation, path = invite()
    response = client.post(path, signup_data(password2="Pas-pareil-2026"))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["password2"]] == ["password_mismatch"]
    assert 'value="Le Goff"' in response.content.decode()
    assert not User.objects.filter(email="nouvelle@rennes.fr").exists()


def test_logged_in_invited_person_accepts_with_one_button(client, login, invite, make_user, other_body):
    person = make_user("nouvelle@rennes.fr", other_body, Role.BUYER)
    invitation, path = invite()
    login(person)
    assert client.get(path).context["situation"] == "accept"
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, organization=invitation.organization, role=Role.BUYER).exists()
    assert Membership.objects.filter(user=person).count() == 2


def test_existing_account_logged_out_is_told_to_log_in_and_comes_back(client, invite, make_user):
    person = make_user("nouvelle@rennes.fr")
    _invitation, path = invite()
    response = client.get(path)
    assert response.context["situation"] == "log_in"
    assert f"{reverse('login')}?next=" in response.content.decode()
    # A POST without logging in creates nothing and changes nothing.
    client.post(path, signup_data())
    assert not Membership.objects.filter(user=person).exists()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_someone_logged_in_with_another_address_cannot_accept(client, login, invite, buyer):
    invitation, path = invite(email="quelquun@rennes.fr")
    login(buyer)
    assert client.get(path).context["situation"] == "other_account"
    client.post(path)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_expired_invitation_names_its_expiry_date_and_changes_nothing(client, invite):
    invitation, path = invite()
    expiry = timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        page = client.get(path)
        post = client.post(path, signup_data())
    assert page.status_code == 400 and post.status_code == 400
    assert page.context["code"] == "expired"
    assert expiry in page.content.decode()
    assert not User.objects.filter(email="nouvelle@rennes.fr").exists()


def test_a_used_invitation_link_cannot_be_reused(client, invite):
    invitation, path = invite()
    assert client.post(path, signup_data()).status_code == 302
    client.post(reverse("logout"))

    again = client.post(path, signup_data(first_name="Intrus"))
    assert again.status_code == 400
    assert again.context["code"] == "used"
    assert client.get(path).status_code == 400
    assert User.objects.filter(email="nouvelle@rennes.fr").get().first_name == "Nina"
    assert Membership.objects.filter(user__email="nouvelle@rennes.fr").count() == 1


def test_revoked_and_unknown_invitation_links_are_refused(client, invite, org_admin):
    invitation, path = invite()
    accounts.do_revoke_invitation(invitation, actor=org_admin)
    assert client.get(path).status_code == 400
    assert client.get(reverse("accept_invitation", args=["nimporte-quoi"])).status_code == 400
