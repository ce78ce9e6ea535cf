"""Notices in the site search: live ones indexed with their words and codes; hits of unpublished ones dropped."""

from types import SimpleNamespace

import pytest
import time_machine
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


def test_the_search_page_narrows_notices_by_bid_status_and_cpv_division(client, make_notice, buyer):
    """Open for bids: deadline ahead and not cancelled; the CPV division facet names divisions in French."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    open_works = make_notice("Jaspe voirie", main_cpv="45233140-2")
    make_notice("Jaspe nettoyage", main_cpv="90910000-9")
    past = timezone.now() - datetime.timedelta(days=1)
    make_notice(
        "Jaspe clos", main_cpv="45000000-7", questions_deadline=past - datetime.timedelta(days=1), bids_deadline=past
    )
    cancelled = make_notice("Jaspe annulé", main_cpv="90910000-9")
    NoticePage.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    index = notice_index()
    connections["default"].get_backend().update(index, list(index.index_queryset()))

    def search(**params):
        response = client.get(reverse("search"), {"q": "jaspe", **params})
        facets = {facet["param"]: facet["entries"] for facet in response.context["extra_facets"]}
        titles = sorted(result.object.title for result in response.context["results"])
        return titles, facets, response

    titles, facets, response = search()
    assert len(titles) == 4
    assert [(entry["label"], entry["count"]) for entry in facets["statut"]] == [
        ("Open for bids", 2),
        ("Open, questions accepted", 2),
        ("Bids closed", 1),
        ("Cancelled", 1),
    ]
    divisions = {entry["label"]: entry["count"] for entry in facets["cpv"]}
    assert sorted(divisions.values()) == [2, 2] and divisions["45 – Travaux de construction"] == 2
    assert any(label.startswith("90 – Services d'évacuation des eaux usées") for label in divisions)
    html = response.content.decode()
    assert "Travaux de construction" in html

    titles, facets, _response = search(statut="ouverts")
    assert titles == ["Jaspe nettoyage", "Jaspe voirie"]
    titles, facets, _response = search(statut="ouverts", cpv="45")
    assert titles == ["Jaspe voirie"] == [open_works.title]
    # Forged values are ignored.
    titles, _facets, _response = search(statut="tous", cpv='45" OR x')
    assert len(titles) == 4


def test_the_status_facet_counts_every_status_as_the_notice_list_does(client, make_notice):
    """Every status of the notice list, counted at the engine from the deadlines and the lifecycle: a deadline
    passing moves a notice with no write and no re-indexing; the list's SQL filter agrees for each status."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from procurement.filters import Criteria
    from procurement.listing import list_queryset
    from procurement.search_hooks import STATUS_VALUES

    now = timezone.now()
    day = datetime.timedelta(days=1)
    make_notice("Béryl questions", questions_deadline=now + 2 * day, bids_deadline=now + 5 * day)
    make_notice("Béryl bientôt", questions_deadline=now + datetime.timedelta(minutes=2), bids_deadline=now + 3 * day)
    make_notice("Béryl dépôt", questions_deadline=now - day, bids_deadline=now + 3 * day)
    make_notice("Béryl clos", questions_deadline=now - 3 * day, bids_deadline=now - day)
    opened = make_notice("Béryl plis", questions_deadline=now - 3 * day, bids_deadline=now - day)
    awarded = make_notice("Béryl attribué", questions_deadline=now - 3 * day, bids_deadline=now - day)
    failed = make_notice("Béryl infructueux", questions_deadline=now - 3 * day, bids_deadline=now - day)
    cancelled = make_notice("Béryl annulé")
    NoticePage.objects.filter(pk=opened.pk).update(opened_at=now - day)
    NoticePage.objects.filter(pk=awarded.pk).update(opened_at=now - day, outcome="awarded")
    NoticePage.objects.filter(pk=failed.pk).update(opened_at=now - day, outcome="unsuccessful")
    NoticePage.objects.filter(pk=cancelled.pk).update(cancelled_at=now)
    index = notice_index()
    connections["default"].get_backend().update(index, list(index.index_queryset()))

    def counts():
        response = client.get(reverse("search"), {"q": "béryl"})
        return {entry["label"]: entry["count"] for entry in response.context["extra_facets"][0]["entries"]}

    def titles(value):
        response = client.get(reverse("search"), {"q": "béryl", "statut": value})
        return sorted(result.object.title for result in response.context["results"])

    assert counts() == {
        "Open for bids": 3,
        "Open, questions accepted": 2,
        "Open, questions closed": 1,
        "Bids closed": 1,
        "Bids opened": 1,
        "Awarded": 1,
        "Unsuccessful": 1,
        "Cancelled": 1,
    }
    assert titles("questions-closes") == ["Béryl dépôt"]
    for value, status in STATUS_VALUES.items():
        listed = sorted(n.title for n in Criteria(status=status).apply(list_queryset()) if n.title.startswith("Béryl"))
        assert titles(value) == listed, value
        assert len(listed) == counts()[str(search_status_label(value))], value

    # Three minutes later the questions of « Béryl bientôt » are closed: no write, the facet follows the clock.
    with time_machine.travel(now + datetime.timedelta(minutes=3)):
        after = counts()
        assert titles("questions-closes") == ["Béryl bientôt", "Béryl dépôt"]
    assert after["Open, questions accepted"] == 1 and after["Open, questions closed"] == 2
    assert after["Open for bids"] == 3


