"""The audit log records logins, failures, lockouts and every change to who belongs where."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from intranet import audit
from intranet.actions.accounts import do_change_role, do_remove_member
from intranet.models import AuditEvent, Membership
from tests.conftest import PASSWORD

Action = AuditEvent.Action
Role = Membership.Role
IP = "203.0.113.7"


@pytest.mark.django_db
def test_successful_login_records_login_with_the_ip(client, buyer):
    response = client.post(reverse("login"), {"username": buyer.email, "password": PASSWORD}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert event.actor == buyer
    assert event.actor_label == buyer.email
    assert event.ip_address == IP
    assert not AuditEvent.objects.filter(action=Action.LOGIN_FAILED).exists()


@pytest.mark.django_db
def test_login_is_case_insensitive_on_the_address(client, buyer):
    response = client.post(reverse("login"), {"username": buyer.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action=Action.LOGIN).actor == buyer


@pytest.mark.django_db
def test_failed_login_records_login_failed_without_the_password(client, buyer):
    response = client.post(
        reverse("login"), {"username": buyer.email, "password": "mauvais-mot-de-passe"}, REMOTE_ADDR=IP
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_label == buyer.email
    assert event.ip_address == IP
    assert "mauvais-mot-de-passe" not in str(event.details)
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


@pytest.mark.django_db
def test_failed_login_for_an_unknown_address_is_recorded(client):
    client.post(reverse("login"), {"username": "inconnu@example.fr", "password": "x"}, REMOTE_ADDR=IP)
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor_label == "inconnu@example.fr"


@pytest.mark.django_db
def test_repeated_failures_record_a_lockout(client, buyer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": buyer.email, "password": "mauvais"}, REMOTE_ADDR=IP)
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == settings.AXES_FAILURE_LIMIT
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT, ip_address=IP).exists()
    # Locked out: even the right password no longer logs in.
    client.post(reverse("login"), {"username": buyer.email, "password": PASSWORD}, REMOTE_ADDR=IP)
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


@pytest.mark.django_db
def test_logout_is_recorded(client, buyer):
    client.post(reverse("login"), {"username": buyer.email, "password": PASSWORD}, REMOTE_ADDR=IP)
    client.post(reverse("logout"), REMOTE_ADDR=IP)
    event = AuditEvent.objects.get(action=Action.LOGOUT)
    assert (event.actor, event.ip_address) == (buyer, IP)


@pytest.mark.django_db
def test_role_change_records_old_and_new_role(org_admin, buyer, body):
    request = RequestFactory().post("/", REMOTE_ADDR=IP)
    request.user = org_admin
    do_change_role(buyer.memberships.get(), Role.EDITOR, actor=org_admin, request=request)
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGED)
    assert event.actor == org_admin
    assert event.subject_user == buyer
    assert event.organization == body
    assert event.details == {"old_role": Role.BUYER, "new_role": Role.EDITOR}
    assert event.ip_address == IP


@pytest.mark.django_db
def test_unchanged_role_records_nothing(org_admin, buyer):
    do_change_role(buyer.memberships.get(), Role.BUYER, actor=org_admin)
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGED).exists()


@pytest.mark.django_db
def test_refused_role_changes_record_nothing(org_admin, other_admin, buyer):
    with pytest.raises(PermissionDenied):
        do_change_role(buyer.memberships.get(), Role.ORG_ADMIN, actor=other_admin)
    with pytest.raises(ValidationError):
        do_change_role(org_admin.memberships.get(), Role.BUYER, actor=org_admin)  # the last admin
    with pytest.raises(ValidationError):
        do_change_role(buyer.memberships.get(), Role.COMPANY_ADMIN, actor=org_admin)  # a company role
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGED).exists()


@pytest.mark.django_db
def test_membership_removal_is_recorded(org_admin, buyer, body):
    do_remove_member(buyer.memberships.get(), actor=org_admin)
    event = AuditEvent.objects.get(action=Action.MEMBERSHIP_REMOVED)
    assert (event.actor, event.subject_user, event.organization) == (org_admin, buyer, body)
    assert not Membership.objects.filter(user=buyer).exists()


@pytest.mark.django_db
def test_removing_the_last_admin_is_refused_and_not_recorded(org_admin):
    with pytest.raises(ValidationError):
        do_remove_member(org_admin.memberships.get(), actor=org_admin)
    assert not AuditEvent.objects.filter(action=Action.MEMBERSHIP_REMOVED).exists()


@pytest.mark.django_db
def test_record_takes_the_actor_from_the_request_and_the_ip_from_remote_addr(buyer):
    request = RequestFactory().get("/", REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR="198.51.100.1")
    request.user = buyer
    event = audit.record(Action.DATA_EXPORTED, request=request, format="json")
    assert event.actor == buyer
    # A client-supplied X-Forwarded-For is not trusted.
    assert event.ip_address == IP
    assert event.details == {"format": "json"}


@pytest.mark.django_db
def test_record_without_request_or_actor():
    event = audit.record(Action.LOGIN_FAILED, actor_label="quelqu.un@example.fr")
    assert (event.actor, event.ip_address, event.actor_label) == (None, None, "quelqu.un@example.fr")
    assert event.details == {}
