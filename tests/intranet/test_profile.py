"""A person's own profile: details, preferences, and the organizations they belong to."""

import pytest
from django.urls import reverse

from intranet.models import Membership, User

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {"first_name": "Anne", "last_name": "Kerouac", "job_title": "Cheffe de service", "email_frequency": "daily"}
    data.update(overrides)
    return data


def test_profile_needs_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_profile_lists_the_organizations_with_role_and_pending_status(client, login, buyer, company, other_body):
    Membership.objects.create(
        user=buyer, organization=other_body, role=Membership.Role.BUYER, status=Membership.Status.PENDING
    )
    login(buyer)
    response = client.get(reverse("profile"))
    html = response.content.decode()
    assert [(m.organization.name, m.status) for m in response.context["memberships"]] == [
        ("CHU de Brest", "pending"),
        ("Ville de Rennes", "active"),
    ]
    assert str(Membership.Status.PENDING.label) in html or "pending" in html
    assert company.name not in html
    for name in ("password_change", "personal_data_export", "close_account"):
        assert reverse(name) in html


def test_org_admin_finds_the_members_page_from_the_profile(client, login, org_admin, body):
    login(org_admin)
    assert reverse("organization_members", args=[body.pk]) in client.get(reverse("profile")).content.decode()


def test_profile_form_fields_are_labelled_and_autocompleted(client, login, buyer):
    login(buyer)
    html = client.get(reverse("profile")).content.decode()
    assert 'autocomplete="given-name"' in html and 'autocomplete="family-name"' in html
    assert 'autocomplete="organization-title"' in html
    assert "<fieldset" in html and "<legend" in html  # the frequency radio group


def test_updating_the_profile_saves_it(client, login, buyer):
    login(buyer)
    response = client.post(reverse("profile"), profile_data())
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert (buyer.first_name, buyer.last_name, buyer.job_title) == ("Anne", "Kerouac", "Cheffe de service")
    assert buyer.email_frequency == User.EmailFrequency.DAILY


def test_bad_input_keeps_what_was_typed_and_changes_nothing(client, login, buyer):
    login(buyer)
    response = client.post(reverse("profile"), profile_data(first_name="", email_frequency="hourly"))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["first_name"]] == ["required"]
    assert [e.code for e in errors["email_frequency"]] == ["invalid_choice"]
    html = response.content.decode()
    assert 'value="Kerouac"' in html and 'value="Cheffe de service"' in html
    assert 'aria-invalid="true"' in html
    buyer.refresh_from_db()
    assert (buyer.first_name, buyer.email_frequency) == ("Camille", User.EmailFrequency.IMMEDIATE)
