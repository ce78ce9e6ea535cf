"""The CPV picker's JSON: codes by prefix or by words of their label, at most 20."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def search(client, q):
    response = client.get(reverse("procurement:cpv_search"), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_codes_by_prefix_and_full_code(client, cpv_codes):
    results = search(client, "4523314")
    codes = [r["code"] for r in results]
    assert "45233140-2" in codes and "45233141-9" in codes
    assert all(code.startswith("4523314") for code in codes)
    assert [r["code"] for r in search(client, "45233140-2")] == ["45233140-2"]
    assert search(client, "45233140-2")[0]["label"] == "Roadworks"


def test_codes_by_words_of_the_label_and_limit(client, cpv_codes):
    results = search(client, "cleaning services")
    assert results and len(results) <= 20
    assert all("cleaning" in r["label"].lower() and "services" in r["label"].lower() for r in results)
    assert len(search(client, "4")) <= 20
    assert search(client, "") == []
