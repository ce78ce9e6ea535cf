"""Demo content of the knowledge base: topics, real French guides and the two training paths (seed_demo hook).

Idempotent: topics, guides and paths are keyed by slug, and only what is missing is added. The guides are
published through a revision by their owner, so Wagtail's history and the audit log show who published them.
With --scale > 1 (benchmarks), `scale * 200` generated guides are added in bulk (see `add_generated_guides`).
"""

import copy
import datetime
import json

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from wagtail import hooks
from wagtail.models import Page

from intranet.management.commands.seed_demo import DEMO_DOMAIN
from intranet.models import HomePage, User
from knowledge.demo_content import Guide, buyers, companies, h2, h3, info, p, platform, steps, table, tip, topics
from knowledge.models import (
    GuidePage,
    GuidePageTag,
    KnowledgeIndexPage,
    RelatedGuide,
    TopicPage,
    TrainingPathPage,
    TrainingStep,
)

GUIDES: list[Guide] = [*buyers.GUIDES, *companies.GUIDES, *platform.GUIDES]
GENERATED_PER_SCALE = 200
GENERATED_SLUG = "guide-exemple-"


@hooks.register("register_demo_content")
def seed_knowledge_base(command, scale: int = 1) -> None:
    created = create_knowledge_base()
    generated = add_generated_guides(scale * GENERATED_PER_SCALE) if scale > 1 else 0
    command.stdout.write(
        f"Knowledge base: {created['topics']} topics, {created['guides']} guides, {created['paths']} training "
        f"paths and {generated} generated guides added."
    )


@transaction.atomic
def create_knowledge_base() -> dict[str, int]:
    home = HomePage.objects.order_by("path").first()
    if home is None:
        return {"topics": 0, "guides": 0, "paths": 0}
    editors = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")}
    index = KnowledgeIndexPage.objects.first()
    if index is None:
        index = KnowledgeIndexPage(title=topics.INDEX_TITLE, slug=topics.INDEX_SLUG, intro=topics.INDEX_INTRO)
        home.add_child(instance=index)
        index.save_revision(user=editors.get(buyers.REGION)).publish()
    topic_pages, new_topics = _ensure_topics(index, editors)
    new_guides = _ensure_guides(topic_pages, editors)
    _refresh_platform_guides()
    new_paths = _ensure_training_paths(index, editors)
    return {"topics": new_topics, "guides": new_guides, "paths": new_paths}


def _ensure_topics(index: KnowledgeIndexPage, editors: dict) -> tuple[dict[str, TopicPage], int]:
    existing = {t.slug: t for t in TopicPage.objects.descendant_of(index)}
    created = 0
    for topic in topics.TOPICS:
        if topic.slug in existing:
            continue
        parent = existing[topic.parent] if topic.parent else index
        page = TopicPage(title=topic.title, slug=topic.slug, description=topic.description)
        parent.add_child(instance=page)
        page.save_revision(user=editors.get(buyers.REGION)).publish()
        existing[topic.slug] = page
        created += 1
    return existing, created


def _ensure_guides(topic_pages: dict[str, TopicPage], editors: dict) -> int:
    existing = dict(GuidePage.objects.values_list("slug", "pk"))
    missing = [g for g in GUIDES if g.slug not in existing]
    today = timezone.localdate()
    # First every missing guide as a draft, so that references between guides can be resolved to ids...
    drafts = []
    for guide in missing:
        owner = editors.get(guide.owner)
        page = GuidePage(
            title=guide.title,
            slug=guide.slug,
            summary=guide.summary,
            audience=guide.audience,
            owner_user=owner,
            owner=owner,
            last_reviewed_on=today - datetime.timedelta(days=guide.reviewed_days_ago),
            review_by=today + datetime.timedelta(days=guide.review_in_days),
            live=False,
        )
        topic_pages[guide.topic].add_child(instance=page)
        existing[guide.slug] = page.pk
        drafts.append((guide, page))
    # ...then each gets its body, tags and related guides, and is published by its owner through a revision.
    for guide, page in drafts:
        page.body = json.dumps(_resolve_references(guide.body, existing))
        page.tags.set(guide.tags)
        page.related_links = [RelatedGuide(guide_id=existing[slug]) for slug in guide.related if slug in existing]
        # The owner is recorded as publisher; seeding stands in for the moderator's approval.
        revision = page.save_revision(user=page.owner_user, log_action=True)
        revision.publish(user=page.owner_user, skip_permission_checks=True)
    return len(drafts)


