"""A company user's sign-up: the form, the confirmation link, and what it creates."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intranet import access
from intranet.models import CompanyRegistration, Membership, Notification, Organization, User
from tests.conftest import make_siret

pytestmark = pytest.mark.django_db

PASSWORD = "Tres-bon-mot-de-passe-2026"


def registration_data(**overrides):
    data = {
        "email": "Claire.Durand@Armor-Services.fr",
        "first_name": "Claire",
        "last_name": "Durand",
        "siret": make_siret(),
        "company_name": "Armor Services SAS",
        "department": "22",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
    }
    data.update(overrides)
    return data


def register(client, capture, **overrides):
    with capture(execute=True):
        return client.post(reverse("register"), registration_data(**overrides))


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/compte/confirmer/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def error_codes(response, field):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def counts():
    return User.objects.count(), Organization.objects.count(), Membership.objects.count()


def test_registration_form_is_labelled_and_autocompleted(client):
    html = client.get(reverse("register")).content.decode()
    for name, autocomplete in [
        ("email", "email"),
        ("first_name", "given-name"),
        ("last_name", "family-name"),
        ("password1", "new-password"),
    ]:
        assert f'for="id_{name}"' in html
        assert re.search(
            rf'name="{name}"[^>]*autocomplete="{autocomplete}"|autocomplete="{autocomplete}"[^>]*name="{name}"', html
        )
    assert 'name="accept_terms"' in html


def test_new_company_is_created_with_the_person_as_admin_after_confirmation(client, django_capture_on_commit_callbacks):
    data = registration_data()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("register_done")
    assert "claire.durand@armor-services.fr" in client.get(reverse("register_done")).content.decode()

    user = User.objects.get(email="claire.durand@armor-services.fr")
    assert not user.is_active
    assert not Organization.objects.filter(siret=data["siret"]).exists()
    assert len(mail.outbox) == 1
    path = confirmation_path(mail.outbox[0])

    # Opening the link (or a mail scanner prefetching it) changes nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path)
    assert done.status_code == 200
    assert done.context["pending"] is False
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    company = Organization.objects.get(siret=data["siret"])
    assert company.is_company and company.name == "Armor Services SAS" and company.department == "22"
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.status) == (
        company,
        Membership.Role.COMPANY_ADMIN,
        Membership.Status.ACTIVE,
    )
    # Logged in, and may manage the company at once.
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("organization_members", args=[company.pk])).status_code == 200


def test_existing_company_gets_a_pending_request_that_its_admins_approve(
    client, company, company_admin, login, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks, siret=company.siret, company_name="Autre nom")
    path = confirmation_path(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path)
    assert done.context["pending"] is True
    user = User.objects.get(email="claire.durand@armor-services.fr")
    membership = Membership.objects.get(user=user)
    assert membership.organization == company
    assert membership.status == Membership.Status.PENDING
    assert Organization.objects.filter(siret=company.siret).count() == 1
    assert not access.is_member_of(user, company)
    notification = Notification.objects.get(recipient=company_admin, verb="membership.requested")
    assert notification.url == reverse("organization_members", args=[company.pk])

    # The company's admin approves it from the members page.
    login(company_admin)
    assert "claire.durand@armor-services.fr" in client.get(notification.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("membership_approve", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    user = User.objects.get(pk=user.pk)
    assert access.is_member_of(user, company) and access.is_company_user(user) and access.can_act(user)
    assert Notification.objects.filter(recipient=user, verb="membership.approved").exists()


def test_wrong_siret_check_digit_creates_nothing_and_keeps_what_was_typed(client, django_capture_on_commit_callbacks):
    before = counts()
    good = make_siret()
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    response = register(client, django_capture_on_commit_callbacks, siret=bad)
    assert response.status_code == 200
    assert error_codes(response, "siret") == ["siret_checksum"]
    assert counts() == before
    assert mail.outbox == []
    html = response.content.decode()
    assert 'aria-describedby="id_siret_helptext id_siret_error"' in html
    assert 'id="id_siret_error"' in html
    assert 'role="alert"' in html and 'href="#id_siret"' in html
    for typed in (bad, "Armor Services SAS", "Claire", "Durand"):
        assert f'value="{typed}"' in html
    assert PASSWORD not in html  # passwords are never sent back


def test_duplicate_email_is_refused_on_the_email_field(client, buyer, django_capture_on_commit_callbacks):
    before = counts()
    response = register(client, django_capture_on_commit_callbacks, email="Acheteur@Rennes.fr")
    assert error_codes(response, "email") == ["email_taken"]
    assert counts() == before
    assert mail.outbox == []


def test_password_mismatch_is_shown_on_the_confirmation_field(client, django_capture_on_commit_callbacks):
    before = counts()
    response = register(client, django_capture_on_commit_callbacks, password2="Autre-chose-2026!")
    assert error_codes(response, "password2") == ["password_mismatch"]
    assert counts() == before
    # Django's own message, in French (the site's language).
    assert "Les deux mots de passe ne correspondent pas." in response.content.decode()


def test_weak_password_and_unaccepted_terms_are_refused(client, django_capture_on_commit_callbacks):
    before = counts()
    response = register(
        client, django_capture_on_commit_callbacks, password1="claire2026", password2="claire2026", accept_terms=""
    )
    assert error_codes(response, "password2")
    assert error_codes(response, "accept_terms") == ["required"]
    assert counts() == before


def test_siret_of_a_member_body_cannot_be_used_by_a_company(client, body, django_capture_on_commit_callbacks):
    before = counts()
    response = register(client, django_capture_on_commit_callbacks, siret=body.siret)
    assert response.status_code == 200
    assert response.context["form"].errors["siret"]
    assert counts() == before


def test_invalid_confirmation_link_shows_a_clear_page_with_status_400(client):
    for method in (client.get, client.post):
        response = method(reverse("confirm_email", args=["pas-un-jeton"]))
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()


def test_confirmation_link_works_once(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    path = confirmation_path(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 200
    client.post(reverse("logout"))
    before = counts()

    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 400
    assert "_auth_user_id" not in client.session  # a used link logs no one in
    assert counts() == before


def test_expired_confirmation_link_is_refused(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    path = confirmation_path(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = client.post(path)
    assert response.status_code == 400
    assert not User.objects.get(email="claire.durand@armor-services.fr").is_active
    assert CompanyRegistration.objects.get().confirmed_at is None
    assert Organization.objects.count() == 0
