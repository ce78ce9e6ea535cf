"""Notices in the site search: live ones indexed with their words and codes; hits of unpublished ones dropped."""

from types import SimpleNamespace

import pytest
from haystack import connections

from procurement.models import NoticePage
from procurement.search_hooks import drop_unpublished_notices

pytestmark = pytest.mark.django_db


def notice_index():
    return connections["default"].get_unified_index().get_index(NoticePage)


def test_only_live_notices_are_indexed_with_buyer_words_and_codes(make_notice, body):
    live = make_notice(
        "Réfection de la voirie",
        reference="V-77",
        main_cpv="45233140-2",
        lots=[(1, "Signalisation", "34992000-7", None)],
    )
    draft = make_notice("Brouillon", live=False)
    indexed = notice_index().index_queryset()
    assert live in indexed and draft not in indexed
    document = notice_index().full_prepare(indexed.get(pk=live.pk))
    for word in (
        "Réfection de la voirie",
        "V-77",
        body.name,
        "Prestations de nettoyage",
        "45233140-2",
        "Signalisation",
    ):
        assert word in document["text"]
    assert "34992000-7" in document["cpv"]
    assert "<p>" not in document["text"]


def test_search_hook_drops_notices_no_longer_live(make_notice):
    live = make_notice("En ligne")
    gone = make_notice("Retiré")
    NoticePage.objects.filter(pk=gone.pk).update(live=False)
    gone.refresh_from_db()
    other = SimpleNamespace(object=object())
    results = [SimpleNamespace(object=live), SimpleNamespace(object=gone), other]
    kept = list(drop_unpublished_notices(None, results))
    assert [r.object for r in kept] == [live, other.object]


def test_home_page_shows_the_newest_open_notices(client, home_page, make_notice):
    import datetime

    from django.utils import timezone, translation

    now = timezone.now()
    for n in range(6):
        make_notice(f"Avis ouvert {n}")
    make_notice("Avis clos", questions_deadline=now - datetime.timedelta(days=3), bids_deadline=now)
    with translation.override("en"):
        html = client.get(home_page.url).content.decode()
    assert "Latest calls for tender" in html
    assert "Avis ouvert 5" in html and "Avis ouvert 1" in html and "Avis ouvert 0" not in html
    assert "Avis clos" not in html
