"""RGPD: downloading one's personal data, and closing one's account."""

import json

import pytest
from django.urls import reverse

from intranet.models import AuditEvent, Membership, Notification, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_export_needs_login(client):
    response = client.get(reverse("personal_data_export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_export_is_a_json_attachment_with_the_persons_memberships_only(
    client, login, buyer, org_admin, company_admin, company, body
):
    Membership.objects.create(user=buyer, organization=company, role=Membership.Role.MEMBER)
    Notification.objects.create(recipient=buyer, verb="test", message="Pour moi")
    Notification.objects.create(recipient=org_admin, verb="test", message="Pas pour moi")
    login(buyer)
    response = client.get(reverse("personal_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == buyer.email
    assert sorted((m["organization"], m["role"]) for m in data["memberships"]) == [
        (company.name, "member"),
        (body.name, "buyer"),
    ]
    assert [n["message"] for n in data["notifications"]] == ["Pour moi"]
    text = response.content.decode()
    assert org_admin.email not in text and company_admin.email not in text
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DATA_EXPORTED, actor=buyer).exists()


def test_close_account_page_explains_what_is_deleted_and_what_stays(client, login, buyer):
    login(buyer)
    response = client.get(reverse("close_account"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'autocomplete="current-password"' in html
    assert reverse("personal_data_export") in html


def test_closing_needs_the_password_and_the_confirmation(client, login, buyer):
    login(buyer)
    response = client.post(reverse("close_account"), {"password": "pas-le-bon"})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["password"]] == ["password_incorrect"]
    assert [e.code for e in errors["confirm"]] == ["required"]
    buyer.refresh_from_db()
    assert buyer.closed_at is None and buyer.is_active


def test_closing_anonymizes_logs_out_and_the_person_cannot_log_in_again(client, login, buyer):
    email = buyer.email
    login(buyer)
    response = client.post(reverse("close_account"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session

    buyer.refresh_from_db()
    assert buyer.closed_at is not None and not buyer.is_active
    assert buyer.email != email and not buyer.first_name and not buyer.last_name
    assert "Camille" not in buyer.display_name
    assert not Membership.objects.filter(user=buyer).exists()
    assert not User.objects.filter(email__iexact=email).exists()

    assert client.get(reverse("profile")).status_code == 302
    login_attempt = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert login_attempt.status_code == 200
    assert "_auth_user_id" not in client.session
