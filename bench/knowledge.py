"""Knowledge base benchmark: a guide page and the biggest topic page with 2,000 guides, under Daphne and uvicorn.

Same load generator, servers and table as bench/pages.py (imported, not copied), on its own database
(var/bench/knowledge/, seeded with `seed_demo --scale 10`: 200 generated guides per scale unit beside the
real ones). Each case is compared with the minimal view on the same server. JSON: var/bench/knowledge.json.

    .venv/bin/python bench/knowledge.py [--requests 2000] [--concurrency 8] [--scale 10]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench.pages` importable
    sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402

OUTPUT = pages.VAR / "knowledge.json"
VAR = pages.VAR / "knowledge"  # its own database folder
# The guide measured is a real one (full body, references, related guides) in the topic with the most guides.
FIND_PAGES = """
import json
from knowledge.models import GuidePage, TopicPage
topic = TopicPage.objects.live().order_by("-numchild", "path").first()
guide = GuidePage.objects.live().child_of(topic).filter(audience="everyone").exclude(
    slug__startswith="guide-exemple-").order_by("path").first()
print(json.dumps({"topic": topic.url_path, "guide": guide.url_path, "guides": GuidePage.objects.live().count(),
                  "in_topic": topic.get_children().live().count()}))
"""


def site_path(url_path: str) -> str:
    """url_path starts with the site root's slug (/accueil/...), which is not in the public URL."""
    return "/" + url_path.strip("/").split("/", 1)[1] + "/"


def find_pages() -> dict:
    return pages.run_in_shell(FIND_PAGES, VAR)


def main() -> None:
    args = pages.parse_args(__doc__, scale=10, scale_help="seed_demo --scale (200 generated guides per unit)")
    pages.prepare_database(args.scale, VAR)
    found = find_pages()
    print(f"{found['guides']} live guides; topic {found['topic']} lists {found['in_topic']}", flush=True)
    cases = [
        ("minimal", "/bench/minimal/"),
        ("guide", site_path(found["guide"])),
        ("topic", site_path(found["topic"])),
    ]
    rows = pages.bench_servers(args, pages.with_audiences(args, cases, VAR), VAR)
    pages.write_results(OUTPUT, {"pages": found, "rows": rows}, rows)


if __name__ == "__main__":
    main()
