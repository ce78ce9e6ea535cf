"""Acts in the site search: found only by the sending body's people and the recipient authority's, at the engine
(access keys) and again from the database before display (the act as it is now: never a draft)."""

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from wagtail import hooks

from exchanges import access
from exchanges.models import Act
from intranet import page_cache


@hooks.register("search_access_keys")
def readable_acts(request) -> list[str]:
    user = request.user
    return [f"acts-{pk}" for pk in sorted(access.body_ids(user))] + [
        f"acts-auth-{pk}" for pk in sorted(access.authority_ids(user))
    ]


@hooks.register("filter_search_results")
def drop_unreadable_acts(request, results):
    """Keep other apps' hits; keep an act only for its body's people and, once sent, its authority's."""
    results = list(results)
    if not any(isinstance(r.object, Act) for r in results):
        return results
    # The reader's bodies and authorities, kept for that reader until the content changes (memberships and
    # authorities are content: any committed write makes a new generation), as the search's access keys are.
    bodies, authorities = page_cache.for_reader(
        request,
        "exchanges-bodies-and-authorities",
        lambda: (access.body_ids(request.user), access.authority_ids(request.user)),
        settings.SEARCH_KEYS_CACHE_SECONDS,
    )
    kept = []
    for result in results:
        act = result.object
        if not isinstance(act, Act):
            kept.append(result)
            continue
        if act.sender_id in bodies or (not act.is_draft and act.authority_id in authorities):
            act.url = reverse("exchanges:act", args=[act.pk])
            act.search_description = Truncator(
                f"{act.identifier} · {act.get_nature_display()} · {act.sender.name} · {act.get_status_display()}"
            ).chars(200)
            act.search_text = f"{act.identifier} {act.object}"
            kept.append(result)
    return kept
