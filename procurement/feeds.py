"""An alert's feeds, reached by its secret token (feed readers do not log in): Atom and iCalendar deadlines.

Both list live notices only (`access.visible_notices`), filtered by the alert's saved criteria; never the practice
consultation."""

import dataclasses
import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from procurement import access
from procurement.filters import NEWEST, OPEN, criteria_from_query
from procurement.models import SavedSearch, Status, status_q
from procurement.templatetags.procurement_tags import paris_datetime

ATOM_ITEMS = 50
CALENDAR_NOTICES = 500
UTC = datetime.UTC


def access_feed_search(token: str) -> SavedSearch:
    """The alert with this feed token, if its owner's account is open; else 404."""
    search = SavedSearch.objects.select_related("user").filter(feed_token=token).first()
    if search is None or not search.user.is_active or search.user.closed_at is not None:
        raise Http404
    return search


def _feed_notices():
    return access.visible_notices().exclude(practice=True).select_related("buyer")


def feed_notices(search: SavedSearch, now=None):
    """The alert's matching live notices, newest first."""
    criteria = dataclasses.replace(criteria_from_query(search.query), sort=NEWEST)
    return criteria.apply(_feed_notices(), now)


class AlertAtomFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, token):
        self.request = request
        return access_feed_search(token)

    def title(self, search):
        return _("Calls for tender: %(name)s") % {"name": search.name}

    def subtitle(self, search):
        return _("The newest calls for tender matching the alert “%(name)s”.") % {"name": search.name}

    def link(self, search):
        return self.request.build_absolute_uri("/")

    def feed_url(self, search):
        return self.request.build_absolute_uri()

    def items(self, search):
        return list(feed_notices(search)[:ATOM_ITEMS])

    def item_title(self, notice):
        return f"{notice.reference} – {notice.title}"

    def item_description(self, notice):
        return _("Buyer: %(buyer)s. Deadline for bids: %(deadline)s. Département: %(department)s.") % {
            "buyer": notice.buyer.name,
            "deadline": paris_datetime(notice.bids_deadline),
            "department": notice.get_department_display(),
        }

    def item_link(self, notice):
        return notice.get_full_url(self.request)

    def item_guid(self, notice):
        return notice.get_full_url(self.request)

    def item_author_name(self, notice):
        return notice.buyer.name

    def item_pubdate(self, notice):
        return notice.first_published_at

    def item_updateddate(self, notice):
        return notice.last_published_at or notice.first_published_at


def alert_calendar(request, token):
    """iCalendar: two events per matching notice still open (deadline for questions, for bids), in UTC."""
    search = access_feed_search(token)
    now = timezone.now()
    criteria = criteria_from_query(search.query)
    if criteria.status not in (OPEN, Status.PUBLISHED, Status.QUESTIONS_CLOSED):
        criteria = dataclasses.replace(criteria, status=OPEN)
    notices = criteria.apply(_feed_notices(), now)
    notices = notices.filter(status_q(Status.PUBLISHED, now) | status_q(Status.QUESTIONS_CLOSED, now))
    notices = list(notices.order_by("bids_deadline", "pk")[:CALENDAR_NOTICES])

    calendar = Calendar()
    calendar.add("prodid", "-//Marches et Partage//Alert deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Deadlines: %(name)s") % {"name": search.name})
    calendar.add("x-wr-timezone", "Europe/Paris")
    host = request.get_host().split(":")[0]
    for notice in notices:
        url = notice.get_full_url(request)
        kinds = (
            ("questions", notice.questions_deadline, _("Deadline for questions: %(reference)s – %(title)s")),
            ("bids", notice.bids_deadline, _("Deadline for bids: %(reference)s – %(title)s")),
        )
        for kind, moment, summary in kinds:
            event = Event()
            event.add("uid", f"notice-{notice.pk}-{kind}@{host}")
            event.add("dtstamp", (notice.last_published_at or now).astimezone(UTC))
            event.add("dtstart", moment.astimezone(UTC))
            event.add("dtend", moment.astimezone(UTC))
            event.add("summary", summary % {"reference": notice.reference, "title": notice.title})
            event.add("description", f"{notice.buyer.name}\n{url}")
            event.add("url", url)
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="echeances.ics"'
    return response
