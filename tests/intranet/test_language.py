"""French first: the interface is French whatever the browser says, until English is chosen."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_an_english_browser_still_gets_the_french_interface(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Appels d'offres" in html or "Appels d&#x27;offres" in html


@pytest.mark.django_db
def test_choosing_english_with_the_switcher_is_remembered(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Calls for tender" in html


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_french(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="fr">' in client.get("/").content.decode()
