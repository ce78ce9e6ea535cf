"""What readers see in the forums: the category tree, topic lists with unread state, a topic's posts.

Every list goes through forums.access (readable categories, visible topics), and each function costs a
fixed number of queries whatever the number of topics or posts: unread state comes from subqueries
annotated on the topics, reactions and attachments of a page of posts from one prefetch each.

Unread tracking: a topic the reader never opened is "new"; one opened earlier has "N new replies" when
posts were added after the last one shown to them (TopicReadState). "Mark all read" (CategoryReadMark,
per category or everywhere) makes every topic whose last post is not newer than the mark count as read.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from forums import access
from forums.models import (
    POSTS_PER_PAGE,
    TOPICS_PER_PAGE,
    Category,
    CategoryReadMark,
    Post,
    Reaction,
    Subscription,
    Topic,
    TopicReadState,
)

FEED_SIZE = 20
HOME_TOPICS = 5

SOLVED = "resolus"
UNSOLVED = "non-resolus"
STATE_FILTERS = (SOLVED, UNSOLVED)

# Includes written by the other parts of the forums (posting, engagement, moderation); the topic page
# renders those that exist, so that one part can ship before another.
PART_INCLUDES = {
    "post_actions": "forums/includes/post_actions.html",
    "reply_form": "forums/includes/reply_form.html",
    "post_reactions": "forums/includes/post_reactions.html",
    "topic_subscription": "forums/includes/topic_subscription.html",
    "post_moderation": "forums/includes/post_moderation.html",
    "topic_moderation": "forums/includes/topic_moderation.html",
}


def available_includes() -> dict[str, str]:
    """The other parts' includes that exist, by short name ("" when missing)."""
    found = {}
    for name, template in PART_INCLUDES.items():
        try:
            get_template(template)
        except TemplateDoesNotExist:
            found[name] = ""
        else:
            found[name] = template
    return found


# --- Unread state -------------------------------------------------------------------------------


def with_unread_state(user, topics: QuerySet) -> QuerySet:
    """Annotate `read_number` (None: never opened) and `marked_read` on each topic. (The last post's number comes
    with the last post, which lists select: an annotation joined the posts into every list's COUNT too, 5.9 of the
    category page's 10 ms of SQL with 10,000 topics.)"""
    if not getattr(user, "is_authenticated", False):
        return topics
    return topics.annotate(
        read_number=Subquery(
            TopicReadState.objects.filter(user=user, topic=OuterRef("pk")).values("last_read_number")[:1]
        ),
        marked_read=Exists(
            CategoryReadMark.objects.filter(user=user, marked_at__gte=OuterRef("last_post_at")).filter(
                Q(category__isnull=True) | Q(category_id=OuterRef("category_id"))
            )
        ),
    )


def _unread_filter() -> Q:
    return Q(marked_read=False) & (Q(read_number__isnull=True) | Q(read_number__lt=F("last_post__number")))


def describe_unread(user, topics) -> list[Topic]:
    """Set `is_new`, `new_replies` and `has_unread` on topics annotated by with_unread_state, their last post
    selected with them (no query)."""
    topics = list(topics)
    for topic in topics:
        topic.is_new = False
        topic.new_replies = 0
        if getattr(user, "is_authenticated", False) and not topic.marked_read:
            last_number = topic.last_post.number if topic.last_post_id else 0
            if topic.read_number is None:
                topic.is_new = True
            elif last_number > topic.read_number:
                topic.new_replies = last_number - topic.read_number
        topic.has_unread = topic.is_new or bool(topic.new_replies)
    return topics


def unread_signature(topics) -> tuple:
    """What a reader's rows of these topics (described by describe_unread) show of that reader: which topics, and
    what is new in each."""
    return tuple((topic.pk, topic.is_new, topic.new_replies) for topic in topics)


