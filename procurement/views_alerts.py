"""Alerts (saved searches): save the list's filters, list, rename, switch notifications, delete."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from intranet import access as core_access
from intranet.models import Organization
from procurement import access
from procurement.actions import alerts as actions
from procurement.alert_unsubscribe import read_token
from procurement.filters import criteria_from_query
from procurement.models import NoticeIndexPage, SavedSearch


class AlertForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the alert"), max_length=actions.NAME_MAX)
    notify = forms.BooleanField(label=gettext_lazy("Notify me of new notices matching these filters"), required=False)


def _require_can_act(user) -> None:
    if not core_access.can_act(user):
        raise PermissionDenied


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@login_required
@require_POST
def alert_create(request):
    _require_can_act(request.user)
    query = request.POST.get("query", "")
    form = AlertForm(request.POST)
    if form.is_valid():
        try:
            search = actions.do_save_search(
                request.user, name=form.cleaned_data["name"], query=query, notify=form.cleaned_data["notify"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your alert “%(name)s” is saved.") % {"name": search.name})
            return redirect("procurement:alert_list")
    criteria = criteria_from_query(query)
    context = {"form": form, "query": criteria.querystring(), "summary": _summaries([criteria])[0]}
    return render(request, "procurement/alerts/alert_create.html", context, status=400)


@login_required
def alert_list(request):
    searches = list(SavedSearch.objects.filter(user_id=request.user.pk).order_by("name", "pk"))
    criteria = [criteria_from_query(s.query) for s in searches]
    index = NoticeIndexPage.objects.live().first()
    list_url = index.get_url(request) if index else ""
    alerts = [
        {
            "search": search,
            "summary": summary,
            "list_url": f"{list_url}?{search.query}" if search.query else list_url,
            "feed_url": request.build_absolute_uri(reverse("procurement:alert_feed", args=[search.feed_token])),
            "calendar_url": request.build_absolute_uri(reverse("procurement:alert_calendar", args=[search.feed_token])),
        }
        for search, summary in zip(searches, _summaries(criteria), strict=True)
    ]
    return render(
        request,
        "procurement/alerts/alert_list.html",
        {"alerts": alerts, "list_url": list_url, "can_act": core_access.can_act(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_update(request, alert_id):
    search = access.access_saved_search(request.user, alert_id)
    if request.method == "POST":
        _require_can_act(request.user)
        form = AlertForm(request.POST)
        if form.is_valid():
            try:
                actions.do_update_search(search, name=form.cleaned_data["name"], notify=form.cleaned_data["notify"])
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Your alert “%(name)s” is updated.") % {"name": search.name})
                return redirect("procurement:alert_list")
    else:
        form = AlertForm(initial={"name": search.name, "notify": search.notify})
    summary = _summaries([criteria_from_query(search.query)])[0]
    status = 400 if form.errors else 200
    return render(
        request,
        "procurement/alerts/alert_update.html",
        {"form": form, "search": search, "summary": summary},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_delete(request, alert_id):
    search = access.access_saved_search(request.user, alert_id)
    if request.method == "POST":
        _require_can_act(request.user)
        name = search.name
        actions.do_delete_search(search)
        messages.success(request, _("Your alert “%(name)s” is deleted.") % {"name": name})
        return redirect("procurement:alert_list")
    return render(request, "procurement/alerts/alert_delete.html", {"search": search})


def _summaries(criteria_list) -> list[list[str]]:
    """Each alert's filters in words, with buyers' names read in one query for all."""
    buyer_ids = {c.buyer for c in criteria_list if c.buyer}
    names = dict(Organization.objects.filter(pk__in=buyer_ids).values_list("pk", "name")) if buyer_ids else {}
    return [c.summary(names) or [_("All open notices")] for c in criteria_list]


@require_http_methods(["GET", "POST"])
def alert_unsubscribe(request, token):
    """The e-mails' one-click link: no login; GET asks (mail scanners prefetch links), POST stops."""
    search = read_token(token)
    if search is None:
        return render(request, "procurement/alerts/alert_unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        actions.do_stop_alert_notifications(search)
        done = True
    return render(request, "procurement/alerts/alert_unsubscribe.html", {"alert": search, "done": done})
