"""Pages for reading the forums: the category tree, a category, a topic, the lists, unread tracking."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from forums import access, reading
from forums.actions.reading import do_mark_all_read, do_mark_topic_read
from forums.models import Post
from intranet.fragments import CSRF_PLACEHOLDER, Viewer, cached_fragment, with_csrf_token


def forum_index(request):
    return render(request, "forums/index.html", {"tree": reading.category_tree(request.user)})


def category_page(request, slug):
    category = access.access_category(request.user, slug)
    state = request.GET.get("etat", "")
    state = state if state in reading.STATE_FILTERS else ""
    page = reading.paginate_topics(request, reading.category_topics(request.user, category, state))
    pinned = reading.globally_pinned(request.user, state) if page.number == 1 else []
    context = {
        "category": category,
        "children": reading.sub_categories(request.user, category),
        "pinned": pinned,
        # The topics' rows are kept for readers who get the same rows (intranet/fragments.py): which topics (a
        # moderator's list holds hidden ones) and what the reader has not read in each.
        "rows_vary": (page.number, state, reading.unread_signature([*pinned, *page.object_list])),
        "page_obj": page,
        "state": state,
        "query_prefix": urlencode({"etat": state}) + "&" if state else "",
        "can_post": access.can_post_in(request.user, category),
        "is_moderator": access.is_moderator(request.user, category),
    }
    return render(request, "forums/category.html", context)


def topic_page(request, topic_id):
    topic = access.access_topic(request.user, topic_id)
    if topic.merged_into_id:
        return redirect(topic.merged_into)
    user = request.user
    category = topic.category
    page = reading.topic_page(topic, request.GET.get("page"))
    read_number = reading.read_number_of(user, topic)
    if page.object_list:
        do_mark_topic_read(user, topic, page.object_list[-1].number, known=read_number)
    is_moderator = access.is_moderator(user, category)
    perms = {
        "can_post": access.can_post_in(user, category) and (not topic.is_locked or is_moderator),
        "is_moderator": is_moderator,
    }
    includes = reading.available_includes()
    post_ids = [post.pk for post in page.object_list]
    mine = reading.my_reactions(user, post_ids)
    context = {
        "category": category,
        "topic": topic,
        "page_obj": page,
        "posts": page.object_list,
        "read_number": read_number,
        "perms": perms,
        "includes": includes,
    }

    def render_post_list() -> str:
        """The page's posts in full (author, reactions, quotes, attachments), from the reader's facts only."""
        posts = reading.detailed_posts(user, topic, post_ids)
        context["posts"] = posts  # the detailed ones, for whoever reads the context (tests)
        return render_to_string(
            "forums/includes/post_list.html",
            {
                "posts": posts,
                "topic": topic,
                "solution": reading.solution_post(topic, posts),
                "perms": perms,
                "read_number": read_number,
                "includes": includes,
                "user": Viewer.of(user),
                "csrf_token": CSRF_PLACEHOLDER,
            },
        )

    # Kept for every reader with the same facts (their rights, read mark, own posts and reactions on the page,
    # the categories whose quotes they may follow) until the content changes: intranet/fragments.py.
    vary = reading.post_list_vary(user, topic, page.object_list, perms, read_number, mine)
    html = cached_fragment(request, f"forum-topic:{topic.pk}:{page.number}", vary, render_post_list)
    context["post_list"] = mark_safe(with_csrf_token(request, html))  # noqa: S308 - our template's HTML
    return render(request, "forums/topic.html", context)


def first_unread(request, topic_id):
    topic = access.access_topic(request.user, topic_id)
    if topic.merged_into_id:
        topic = access.access_topic(request.user, topic.merged_into_id)
    number = reading.first_unread_number(request.user, topic)
    return redirect(Post(topic_id=topic.pk, number=number).get_absolute_url())


def _topic_list(request, topics, title, description, empty):
    page = reading.paginate_topics(request, topics)
    context = {
        "title": title,
        "description": description,
        "empty": empty,
        "page_obj": page,
        "pinned": reading.globally_pinned(request.user) if request.resolver_match.url_name == "latest" else [],
    }
    if context["pinned"] and page.number > 1:
        context["pinned"] = []
    return render(request, "forums/topic_list.html", context)


def latest(request):
    return _topic_list(
        request,
        reading.latest_topics(request.user),
        _("Latest topics"),
        _("Topics with the most recent activity, in every category you may read."),
        pgettext("forum", "No topic yet."),
    )


def unanswered(request):
    return _topic_list(
        request,
        reading.unanswered_topics(request.user),
        _("Unanswered topics"),
        _("Questions still waiting for a first reply: perhaps you know the answer."),
        _("Every topic has a reply."),
    )


@login_required
def my_topics(request):
    return _topic_list(
        request,
        reading.my_topics(request.user),
        _("My topics"),
        _("The topics you started."),
        _("You have not started a topic yet."),
    )


@login_required
def my_subscriptions(request):
    return _topic_list(
        request,
        reading.subscribed_topics(request.user),
        _("My subscriptions"),
        _("Topics you watch or track, and the topics of the categories you follow."),
        _("You follow no topic or category yet."),
    )


@login_required
@require_POST
def mark_all_read(request):
    slug = request.GET.get("categorie") or request.POST.get("categorie")
    category = access.access_category(request.user, slug) if slug else None
    do_mark_all_read(request.user, category)
    if category is not None:
        messages.success(request, _("All topics of “%(name)s” are marked as read.") % {"name": category.name})
        return redirect(category)
    messages.success(request, _("All topics are marked as read."))
    return redirect("forums:index")
