"""Client addresses behind a proxy, and lockout counting that ignores the case of the e-mail."""

import pytest
from django.test import override_settings
from django.urls import reverse

from intranet.models import AuditEvent


@pytest.mark.django_db
def test_lockout_counts_failures_whatever_the_case_of_the_email(client, buyer):
    url = reverse("login")
    for variant in ["ACHETEUR@rennes.fr", "acheteur@RENNES.fr", "Acheteur@Rennes.fr", "acheteur@rennes.FR"]:
        client.post(url, {"username": variant, "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{len(variant)}")
    # Fifth failure from yet another address: the account itself is now locked.
    response = client.post(url, {"username": "acheteur@rennes.fr", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429


@pytest.mark.django_db
@override_settings(NUM_PROXIES=1)
def test_behind_one_proxy_the_audit_log_records_the_address_the_proxy_saw(client, buyer):
    client.post(
        reverse("login"),
        {"username": buyer.email, "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    # The left-most entry is whatever the client claimed; the proxy appended the real one.
    assert event.ip_address == "203.0.113.7"


@pytest.mark.django_db
def test_without_a_proxy_a_forged_forwarded_header_is_ignored(client, buyer):
    client.post(
        reverse("login"),
        {"username": buyer.email, "password": "wrong"},
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).ip_address == "198.51.100.4"
