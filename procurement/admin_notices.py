"""Notices in the Wagtail admin: short MAPA periods get a warning after saving. Who sees which notice
there is Wagtail's own page permissions (each body's section, `procurement.setup`), not narrowed here."""

from django.contrib import messages
from wagtail import hooks

from procurement.forms import short_period_warning
from procurement.models import NoticePage


def warn_about_short_period(request, page):
    if isinstance(page, NoticePage):
        warning = short_period_warning(page)
        if warning:
            messages.warning(request, warning)


@hooks.register("after_create_page")
def warn_after_create(request, page):
    warn_about_short_period(request, page)


@hooks.register("after_edit_page")
def warn_after_edit(request, page):
    warn_about_short_period(request, page)