def search_status_label(value):
    from procurement.search_hooks import status_choices

    return status_choices()[value][0]


@pytest.mark.usefixtures("empty_search_index")
def test_the_status_facet_counted_on_the_hits_agrees_with_searching_each_status(client, make_notice):
    """The page counts each status on its hits' deadlines (no search per status): the same counts as searching
    each status's condition over the index, deadlines a second before, at and after the moment included."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone
    from haystack.query import SearchQuerySet

    from procurement.search_hooks import status_choices

    # The conditions compare with the moment to the second: deadlines at its bounds and just beyond.
    now = timezone.now().replace(microsecond=0)
    day = datetime.timedelta(days=1)
    bounds = [datetime.timedelta(microseconds=n) for n in (-1, 0, 999_999, 1_000_000)]
    for n, (questions, bids) in enumerate([*((bound, day) for bound in bounds), *((-day, bound) for bound in bounds)]):
        make_notice(f"Porphyre {n}", questions_deadline=now + questions, bids_deadline=now + bids)
    index = notice_index()
    connections["default"].get_backend().update(index, list(index.index_queryset()))
    with time_machine.travel(now, tick=False):
        response = client.get(reverse("search"), {"q": "porphyre"})
        counted = {entry["label"]: entry["count"] for entry in response.context["extra_facets"][0]["entries"]}
        searched = {
            str(label): SearchQuerySet().auto_query("porphyre").filter(condition).count()
            for label, condition in status_choices().values()
        }
        for value in status_choices():
            shown = client.get(reverse("search"), {"q": "porphyre", "statut": value}).context["result_count"]
            assert shown == searched[str(status_choices()[value][0])], value
    assert counted == {label: count for label, count in searched.items() if count}
    assert sum(counted.values()) > 8  # « open for bids » overlaps the two « open » statuses


@pytest.mark.usefixtures("empty_search_index")
def test_keywords_and_counts_work_in_a_process_that_never_searched_before(make_notice):
    """A server process (or thread) whose first use of the index is the notice list's keywords, or a count of
    facets, opens the index itself (the live server's thread met an index not opened yet)."""
    from intranet.search import matching_pks

    notice = make_notice("Porphyre bleu")
    connections["default"].get_backend().update(notice_index(), [notice])
    connections["default"].reset_sessions()  # a backend that has not opened the index yet
    assert matching_pks(NoticePage, "porphyre") == [str(notice.pk)]
    connections["default"].reset_sessions()
    counts = connections["default"].get_backend().facet_counts("porphyre", {"django_ct": False}, {})
    assert counts == {"django_ct": {"procurement.noticepage": 1}}
