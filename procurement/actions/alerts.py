"""Saved searches (alerts) and their notifications."""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from intranet import access as core_access
from intranet.models import Membership
from intranet.notifications import event_key_for, notify
from procurement.alert_unsubscribe import unsubscribe_url
from procurement.filters import criteria_from_query, notice_cpv_codes, notice_keywords
from procurement.models import Lot, NoticePage, SavedSearch

NAME_MAX = SavedSearch._meta.get_field("name").max_length


def check_alert_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the alert a name.")}, code="required")
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("At most %(max)s characters.") % {"max": NAME_MAX}}, code="max_length")
    return name


def do_save_search(user, *, name: str, query: str, notify: bool = True) -> SavedSearch:
    """Save the list's filters (`query`, a query string; invalid values are dropped) as `user`'s alert."""
    if not core_access.can_act(user):
        raise PermissionDenied
    name = check_alert_name(name)
    normalized = criteria_from_query(query).querystring()
    return SavedSearch.objects.create(user=user, name=name, query=normalized, notify=bool(notify))


def do_update_search(search: SavedSearch, *, name: str, notify: bool) -> SavedSearch:
    search.name = check_alert_name(name)
    search.notify = bool(notify)
    search.save(update_fields=["name", "notify"])
    return search


def do_delete_search(search: SavedSearch) -> None:
    search.delete()


def do_stop_alert_notifications(search: SavedSearch) -> SavedSearch:
    """The e-mails' one-click link: the alert stays (and its feeds), its notifications stop."""
    SavedSearch.objects.filter(pk=search.pk).update(notify=False)
    search.notify = False
    return search


def do_notify_alerts(notice) -> int:
    """Notify the owners of saved searches matching `notice`, at its first publication; returns how many.

    The filters are evaluated in Python against this one notice (three queries whatever the number of
    alerts). Status and deadline filters are ignored: a notice just published is open, and whoever
    looks for closed notices or a deadline range still wants to hear about a new one in their field.
    The notice's own organization is never told about its own notice, and nobody about the practice
    consultation (a rehearsal, not a call for tender)."""
    notice = notice.specific if type(notice) is not NoticePage and hasattr(notice, "specific") else notice
    if notice.practice:
        return 0
    lot_codes = Lot.objects.filter(notice_id=notice.pk).exclude(cpv="").values_list("cpv", flat=True)
    codes = notice_cpv_codes(notice, lot_codes)
    own_people = Membership.objects.filter(organization_id=notice.buyer_id, status=Membership.Status.ACTIVE).values(
        "user_id"
    )
    searches = (
        SavedSearch.objects.filter(notify=True, user__is_active=True)
        .exclude(user_id__in=own_people)
        .select_related("user")
        .order_by("user_id", "pk")
    )
    keywords = []  # the notice's keyword matcher, built at the first search with keywords (two queries)

    @functools.cache
    def found_by(query: str) -> bool:
        if not keywords:
            keywords.append(notice_keywords(notice))
        return keywords[0](query)

    matched: dict[int, tuple] = {}
    for search in searches:
        if search.user_id in matched or not core_access.can_act(search.user):
            continue
        if criteria_from_query(search.query).matches(notice, codes, found_by):
            matched[search.user_id] = (search.user, search)
    if not matched:
        return 0
    url = notice.url or ""
    with transaction.atomic():
        for user, search in matched.values():
            # One message per user, naming their first matching alert (whose link stops it).
            notify(
                [user],
                verb="procurement.alert",
                message=_("New call for tender matching your alert “%(alert)s”: %(reference)s – %(title)s")
                % {"alert": search.name, "reference": notice.reference, "title": notice.title},
                url=url,
                target=notice,
                unsubscribe_url_for=lambda _user, search=search: unsubscribe_url(search),
                event_key=event_key_for("procurement.alert", notice.pk),
            )
    return len(matched)
