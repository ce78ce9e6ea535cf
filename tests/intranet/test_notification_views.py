"""The notification list and marking notifications read."""

import pytest
from django.urls import reverse

from intranet.models import Notification

pytestmark = pytest.mark.django_db


def notify(user, message, url="/compte/profil/", **fields):
    return Notification.objects.create(recipient=user, verb="test", message=message, url=url, **fields)


def test_list_needs_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_only_ones_own_notifications_with_unread_ones_marked(client, login, buyer, org_admin):
    unread = notify(buyer, "Nouvelle réponse à votre question")
    notify(buyer, "Ancienne nouvelle", read_at="2026-01-01T00:00:00Z")
    notify(org_admin, "Pour quelqu'un d'autre")
    login(buyer)
    response = client.get(reverse("notifications"))
    html = response.content.decode()
    assert "Nouvelle réponse à votre question" in html and "Ancienne nouvelle" in html
    assert "quelqu&#x27;un d&#x27;autre" not in html
    assert html.count("notification is-unread") == 1
    assert html.count('<span class="visually-hidden">') >= 1
    assert f'value="{unread.pk}"' in html
    assert 'href="/compte/profil/"' in html


def test_links_leaving_the_site_are_not_shown(client, login, buyer):
    notify(buyer, "Lien douteux", url="https://ailleurs.example/")
    notify(buyer, "Lien script", url="javascript:alert(1)")
    login(buyer)
    html = client.get(reverse("notifications")).content.decode()
    assert "ailleurs.example" not in html and "javascript:" not in html


def test_list_is_paginated_by_30(client, login, buyer):
    Notification.objects.bulk_create(
        [Notification(recipient=buyer, verb="test", message=f"Message {n}") for n in range(35)]
    )
    login(buyer)
    first = client.get(reverse("notifications"))
    assert len(first.context["notifications"]) == 30
    assert first.context["is_paginated"]
    assert len(client.get(reverse("notifications") + "?page=2").context["notifications"]) == 5


def test_mark_all_read_touches_only_ones_own(client, login, buyer, org_admin):
    mine = [notify(buyer, "Un"), notify(buyer, "Deux")]
    theirs = notify(org_admin, "Trois")
    login(buyer)
    response = client.post(reverse("notifications_mark_read"), {"all": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_one_read_ignores_other_peoples_ids(client, login, buyer, org_admin):
    first, second = notify(buyer, "Un"), notify(buyer, "Deux")
    theirs = notify(org_admin, "Trois")
    login(buyer)
    client.post(reverse("notifications_mark_read"), {"notification": [str(first.pk), str(theirs.pk), "abc"]})
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_read_needs_a_post_and_a_login(client, login, buyer):
    assert client.post(reverse("notifications_mark_read"), {"all": "1"}).status_code == 302
    login(buyer)
    assert client.get(reverse("notifications_mark_read")).status_code == 405
