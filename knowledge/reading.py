"""What readers see around a guide: table of contents, trail, neighbours, related guides, listings.

Every list goes through knowledge.access.visible_guides, and each function costs a fixed number of
queries whatever the number of guides (the page tests pin them).
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr
from django.utils.text import slugify

from knowledge.access import visible_guides
from knowledge.models import GuidePage, GuidePageTag, KnowledgeIndexPage, TopicPage

GUIDES_PER_PAGE = 20
MAX_RELATED = 5
FEED_SIZE = 20


@dataclass
class TocEntry:
    anchor: str
    text: str
    level: str  # "h2" or "h3"
    children: list["TocEntry"] = field(default_factory=list)


def heading_anchor(text: str) -> str:
    """The id of a heading: its text as a slug (stable as long as the text is)."""
    return slugify(text) or "section"


def table_of_contents(body) -> tuple[list[TocEntry], dict[str, str]]:
    """The body's headings as a two-level outline, and the anchor of each heading block by block id.

    Two headings with the same text get "-2", "-3"... so that every id on the page is unique. A
    sub-section before any section sits at the top level.
    """
    entries, anchors, seen = [], {}, {}
    for block in body:
        if block.block_type != "heading":
            continue
        base = heading_anchor(block.value["text"])
        seen[base] = seen.get(base, 0) + 1
        anchor = base if seen[base] == 1 else f"{base}-{seen[base]}"
        entry = TocEntry(anchor, block.value["text"], block.value["level"])
        if entry.level == "h3" and entries and entries[-1].level == "h2":
            entries[-1].children.append(entry)
        else:
            entries.append(entry)
        anchors[block.id] = anchor
    return entries, anchors


def listing(queryset: QuerySet) -> QuerySet:
    """Guides for a list: tags prefetched, the body (the heavy part) left in the database."""
    return queryset.defer("body").prefetch_related("tags")


def paginate(request, queryset: QuerySet):
    return Paginator(queryset, GUIDES_PER_PAGE).get_page(request.GET.get("page"))


def knowledge_index_of(ancestors) -> KnowledgeIndexPage | None:
    return next((page for page in ancestors if page.specific_class is KnowledgeIndexPage), None)


def trail(page) -> list:
    """The ancestors shown in the breadcrumb: the home page down to the page's parent (one query)."""
    return list(page.get_ancestors().filter(depth__gt=1))


def neighbours(user, guide: GuidePage) -> tuple[GuidePage | None, GuidePage | None]:
    """The previous and next guides the reader may read in the guide's topic, in the topic's order."""
    siblings = visible_guides(user, GuidePage.objects.live().sibling_of(guide, inclusive=False)).only(
        "title", "url_path", "path", "depth"
    )
    previous = siblings.filter(path__lt=guide.path).order_by("-path").first()
    following = siblings.filter(path__gt=guide.path).order_by("path").first()
    return previous, following


def related_guides(user, guide: GuidePage, tag_ids: list[int]) -> list[GuidePage]:
    """The editor's chosen guides first, then guides sharing most tags, readable and live, at most five."""
    chosen_ids = [link.guide_id for link in guide.related_links.all() if link.guide_id != guide.pk]
    chosen = []
    if chosen_ids:
        found = {g.pk: g for g in visible_guides(user).filter(pk__in=chosen_ids).defer("body")}
        chosen = [found[pk] for pk in dict.fromkeys(chosen_ids) if pk in found][:MAX_RELATED]
    room = MAX_RELATED - len(chosen)
    if room <= 0 or not tag_ids:
        return chosen
    automatic = (
        visible_guides(user)
        .filter(tagged_items__tag_id__in=tag_ids)
        .exclude(pk__in=[guide.pk, *chosen_ids])
        .annotate(shared_tags=Count("tagged_items"))
        .order_by("-shared_tags", "title", "pk")
    )
    return chosen + list(automatic.defer("body")[:room])


def topic_guides(user, topic: TopicPage) -> QuerySet:
    return listing(visible_guides(user, GuidePage.objects.live().child_of(topic))).order_by("path")


def guide_counts_by_topic(user, index: KnowledgeIndexPage, topics) -> dict[int, int]:
    """How many guides the reader may read under each top-level topic, sub-topics included (one query)."""
    prefix_length = (index.depth + 1) * GuidePage.steplen
    rows = (
        visible_guides(user, GuidePage.objects.live().descendant_of(index))
        .annotate(topic_path=Substr("path", 1, prefix_length))
        .values("topic_path")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_path = {row["topic_path"]: row["count"] for row in rows}
    return {topic.pk: by_path.get(topic.path, 0) for topic in topics}


def latest_guides(user, root=None, limit=5) -> QuerySet:
    guides = GuidePage.objects.live()
    if root is not None:
        guides = guides.descendant_of(root)
    return listing(visible_guides(user, guides)).order_by(F("first_published_at").desc(nulls_last=True), "-pk")[:limit]


def tagged_guides(user, index: KnowledgeIndexPage, tag_slug: str) -> QuerySet:
    guides = GuidePage.objects.live().descendant_of(index).filter(tagged_items__tag__slug=tag_slug)
    return listing(visible_guides(user, guides)).order_by("title", "pk")


def tag_in_use(tag_slug: str):
    """The tag if at least one guide has it (whoever may read that guide), else None."""
    tagged = GuidePageTag.objects.filter(tag__slug=tag_slug).select_related("tag").first()
    return tagged.tag if tagged else None


def tags_with_counts(user, index: KnowledgeIndexPage) -> list[dict]:
    """Tags of the guides the reader may read, with how many of those guides carry each (one query)."""
    readable = visible_guides(user, GuidePage.objects.live().descendant_of(index)).values("pk")
    return list(
        GuidePageTag.objects.filter(content_object_id__in=readable)
        .values("tag__name", "tag__slug")
        .annotate(count=Count("pk"))
        .order_by("tag__name")
    )


def feed_guides(index: KnowledgeIndexPage) -> QuerySet:
    """The feed is fetched without logging in: guides for everyone only, whoever asks."""
    return latest_guides(AnonymousUser(), index, FEED_SIZE)
