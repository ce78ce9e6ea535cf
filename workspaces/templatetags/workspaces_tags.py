"""Template tags of the workspaces: the workspace's sub-navigation, role labels, unread badges.

Other modules of the app may use them read-only.
"""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The sub-navigation of a workspace, in order: (key, label, URL name, extra args, admins only).
# A URL name that does not resolve (a feature not built yet) is left out.
WORKSPACE_NAV = (
    ("overview", _("Overview"), "workspaces:detail", (), False),
    ("chat", _("Discussions"), "workspaces:channel", ("general",), False),
    ("files", _("Files"), "workspaces:files", (), False),
    ("notes", _("Notes"), "workspaces:notes", (), False),
    ("members", _("Members"), "workspaces:members", (), False),
    ("search", _("Search"), "workspaces:search", (), False),
    ("settings", _("Settings"), "workspaces:settings", (), True),
)


@register.simple_tag
def workspace_nav_links(workspace, member=None, current=""):
    """The entries of a workspace's sub-navigation: dicts with key, label, href and current."""
    is_admin = bool(member is not None and getattr(member, "is_admin", False))
    links = []
    for key, label, name, extra, admins_only in WORKSPACE_NAV:
        if admins_only and not is_admin:
            continue
        try:
            href = reverse(name, args=[workspace.slug, *extra])
        except NoReverseMatch:
            continue
        links.append({"key": key, "label": label, "href": href, "current": key == current})
    return links


@register.simple_tag
def workspace_url(name, *args, **kwargs):
    """`reverse("workspaces:<name>", ...)`, or "" when that page does not exist (yet)."""
    try:
        return reverse(f"workspaces:{name}", args=args, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.filter
def get_item(mapping, key):
    """`mapping[key]` or None, for dicts keyed by ids (unread counts)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def activity_text(activity):
    """One line of the activity feed, escaped: who did what, with a link to what it concerns."""
    from django.utils.html import format_html
    from django.utils.translation import gettext

    from workspaces.models import Activity

    actor = activity.actor.display_name if activity.actor_id and activity.actor else gettext("A former member")
    verb = activity.verb
    if verb == Activity.Verb.REMOVED:
        return format_html(gettext("{person} was removed by {actor}"), person=activity.label, actor=actor)
    if verb in (
        Activity.Verb.JOINED,
        Activity.Verb.LEFT,
        Activity.Verb.CREATED,
        Activity.Verb.ARCHIVED,
        Activity.Verb.UNARCHIVED,
    ):
        return format_html("{} {}", actor, activity.get_verb_display())
    if activity.label and activity.url:
        return format_html(
            '{} {}: <a href="{}">{}</a>', actor, activity.get_verb_display(), activity.url, activity.label
        )
    if activity.label:
        return format_html("{} {}: {}", actor, activity.get_verb_display(), activity.label)
    return format_html("{} {}", actor, activity.get_verb_display())
