"""A workspace's own search page: its messages, notes and file names, for its members only.

The same haystack indexes as the site search, filtered on the workspace (and, for messages, on the channels the
reader reads) at the engine, so that the count and the pages are exact; the hits of the page shown then go through
the site search's re-check (`intranet.views.search.visible_results`: objects gone are dropped, every app's
`filter_search_results` hook runs).
"""

import logging
import re
import unicodedata
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from haystack.exceptions import HaystackError
from haystack.query import SearchQuerySet

from intranet.views.search import RESULTS_PER_PAGE, dropped_from_page, visible_results
from workspaces import access
from workspaces.models import Channel, File, Message, Note
from workspaces.search_hooks import hit_url
from workspaces.search_indexes import plain_text

logger = logging.getLogger(__name__)

# What the reader may narrow the search to: (value, label, models).
KINDS = (
    ("", _("Everything"), (Message, Note, File)),
    ("messages", _("Messages"), (Message,)),
    ("notes", _("Notes"), (Note,)),
    ("fichiers", _("Files"), (File,)),
)
EXCERPT_CONTEXT = 90  # characters shown on each side of the first matching word
QUERY_MAX_LENGTH = 200


def unreadable_channel_ids(user, workspace) -> list[int]:
    """The workspace's channels the person does not read (restricted ones they were not added to)."""
    readable = access.readable_channels(user, workspace).values("pk")
    return list(
        Channel.objects.filter(workspace=workspace, kind=Channel.Kind.CHANNEL)
        .exclude(pk__in=readable)
        .values_list("pk", flat=True)
    )


def workspace_query(user, workspace, query: str, kind: str = "") -> SearchQuerySet:
    """The index's hits for `query` in this workspace that `user` may read, as far as the index tells."""
    models = next((models for value, _label, models in KINDS if value == kind), KINDS[0][2])
    searched = SearchQuerySet().models(*models).filter(workspace_id=workspace.pk)
    hidden = unreadable_channel_ids(user, workspace)
    if hidden:
        # Narrowed in the index so that restricted channels do not take the candidates' places; the filter
        # hook re-checks every hit from the database all the same.
        searched = searched.exclude(channel_id__in=hidden)
    return searched.auto_query(query).load_all()


# Excerpts ---------------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents, one character for one (so positions in the folded text hold in the original)."""
    return "".join((unicodedata.normalize("NFD", char)[:1] or char).lower() for char in text)


def _query_prefixes(query: str) -> list[str]:
    """The searched words as prefixes (the index stems words: "clauses" also finds "clause")."""
    prefixes = []
    for word in re.findall(r"-?\w+", _fold(query)):
        if word.startswith("-") or len(word) < 2:
            continue  # an excluded word, or too short to mean anything
        prefixes.append(word[: max(4, len(word) - 2)] if len(word) > 4 else word)
    return prefixes


def excerpt(text: str, query: str, context: int = EXCERPT_CONTEXT) -> str:
    """Safe HTML: the text around the first word searched for, every searched word in `<mark>`."""
    text = " ".join(text.split())
    prefixes = _query_prefixes(query)
    if not text:
        return ""
    if not prefixes:
        return escape(text[: 2 * context]) + ("…" if len(text) > 2 * context else "")
    folded = _fold(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)) + r")\w*")
    first = pattern.search(folded)
    start = 0
    if first and first.start() > context:
        start = folded.rfind(" ", 0, first.start() - context) + 1
    end = min(len(text), start + 2 * context + (first.end() - first.start() if first else 0))
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    parts = ["…" if start else ""]
    position = start
    for match in pattern.finditer(folded, start, end):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        position = match.end()
    parts.append(escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def describe(obj, query: str) -> dict:
    """What the results list shows of one hit."""
    if isinstance(obj, Message):
        return {
            "kind": "message",
            "object": obj,
            "channel": obj.channel,
            "author": obj.author,
            "date": obj.created_at,
            "url": hit_url(obj),
            "excerpt": excerpt(plain_text(obj.body_html) or obj.body, query),
        }
    if isinstance(obj, Note):
        return {
            "kind": "note",
            "object": obj,
            "title": obj.title,
            "author": obj.updated_by,
            "date": obj.updated_at,
            "url": hit_url(obj),
            "excerpt": excerpt(plain_text(obj.body_html) or obj.body, query),
        }
    return {
        "kind": "file",
        "object": obj,
        "title": obj.name,
        "folder": obj.folder,
        "author": obj.created_by,
        "date": obj.updated_at,
        "url": hit_url(obj),
        "excerpt": excerpt(obj.name, query),
    }


@login_required
def search(request, slug):
    """The workspace's search page (`?q=` words, optional `?type=`): members only, 404 for anyone else."""
    workspace, member = access.access_workspace(request.user, slug)
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    kind = request.GET.get("type", "")
    if kind not in {value for value, _label, _models in KINDS}:
        kind = ""
    context = {
        "workspace": workspace,
        "member": member,
        "query": query,
        "kind": kind,
        "kinds": [(value, label) for value, label, _models in KINDS],
    }
    if query:
        parameters = {"q": query, **({"type": kind} if kind else {})}
        try:
            page = Paginator(workspace_query(request.user, workspace, query, kind), RESULTS_PER_PAGE).get_page(
                request.GET.get("page")
            )
            results = visible_results(request, list(page.object_list))
        except (HaystackError, OSError) as error:
            logger.warning("Search is unavailable: %s", error)
            page, results = Paginator([], RESULTS_PER_PAGE).get_page(1), []
        context.update(
            page_obj=page,
            hits=[describe(result.object, query) for result in results],
            # Hits of this page dropped by the database check (the index lagging behind) are not counted either.
            result_count=page.paginator.count - dropped_from_page(page, results),
            query_prefix=urlencode(parameters) + "&",
        )
    return render(request, "workspaces/search.html", context)
