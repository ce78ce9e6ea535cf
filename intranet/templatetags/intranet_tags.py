"""Template tags of the site shell: navigation state, account menu, home sections, object links."""

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from intranet.fragments import CSRF_PLACEHOLDER, cached_fragment, with_csrf_token

register = template.Library()

# The main menu, in order: (label, URL name or path). A URL name that no installed app provides is left
# out, so an entry shows from the day its feature's URLs exist: the workspaces come back with their app.
# Paths are pages of the tree, made by the apps' set-up (procurement.setup, the knowledge base's demo).
MAIN_MENU = (
    (_("Calls for tender"), "/appels-d-offres/"),
    (_("Guides"), "/guides/"),
    (_("Forums"), "forums:index"),
    (_("Workspaces"), "workspaces:index"),
    (_("Search"), "search"),
)


@register.simple_tag
def main_menu() -> list[tuple[str, str]]:
    """The main menu's (label, href), without the entries whose feature is not installed."""
    entries = []
    for label, target in MAIN_MENU:
        if target.startswith("/"):
            entries.append((label, target))
            continue
        try:
            entries.append((label, reverse(target)))
        except NoReverseMatch:
            continue
    return entries


@register.filter
def badge_for(badges, href: str) -> dict | None:
    """The header badge (from the `register_header_badge` hooks) of the menu entry at `href`, if any."""
    for badge in badges or ():
        if badge.get("url") == href:
            return badge
    return None


@register.simple_tag(takes_context=True)
def aria_current(context, href: str) -> str:
    """` aria-current="page"` on the link to the page shown, `"true"` on the link to its section."""
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    if path == href:
        return format_html(' aria-current="{}"', "page")
    if href != "/" and path.startswith(href):
        return format_html(' aria-current="{}"', "true")
    return ""


@register.simple_tag
def site_name() -> str:
    """The platform's name, for templates rendered without the context processors (the 500 page)."""
    return settings.SITE_NAME


@register.simple_tag(takes_context=True)
def render_home_section(context, section: dict) -> str:
    """Render one home page section: its template sees the page's context plus the section's own.

    Equivalent to `{% include section.template with <each key of section.context>=... %}`, which the
    template language cannot spell for a dict of unknown keys. The section template gets `section` too. A section
    kept for readers like this one (HomePage.get_context) comes with its `html`.
    """
    if "html" in section:
        return section["html"]
    with context.push(section=section, **section.get("context", {})):
        return get_template(section["template"]).template.render(context)


@register.filter
def object_url(obj) -> str:
    """Where a search hit lives: a Wagtail page's URL or a model's get_absolute_url(), else ""."""
    if obj is None:
        return ""
    url = getattr(obj, "url", None)
    if isinstance(url, str):
        return url
    get_absolute_url = getattr(obj, "get_absolute_url", None)
    return get_absolute_url() if callable(get_absolute_url) else ""


@register.filter
def with_footer_role(pages, role: str):
    """The first of the footer pages that has this role (e.g. "accessibility"), or None."""
    return next((page for page in pages or () if page.footer_role == role), None)


@register.filter
def page_window(page_obj, around: int = 2) -> list[int | None]:
    """The page numbers a pagination shows: the first, the last, and `around` on each side of the current one,
    with None where a run of numbers is left out (an ellipsis). A few entries, whatever the number of pages."""
    last = page_obj.paginator.num_pages
    current = page_obj.number
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


class KeptNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        name = str(self.name.resolve(context))
        vary = tuple(value.resolve(context) for value in self.vary)

        def render():
            with context.push(csrf_token=CSRF_PLACEHOLDER):  # the reader's own token goes in when served
                return self.nodelist.render(context)

        return with_csrf_token(request, cached_fragment(request, name, vary, render))


@register.tag("kept")
def do_kept(parser, token):
    """`{% kept "name" value1 value2 ... %}…{% endkept %}`: the enclosed HTML kept for every reader with the same
    values, per content generation, language and host (intranet/fragments.py); its forms get each reader's own
    CSRF token. The values must hold everything of the reader the enclosed part shows (their rights, audiences,
    own items...): what is not among them must be the same for everyone. Whatever the enclosed part reads from
    the context is only computed when it is rendered: pass costly data as lazy values (SimpleLazyObject)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} needs a name")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
