"""An alert's Atom and iCalendar feeds, by secret token: matching live notices only, times in UTC."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from procurement.actions.alerts import do_save_search
from tests.procurement.conftest import paris

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def alert(company_member):
    return do_save_search(company_member, name="Voirie", query="cpv=4523", notify=False)


def test_atom_lists_matching_live_notices_only(client, alert, make_notice):
    make_notice("Réfection de la voirie", reference="V-1", main_cpv="45233140-2")
    make_notice("Nettoyage", reference="N-1", main_cpv="90910000-9")
    make_notice("Voirie en brouillon", reference="D-1", main_cpv="45233140-2", live=False)
    response = client.get(reverse("procurement:alert_feed", args=[alert.feed_token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314 - our own feed
    assert [e.find(f"{ATOM}title").text for e in entries] == ["V-1 – Réfection de la voirie"]
    assert entries[0].find(f"{ATOM}link").get("href").startswith("http://")


def test_calendar_has_both_deadlines_of_open_notices_in_utc_across_dst(client, alert, make_notice):
    open_ = make_notice(
        "Voirie",
        main_cpv="45233140-2",
        questions_deadline=paris(2027, 3, 20, 12),
        bids_deadline=paris(2027, 3, 28, 12),  # the day clocks go forward: 12:00 Paris is 10:00 UTC
    )
    now = timezone.now()
    make_notice(
        "Voirie close",
        main_cpv="45233140-2",
        questions_deadline=now - datetime.timedelta(days=9),
        bids_deadline=now - datetime.timedelta(days=1),
    )
    make_notice("Voirie brouillon", main_cpv="45233140-2", live=False)
    response = client.get(reverse("procurement:alert_calendar", args=[alert.feed_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"notice-{open_.pk}-questions@testserver", f"notice-{open_.pk}-bids@testserver"}
    bids = events[f"notice-{open_.pk}-bids@testserver"]
    assert bids.decoded("DTSTART") == datetime.datetime(2027, 3, 28, 10, 0, tzinfo=datetime.UTC)
    questions = events[f"notice-{open_.pk}-questions@testserver"]
    assert questions.decoded("DTSTART") == datetime.datetime(2027, 3, 20, 11, 0, tzinfo=datetime.UTC)
    assert str(bids["URL"]).endswith(open_.url)
    assert open_.reference in str(bids["SUMMARY"])
    # Stable identifiers: the same on the next fetch.
    again = Calendar.from_ical(client.get(reverse("procurement:alert_calendar", args=[alert.feed_token])).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)


def test_unknown_token_is_404(client, alert):
    assert client.get(reverse("procurement:alert_feed", args=["nope"])).status_code == 404
    assert client.get(reverse("procurement:alert_calendar", args=["nope"])).status_code == 404
