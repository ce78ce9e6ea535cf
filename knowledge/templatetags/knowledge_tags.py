"""Template tags of the knowledge base: tag page links, heading anchors, guide references."""

from urllib.parse import quote

from django import template

from knowledge import access, reading
from knowledge.models import GuidePage, KnowledgeIndexPage

register = template.Library()


def _index_url(context) -> str:
    """The knowledge base's URL: from the page's context, else looked up once per request."""
    url = context.get("knowledge_index_url")
    if url:
        return url
    request = context.get("request")
    cached = getattr(request, "_knowledge_index_url", None)
    if cached is not None:
        return cached
    index = KnowledgeIndexPage.objects.live().only("url_path", "path", "depth").first()
    url = index.get_url(request) if index else ""
    if request is not None:
        request._knowledge_index_url = url
    return url


@register.simple_tag(takes_context=True)
def tag_url(context, slug: str) -> str:
    """The page listing the guides with this tag (`slug` is the tag's slug)."""
    index_url = _index_url(context)
    if not index_url or not slug:
        return ""
    return f"{index_url}tags/{quote(str(slug))}/"


@register.simple_tag(takes_context=True)
def knowledge_url(context, subpath: str = "") -> str:
    """A URL inside the knowledge base: `{% knowledge_url "tags/" %}`, `{% knowledge_url "feed/" %}`."""
    index_url = _index_url(context)
    return f"{index_url}{subpath}" if index_url else ""


@register.filter
def heading_anchor(text: str) -> str:
    return reading.heading_anchor(text or "")


@register.simple_tag(takes_context=True)
def readable_guide(context, guide) -> GuidePage | None:
    """The guide an embedded reference points to, if it is live and the reader may read it."""
    if not isinstance(guide, GuidePage) or not guide.live:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    return guide if access.can_read_guide(user, guide) else None
