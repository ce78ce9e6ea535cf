"""Logging in and out, lock-out after failed attempts, changing and resetting a password."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from intranet.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-autre-mot-de-passe-2026"


def post_login(client, email, password, **extra):
    return client.post(reverse("login"), {"username": email, "password": password, **extra})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_login_page_asks_for_the_email_address_with_its_autocomplete(client):
    html = client.get(reverse("login")).content.decode()
    assert re.search(r'<input type="email" name="username"[^>]*autocomplete="email"', html)
    assert 'autocomplete="current-password"' in html
    assert 'for="id_username"' in html
    assert reverse("password_reset") in html


def test_login_with_email_and_password_logs_the_person_in_and_follows_next(client, buyer):
    response = post_login(client, "ACHETEUR@rennes.fr", PASSWORD, next=reverse("profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert logged_in_user_id(client) == str(buyer.pk)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, actor=buyer).exists()


def test_login_refuses_a_wrong_password_and_keeps_the_typed_address(client, buyer):
    response = post_login(client, buyer.email, "pas-le-bon")
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["invalid_login"]
    html = response.content.decode()
    assert 'role="alert"' in html
    assert f'value="{buyer.email}"' in html
    assert "pas-le-bon" not in html
    assert logged_in_user_id(client) is None


def test_login_of_an_unconfirmed_account_says_to_confirm_the_email_first(client, make_user):
    make_user("nouveau@entreprise.fr", is_active=False, email_confirmed_at=None)
    response = post_login(client, "nouveau@entreprise.fr", PASSWORD)
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["inactive"]
    assert logged_in_user_id(client) is None


def test_unconfirmed_account_with_a_wrong_password_gets_the_generic_error(client, make_user):
    make_user("nouveau@entreprise.fr", is_active=False, email_confirmed_at=None)
    response = post_login(client, "nouveau@entreprise.fr", "pas-le-bon")
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["invalid_login"]


def test_five_failures_lock_the_account_out_even_with_the_right_password_afterwards(client, buyer):
    assert settings.AXES_ENABLED is not False
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, buyer.email, "mauvais-mot-de-passe").status_code == 200
    locked = post_login(client, buyer.email, "mauvais-mot-de-passe")
    assert locked.status_code == 429

    response = post_login(client, buyer.email, PASSWORD)
    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    html = response.content.decode()
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    # The page says how many attempts, for how long, and offers a password reset.
    assert re.search(r"\b5\b", html)
    assert re.search(r"\b15\b", html)
    assert reverse("password_reset") in html
    assert 'role="alert"' in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).exists()


def test_logout_needs_a_post(client, login, buyer):
    login(buyer)
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in_user_id(client) == str(buyer.pk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_checks_the_old_password_then_records_it(client, login, buyer):
    login(buyer)
    page = client.get(reverse("password_change")).content.decode()
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page

    wrong = client.post(
        reverse("password_change"),
        {"old_password": "faux", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["form"].errors

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    buyer.refresh_from_db()
    assert buyer.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED, actor=buyer).count() == 1


def test_password_reset_by_email_end_to_end(client, buyer):
    response = client.post(reverse("password_reset"), {"email": buyer.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [buyer.email]
    assert "&amp;" not in message.subject + message.body
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    link = re.search(re.escape(base) + r"(/compte/mot-de-passe/nouveau/\S+/)", message.body)
    assert link, message.body

    # Django swaps the token for a session value, then shows the form.
    form_url = client.get(link.group(1))["Location"]
    page = client.get(form_url)
    assert page.context["validlink"]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET, actor=buyer).exists()

    assert post_login(client, buyer.email, NEW_PASSWORD).status_code == 302
    # The link works once.
    client.post(reverse("logout"))
    assert client.get(link.group(1), follow=True).context["validlink"] is False


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "inconnu@example.fr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
