"""Notifications that carry a one-click unsubscribe link print it in both kinds of e-mail."""

import pytest
import time_machine
from django.core import mail

from intranet.models import User
from intranet.notifications import notify
from intranet.tasks import send_daily_digests


@pytest.mark.django_db
def test_the_immediate_email_carries_each_recipients_own_unsubscribe_link(
    make_user, django_capture_on_commit_callbacks
):
    alice, bob = make_user("alice@example.fr"), make_user("bob@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [alice, bob],
            verb="test.followed",
            message="Nouvelle réponse",
            url="/forums/t/1/",
            unsubscribe_url_for=lambda user: f"https://plateforme.example/stop/{user.pk}/",
        )
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert f"https://plateforme.example/stop/{alice.pk}/" in bodies["alice@example.fr"]
    assert f"https://plateforme.example/stop/{bob.pk}/" not in bodies["alice@example.fr"]
    assert f"https://plateforme.example/stop/{bob.pk}/" in bodies["bob@example.fr"]


@pytest.mark.django_db
def test_the_daily_digest_lists_the_unsubscribe_link_under_its_notification(make_user):
    reader = make_user("digest@example.fr", email_frequency=User.EmailFrequency.DAILY)
    with time_machine.travel("2026-03-02 09:00 +01:00"):
        notify(
            [reader], verb="test.followed", message="Réponse A", unsubscribe_url_for=lambda user: "https://x/stop-a/"
        )
        notify([reader], verb="test.other", message="Réponse B")
        assert mail.outbox == []
        send_daily_digests.call()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "https://x/stop-a/" in body
    assert body.count("https://x/stop-a/") == 1


@pytest.mark.django_db
def test_notifications_without_an_unsubscribe_link_print_none(make_user, django_capture_on_commit_callbacks):
    person = make_user("simple@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], verb="test.plain", message="Bonjour")
    assert "no login needed" not in mail.outbox[0].body
    assert "sans connexion" not in mail.outbox[0].body
