"""A person's notifications: the list, and marking them read (one, or all)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.generic import ListView, View

from intranet.actions import notifications as actions
from intranet.models import Notification


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "intranet/notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for notification in context["notifications"]:
            # Links come from code, but only ever point inside the site.
            url = notification.url
            allowed = url and url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()})
            notification.safe_url = url if allowed else ""
        context["has_unread"] = Notification.objects.filter(recipient=self.request.user, read_at__isnull=True).exists()
        return context


class MarkReadView(LoginRequiredMixin, View):
    """POST `all=1` marks everything read; POST `notification=<id>` (repeatable) marks those; others' ids do nothing."""

    http_method_names = ["post"]

    def post(self, request):
        if request.POST.get("all"):
            ids = None
        else:
            ids = [int(value) for value in request.POST.getlist("notification") if value.isdigit()]
        count = actions.do_mark_read(request.user, ids) if ids != [] else 0
        if count:
            messages.success(
                request,
                ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
                % {"count": count},
            )
        return redirect(self._next(request))

    def _next(self, request) -> str:
        default = reverse("notifications")
        page = request.POST.get("page", "")
        if page.isdigit() and page != "1":
            default += f"?page={page}"
        return default