def unread_counts_by_category(user) -> dict[int, int]:
    """How many topics with something unread each readable category holds (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = (
        with_unread_state(user, access.visible_topics(user))
        .filter(_unread_filter())
        .values("category_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["category_id"]: row["count"] for row in rows}


def first_unread_number(user, topic: Topic) -> int:
    """The number of the first post `user` has not read in `topic` (the last post when all is read)."""
    last = Post.objects.filter(topic=topic).order_by("-number").values_list("number", flat=True).first() or 1
    if not getattr(user, "is_authenticated", False):
        return 1
    read = TopicReadState.objects.filter(user=user, topic=topic).values_list("last_read_number", flat=True).first()
    mark = (
        CategoryReadMark.objects.filter(user=user)
        .filter(Q(category__isnull=True) | Q(category_id=topic.category_id))
        .order_by("-marked_at")
        .values_list("marked_at", flat=True)
        .first()
    )
    unread = Post.objects.filter(topic=topic, number__gt=read or 0)
    if mark is not None:
        unread = unread.filter(created_at__gt=mark)
    number = unread.order_by("number").values_list("number", flat=True).first()
    return number or last


# --- Lists --------------------------------------------------------------------------------------


@dataclass
class CategoryNode:
    category: Category
    unread: int = 0
    children: list["CategoryNode"] = field(default_factory=list)


def category_tree(user) -> list[CategoryNode]:
    """Readable categories, top level first with their readable children, each with its unread count.

    Each category carries `last_topic_id` and `last_topic_title`: its most recently active visible topic.
    """
    categories = _with_last_topic(access.readable_categories(user))
    unread = unread_counts_by_category(user)
    nodes = {c.pk: CategoryNode(c, unread.get(c.pk, 0)) for c in categories}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id)
        if parent is not None:
            parent.children.append(node)
        elif node.category.parent_id is None:
            roots.append(node)
    return roots


def _with_last_topic(categories: QuerySet) -> QuerySet:
    last_topic = Topic.objects.filter(category=OuterRef("pk"), is_hidden=False, merged_into__isnull=True).order_by(
        "-last_post_at"
    )
    return categories.annotate(
        last_topic_id=Subquery(last_topic.values("pk")[:1]),
        last_topic_title=Subquery(last_topic.values("title")[:1]),
    )


def sub_categories(user, category: Category) -> list[CategoryNode]:
    """The readable children of `category`, with their unread counts (none for a sub-category)."""
    if category.parent_id is not None:
        return []
    children = list(_with_last_topic(access.readable_categories(user).filter(parent=category)))
    unread = unread_counts_by_category(user) if children else {}
    return [CategoryNode(child, unread.get(child.pk, 0)) for child in children]


def topic_listing(user, topics: QuerySet) -> QuerySet:
    """Topics for a list: author and last poster joined, unread state annotated."""
    topics = topics.select_related("category", "author", "last_post__author").defer(
        "last_post__source", "last_post__html"
    )
    return with_unread_state(user, topics)


def filter_state(topics: QuerySet, state: str) -> QuerySet:
    if state == SOLVED:
        return topics.filter(solution__isnull=False)
    if state == UNSOLVED:
        return topics.filter(solution__isnull=True)
    return topics


def category_topics(user, category: Category, state: str = "") -> QuerySet:
    """The category's topics, pinned first then by latest activity; moderators also see hidden ones."""
    if access.is_moderator(user, category):
        topics = Topic.objects.filter(category=category, merged_into__isnull=True)
    else:
        topics = access.visible_topics(user, Topic.objects.filter(category=category))
    topics = filter_state(topics.exclude(is_pinned_globally=True), state)
    return topic_listing(user, topics).order_by("-is_pinned", "-last_post_at", "-pk")


def globally_pinned(user, state: str = "") -> list[Topic]:
    """Topics pinned everywhere that `user` may read: on top of every category page and of "latest"."""
    topics = filter_state(access.visible_topics(user).filter(is_pinned_globally=True), state)
    return describe_unread(user, topic_listing(user, topics).order_by("-last_post_at", "-pk"))


def latest_topics(user) -> QuerySet:
    topics = access.visible_topics(user).exclude(is_pinned_globally=True)
    return topic_listing(user, topics).order_by("-last_post_at", "-pk")


def unanswered_topics(user) -> QuerySet:
    topics = access.visible_topics(user).filter(reply_count=0, is_locked=False)
    return topic_listing(user, topics).order_by("-last_post_at", "-pk")


def my_topics(user) -> QuerySet:
    return topic_listing(user, access.visible_topics(user).filter(author=user)).order_by("-last_post_at", "-pk")


def subscribed_topics(user) -> QuerySet:
    """Topics the user watches or tracks, and topics of the categories they watch or track, unless muted."""
    following = [Subscription.Level.WATCHING, Subscription.Level.TRACKING]
    mine = Subscription.objects.filter(user=user)
    topics = access.visible_topics(user).filter(
        Q(pk__in=mine.filter(topic__isnull=False, level__in=following).values("topic_id"))
        | Q(category_id__in=mine.filter(category__isnull=False, level__in=following).values("category_id"))
    )
    topics = topics.exclude(pk__in=mine.filter(topic__isnull=False, level=Subscription.Level.MUTED).values("topic_id"))
    return topic_listing(user, topics).order_by("-last_post_at", "-pk")


