"""The site's own Wagtail pages: the home page and plain pages (legal notice, accessibility...)."""

from functools import partial

from django.db import models
from django.template.loader import render_to_string
from django.urls import Resolver404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Page

from intranet.fragments import cached_fragment


class HomePage(Page):
    """The site root. Apps add sections to it through the `register_home_section` hook."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Resolve a page URL in two queries instead of two per level of the tree.

        Wagtail walks down one level at a time (child lookup, then `.specific`). Here the page
        and its ancestors come in one query by their url_path, and the first level that routes
        by itself (a RoutablePageMixin route such as /guides/tags/x/) gets the rest of the path,
        as in Wagtail's walk. Anything unusual (a missing level, a custom `route()`) falls back
        to Wagtail's walk, so results are the same."""
        found = self._find_route_target(path_components) if path_components else None
        if found is not None:
            page, remaining = found
            return page.route(request, remaining)
        return super().route(request, path_components)

    def _find_route_target(self, components):
        base = self.url_path
        wanted = [base + "/".join(components[: depth + 1]) + "/" for depth in range(len(components))]
        chain = sorted(
            Page.objects.filter(path__startswith=self.path, url_path__in=wanted).only(
                "id", "path", "depth", "url_path", "content_type_id", "live"
            ),
            key=lambda page: page.depth,
        )
        for level, node in enumerate(chain):
            if node.url_path != wanted[level]:
                return None
            model = node.specific_class
            remaining = components[level + 1 :]
            if model is None:
                return None
            if not remaining:
                return node.specific, []
            if issubclass(model, RoutablePageMixin):
                # A routable page answers its own sub-routes before its children's slugs.
                if node.live and self._routable_matches(model, remaining):
                    return node.specific, remaining
            elif model.route is not Page.route:
                return None  # that level routes its children itself: let Wagtail walk
        return None

    @staticmethod
    def _routable_matches(model, remaining) -> bool:
        try:
            model.get_resolver().resolve("/" + "/".join(remaining) + "/")
        except Resolver404:
            return False
        return True

    def get_context(self, request, *args, **kwargs):
        """The apps' sections (`register_home_section` hooks), each a dict: `title`, `template`, `context`, `order`.

        A section that is the same for every reader sharing some trait gives it as `vary` (e.g. the forum categories
        the reader may read) and its `context` as a function (returning None: no section): its HTML is then kept
        per content generation, language and `vary` (intranet/fragments.py) and its queries run only when it is
        rendered again. Sections without `vary` are rendered for each request."""
        context = super().get_context(request, *args, **kwargs)
        sections = []
        for hook in hooks.get_hooks("register_home_section"):
            section = hook(request)
            if section and "vary" in section:
                html = cached_fragment(
                    request, f"home:{section['template']}", section["vary"], partial(_render_section, request, section)
                )
                section = {**section, "html": mark_safe(html)} if html else None  # noqa: S308 - our templates' HTML
            if section:
                sections.append(section)
        context["sections"] = sorted(sections, key=lambda s: s.get("order", 100))
        return context


def _render_section(request, section: dict) -> str:
    """A cached home section's HTML ("" when its context function says there is nothing to show)."""
    section_context = section["context"]() if callable(section["context"]) else section["context"]
    if section_context is None:
        return ""
    return render_to_string(section["template"], {**section_context, "section": section}, request=request)


class StandardPage(Page):
    """A plain page: legal notice, accessibility statement, contact, help."""

    class Role(models.TextChoices):
        NONE = "", _("None")
        LEGAL = "legal", _("Legal notice")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        CONTACT = "contact", _("Contact")
        PRIVACY = "privacy", _("Personal data")

    body = RichTextField(_("content"), blank=True)
    footer_role = models.CharField(
        _("footer link"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_("Shows this page in the site footer."),
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("footer_role")]
    parent_page_types = ["intranet.HomePage", "intranet.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
