"""Knowledge base benchmark: a guide page and the biggest topic page with 2,000 guides, under Daphne and uvicorn.

Same load generator, servers and table as bench/pages.py (imported, not copied), on its own database
(var/bench/knowledge/, seeded with `seed_demo --scale 10`: 200 generated guides per scale unit beside the
real ones). Each case is compared with the minimal view on the same server. JSON: var/bench/knowledge.json.

    .venv/bin/python bench/knowledge.py [--requests 2000] [--concurrency 8] [--scale 10]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench.pages` importable
    sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402

OUTPUT = pages.VAR / "knowledge.json"
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
    output = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-v", "0", "-c", FIND_PAGES],
        check=True,
        cwd=ROOT,
        env=pages.bench_env(),
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--scale", type=int, default=10, help="seed_demo --scale (200 generated guides per unit)")
    parser.add_argument("--servers", default="daphne,uvicorn")
    args = parser.parse_args()

    # bench/pages.py reads these module globals when it runs: its own database folder and our cases.
    pages.VAR = OUTPUT.parent / "knowledge"
    pages.prepare_database(args.scale)
    found = find_pages()
    print(f"{found['guides']} live guides; topic {found['topic']} lists {found['in_topic']}", flush=True)
    pages.CASES = [
        ("minimal", "/bench/minimal/"),
        ("guide", site_path(found["guide"])),
        ("topic", site_path(found["topic"])),
    ]
    rows = []
    for server in args.servers.split(","):
        print(f"{server}: {args.requests} requests per case, concurrency {args.concurrency}", flush=True)
        rows += pages.bench_server(server, args.requests, args.concurrency, args.warmup)
    OUTPUT.write_text(json.dumps({"pages": found, "rows": rows}, indent=2) + "\n")
    pages.print_table(rows)
    print(f"\nWritten to {OUTPUT}")


if __name__ == "__main__":
    main()
