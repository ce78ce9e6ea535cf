"""Forums benchmark: a topic with 200 replies and a category with 10,000 topics, under Daphne and uvicorn.

Same load generator, servers and table as bench/pages.py (imported, not copied), on its own database
(var/bench/forums/, seeded with `seed_demo --scale 10`: 1,000 generated topics per scale unit in their own
public category). A demo discussion is given 200 replies (plain rows, once) for the topic page. Each case is
compared with the minimal view on the same server; requests are anonymous (public categories).
JSON: var/bench/forums.json.

    .venv/bin/python bench/forums.py [--requests 1000] [--concurrency 8] [--scale 10]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench.pages` importable
    sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402

OUTPUT = pages.VAR / "forums.json"
VAR = pages.VAR / "forums"  # its own database folder
REPLIES = 200
# Run in the bench database: give one public demo discussion REPLIES replies (once), with reactions, a
# quote and a solution as real topics have, and print the pages to measure.
PREPARE = """
import json, itertools, datetime
from django.db import transaction
from django.utils import timezone
from forums.actions.moderation import refresh_category, refresh_topic
from forums.demo import GENERATED_SLUG
from forums.models import Category, Post, Reaction, Topic, POSTS_PER_PAGE
from intranet.models import User
from intranet.management.commands.seed_demo import DEMO_DOMAIN
from intranet.text import render_markdown

REPLIES = %(replies)d
generated = Category.objects.get(slug=GENERATED_SLUG)
topic = (Topic.objects.filter(category__visibility="public", category__parent__isnull=True, is_hidden=False)
         .exclude(category=generated).order_by("pk").first())
people = list(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_active=True).order_by("pk")[:30])
with transaction.atomic():
    have = Post.objects.filter(topic=topic).count() - 1
    if have < REPLIES:
        start = Post.objects.filter(topic=topic).order_by("-number").values_list("number", flat=True).first()
        authors = itertools.cycle(people)
        first = topic.first_post
        texts = [
            "Même retour d'expérience chez nous : le **sourcing** en amont a évité une procédure infructueuse.",
            "Attention au seuil de 40 000 € HT : il s'apprécie sur la durée totale du marché, reconductions comprises.",
            "Nous avons intégré une clause d'insertion sociale (5 %% des heures) sans difficulté particulière.",
            "> Citation du premier message\\n\\nJe confirme, voir [la fiche DAJ](https://www.economie.gouv.fr/daj).",
        ]
        new = Post.objects.bulk_create([
            Post(topic=topic, author=next(authors), number=start + i, source=texts[i %% 4],
                 html=render_markdown(texts[i %% 4]), content_hash=f"bench-{topic.pk}-{start + i}")
            for i in range(1, REPLIES - have + 1)
        ])
        for post in new[::7]:
            post.quoted_posts.add(first)
        Reaction.objects.bulk_create(
            [Reaction(post=post, user=user, kind=kind, notified_at=timezone.now())
             for post in new[::3] for user, kind in zip(people[:3], ["like", "useful", "thanks"])],
            ignore_conflicts=True,
        )
        topic.solution = new[1]
        refresh_topic(topic)
        refresh_category(topic.category)
topic.refresh_from_db()
replies = Post.objects.filter(topic=topic).count() - 1
last_page = (replies + 1 + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE
print(json.dumps({"topic": topic.get_absolute_url(), "replies": replies, "topic_pages": last_page,
                  "category": generated.get_absolute_url(),
                  "topics_in_category": Topic.objects.filter(category=generated).count()}))
"""


def prepare_forum() -> dict:
    return pages.run_in_shell(PREPARE % {"replies": REPLIES}, VAR)


def main() -> None:
    args = pages.parse_args(
        __doc__, requests=1000, scale=10, scale_help="seed_demo --scale (1,000 generated topics per unit)"
    )
    pages.prepare_database(args.scale, VAR)
    found = prepare_forum()
    print(
        f"topic {found['topic']}: {found['replies']} replies ({found['topic_pages']} pages); "
        f"category {found['category']}: {found['topics_in_category']} topics",
        flush=True,
    )
    cases = [
        ("minimal", "/bench/minimal/"),
        ("index", "/forums/"),
        ("topic", found["topic"]),
        ("topic-last-page", f"{found['topic']}?page={found['topic_pages']}"),
        ("category", found["category"]),
        ("category-page-100", f"{found['category']}?page=100"),
    ]
    rows = pages.bench_servers(args, pages.with_audiences(args, cases, VAR), VAR)
    pages.write_results(OUTPUT, {"pages": found, "rows": rows}, rows)


if __name__ == "__main__":
    main()