def paginate_topics(request, topics: QuerySet):
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = describe_unread(request.user, page.object_list)
    return page


def active_topics(user, limit: int = HOME_TOPICS) -> list[Topic]:
    """The most recently active topics the visitor may read (home page)."""
    topics = access.visible_topics(user).select_related("category", "last_post__author")
    return list(topics.defer("last_post__source", "last_post__html").order_by("-last_post_at", "-pk")[:limit])


def feed_topics(category: Category) -> QuerySet:
    """A category feed is fetched without logging in: what an anonymous reader sees, newest first."""
    topics = access.visible_topics(AnonymousUser(), Topic.objects.filter(category=category))
    return topics.select_related("author", "first_post").order_by("-created_at", "-pk")[:FEED_SIZE]


# --- A topic's posts ----------------------------------------------------------------------------


def topic_page(topic: Topic, page_number):
    """The asked page of the topic's posts, each post light (number and author): enough for the pagination, the
    read mark and the reader's facts that decide whether the kept post list will do (one query with the count)."""
    posts = Post.objects.filter(topic=topic).only("pk", "number", "author_id", "topic_id").order_by("number")
    page = Paginator(posts, POSTS_PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    return page


def my_reactions(user, post_ids) -> set[tuple[int, str]]:
    """The reader's reactions among these posts: {(post id, kind)} (one query; none for a visitor)."""
    if not getattr(user, "is_authenticated", False) or not post_ids:
        return set()
    return set(Reaction.objects.filter(post_id__in=post_ids, user=user).values_list("post_id", "kind"))


def post_list_vary(user, topic: Topic, page_posts, perms: dict, read_number, mine) -> tuple:
    """Everything of the reader that the kept post list of a topic page shows (forums/includes/post_list.html):
    two readers with the same facts get the same HTML for the same content generation."""
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    return (
        user_id is not None,
        bool(perms.get("can_post")),
        bool(perms.get("is_moderator")),
        read_number,
        tuple(post.number for post in page_posts if user_id is not None and post.author_id == user_id),  # own posts
        user_id is not None and topic.author_id == user_id,  # may mark the solution
        tuple(sorted(mine)),  # reactions given on the page
        tuple(sorted(access.readable_category_ids(user))),  # which quoted posts may be followed
    )


def detailed_posts(user, topic: Topic, post_ids) -> list[Post]:
    """These posts of the topic (in order), each with author, attachments, reactions and readable quotes.

    Sets on each post `is_solution`, `reaction_counts` ({kind: count}), `my_reactions` (kinds the reader gave) and
    `readable_quotes` (quoted posts in topics the reader may read). Four queries whatever the number of posts.
    """
    posts = list(
        Post.objects.filter(topic=topic, pk__in=post_ids)
        .select_related("author", "hidden_by")
        .prefetch_related(
            "attachments",
            Prefetch("reactions", queryset=Reaction.objects.select_related("user").order_by("created_at", "pk")),
            Prefetch(
                "quoted_posts",
                queryset=Post.objects.select_related("author", "topic").only(
                    "pk", "number", "topic_id", "author_id", "topic__category_id", "topic__is_hidden",
                    "author__first_name", "author__last_name", "author__email", "author__closed_at",
                ),
            ),
        )
        .order_by("number")
    )  # fmt: skip
    readable = access.readable_category_ids(user)
    user_id = getattr(user, "pk", None)
    for post in posts:
        counts, mine = {}, set()
        for reaction in post.reactions.all():
            counts[reaction.kind] = counts.get(reaction.kind, 0) + 1
            if reaction.user_id == user_id:
                mine.add(reaction.kind)
        post.is_solution = post.pk == topic.solution_id
        post.reaction_counts = counts
        post.my_reactions = mine
        post.readable_quotes = [
            quoted
            for quoted in post.quoted_posts.all()
            if quoted.topic.category_id in readable and not quoted.topic.is_hidden
        ]
    return posts


def solution_post(topic: Topic, page_posts) -> Post | None:
    """The topic's solution (a reply), taken from the page when it is there (one query otherwise)."""
    if topic.solution_id is None:
        return None
    for post in page_posts:
        if post.pk == topic.solution_id:
            return post
    return Post.objects.select_related("author").filter(pk=topic.solution_id, topic=topic).first()


def read_number_of(user, topic: Topic) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return TopicReadState.objects.filter(user=user, topic=topic).values_list("last_read_number", flat=True).first()