def _refresh_platform_guides() -> int:
    """The guides on using the platform follow the platform: a seeded one whose title or summary changed
    in `demo_content/platform.py` gets its new text in a published revision (other guides are left as
    edited). Title and summary, not the body: a stored body carries block ids and would always differ."""
    ids = dict(GuidePage.objects.values_list("slug", "pk"))
    pages = {page.slug: page for page in GuidePage.objects.filter(slug__in=[g.slug for g in platform.GUIDES])}
    refreshed = 0
    for guide in platform.GUIDES:
        page = pages.get(guide.slug)
        if page is None:
            continue
        if page.title == guide.title and page.summary == guide.summary:
            continue
        page.title, page.draft_title, page.summary = guide.title, guide.title, guide.summary
        page.body = json.dumps(_resolve_references(guide.body, ids))
        revision = page.save_revision(user=page.owner_user, log_action=True)
        revision.publish(user=page.owner_user, skip_permission_checks=True)
        refreshed += 1
    return refreshed


def _resolve_references(body: list[dict], ids: dict[str, int]) -> list[dict]:
    blocks = []
    for block in copy.deepcopy(body):
        if block["type"] == "guide_reference":
            slug = block["value"]["guide"]
            if slug not in ids:
                continue
            block["value"]["guide"] = ids[slug]
        blocks.append(block)
    return blocks


def _ensure_training_paths(index: KnowledgeIndexPage, editors: dict) -> int:
    existing = set(TrainingPathPage.objects.values_list("slug", flat=True))
    guide_ids = dict(GuidePage.objects.values_list("slug", "pk"))
    created = 0
    for path in topics.TRAINING_PATHS:
        if path.slug in existing:
            continue
        page = TrainingPathPage(title=path.title, slug=path.slug, intro=path.intro, intended_for=path.intended_for)
        page.steps = [
            TrainingStep(guide_id=guide_ids[slug], title=title, sort_order=order)
            for order, (slug, title) in enumerate(path.steps)
            if slug in guide_ids
        ]
        index.add_child(instance=page)
        page.save_revision(user=editors.get(buyers.RENNES)).publish()
        created += 1
    return created


# --- --scale: generated guides, in bulk ---------------------------------------------------------------


def _generated_body() -> str:
    """A body of the same size and block kinds as a real guide's, so benchmarks render comparable pages."""
    return json.dumps(
        [
            p("Guide généré pour les mesures de performance : il reprend la structure d'un vrai guide."),
            h2("Contexte"),
            p("Le besoin, son estimation et la procédure retenue sont décrits ici en quelques paragraphes."),
            info("Bon à savoir", "Les montants cités doivent être vérifiés à la date de lancement."),
            h2("Les étapes"),
            steps(("Définir le besoin", "Avec les services."), ("Rédiger le DCE", ""), ("Publier", "")),
            h3("Calendrier"),
            table("Calendrier type", ["Étape", "Délai"], ["Publication", "J"], ["Date limite", "J + 35"]),
            tip("Astuce", "Faites relire le dossier par un collègue."),
        ]
    )


