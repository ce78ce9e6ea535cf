"""The site's own Wagtail pages: the home page and plain pages (legal notice, accessibility...)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site root. Apps add sections to it through the `register_home_section` hook."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sections = []
        for hook in hooks.get_hooks("register_home_section"):
            section = hook(request)
            if section:
                sections.append(section)
        context["sections"] = sorted(sections, key=lambda s: s.get("order", 100))
        return context


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