def add_generated_guides(count: int) -> int:
    """Add guides numbered 1..count that do not exist yet, spread over the leaf topics; returns how many.

    Going through Wagtail (`add_child` then a published revision) costs tens of milliseconds per guide, so
    2,000 guides would take minutes. Instead the rows are written directly, the way treebeard would write
    them: each page's `path` continues its topic's children (steplen 4, treebeard's alphabet), `depth` is
    the topic's plus one, `url_path` the topic's plus the slug, and the topic's `numchild` grows by the
    number of children added, so `Page.find_problems()` reports nothing. These guides have no revision,
    search-index entry or audit event: they exist to measure pages, not history.
    """
    wanted = {f"{GENERATED_SLUG}{n:04d}" for n in range(1, count + 1)}
    existing = set(GuidePage.objects.filter(slug__startswith=GENERATED_SLUG).values_list("slug", flat=True))
    missing = sorted(wanted - existing)
    if not missing:
        return 0
    all_topics = list(TopicPage.objects.order_by("path"))
    parents = {t.path[: -Page.steplen] for t in all_topics}
    leaves = [t for t in all_topics if t.path not in parents]  # topics without sub-topics
    if not leaves:
        return 0
    owners = list(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", email__startswith="redaction."))
    content_type = ContentType.objects.get_for_model(GuidePage)
    body = _generated_body()
    today = timezone.localdate()
    now = timezone.now()
    tag_names = sorted(TAGS_FOR_GENERATED)
    tags = {name: Tag.objects.get_or_create(name=name, defaults={"slug": name})[0] for name in tag_names}
    by_topic: dict[int, list[str]] = {}
    for position, slug in enumerate(missing):
        by_topic.setdefault(position % len(leaves), []).append(slug)
    with transaction.atomic():
        for topic_index, slugs in by_topic.items():
            topic = TopicPage.objects.select_for_update().get(pk=leaves[topic_index].pk)
            last = Page.objects.filter(path__startswith=topic.path, depth=topic.depth + 1).order_by("-path").first()
            next_step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
            pages = []
            for offset, slug in enumerate(slugs):
                number = int(slug.removeprefix(GENERATED_SLUG))
                title = f"Guide d'exemple n° {number}"
                pages.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        content_type=content_type,
                        path=Page._get_path(topic.path, topic.depth + 1, next_step + offset),
                        depth=topic.depth + 1,
                        numchild=0,
                        url_path=f"{topic.url_path}{slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now,
                        last_published_at=now,
                        live_revision=None,
                        locale_id=topic.locale_id,
                        owner=owners[number % len(owners)] if owners else None,
                    )
                )
            Page.objects.bulk_create(pages, batch_size=500)
            ids = dict(Page.objects.filter(slug__in=slugs, depth=topic.depth + 1).values_list("slug", "pk"))
            rows = []
            for slug in slugs:
                number = int(slug.removeprefix(GENERATED_SLUG))
                owner = owners[number % len(owners)] if owners else None
                rows.append(
                    GuidePage(
                        page_ptr_id=ids[slug],
                        summary=f"Guide d'exemple n° {number}, généré pour les mesures de performance.",
                        body=body,
                        audience=("everyone", "everyone", "members", "buyers")[number % 4],
                        owner_user=owner,
                        last_reviewed_on=today - datetime.timedelta(days=number % 365),
                        review_by=today + datetime.timedelta(days=(number % 400) - 30),
                    )
                )
            _insert_guide_rows(rows)
            GuidePageTag.objects.bulk_create(
                [
                    GuidePageTag(content_object_id=ids[slug], tag=tags[tag_names[(n + k) % len(tag_names)]])
                    for n, slug in enumerate(slugs)
                    for k in range(2)
                ],
                batch_size=1000,
            )
            Page.objects.filter(pk=topic.pk).update(numchild=topic.numchild + len(slugs))
    return len(missing)


TAGS_FOR_GENERATED = {"mapa", "dce", "seuils", "procedures", "developpement-durable", "mutualisation"}


def _insert_guide_rows(rows: list[GuidePage]) -> None:
    """Insert only the GuidePage table's own row of each guide (its Page row exists already).

    Django's bulk_create refuses multi-table inheritance, and save_base() per row would fire the search
    signals 2,000 times, so the rows go in with one executemany, each value prepared by its field.
    """
    fields = list(GuidePage._meta.local_concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(GuidePage._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    values = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
