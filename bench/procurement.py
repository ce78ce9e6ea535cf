"""Salle des marchés benchmark: the notice list with 20,000 notices and three filters, a notice page and the
OCDS export, under Daphne and uvicorn.

Same load generator, servers and table as bench/pages.py (imported, not copied), on its own database
(var/bench/procurement/): `seed_demo` at scale 1, the procurement demo's notices (documents, questions,
amendments), then 20,000 live notices written in bulk (procurement/bulk.py). Each case is compared with the
minimal view on the same server. The OCDS endpoint serves 100 notices a page, so its first page is measured
over HTTP, and the export of 1,000 notices is timed in-process through procurement/ocds.py (no server).
JSON: var/bench/procurement.json.

    .venv/bin/python bench/procurement.py [--requests 2000] [--concurrency 8] [--notices 20000]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench.pages` importable
    sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402

OUTPUT = pages.VAR / "procurement.json"
VAR = pages.VAR / "procurement"  # its own database folder
NOTICES = 20_000
EXPORTED = 1_000
# Three filters of the list (procurement/filters.py): nature, département and a CPV prefix (cleaning).
LIST_FILTERS = "?nature=services&department=35&cpv=9091"

# Run in `manage.py shell` on the bench database: the demo notices, the bulk ones, the pages to measure.
PREPARE = """
import json
from intranet.models import HomePage
from procurement.bulk import bulk_create_notices
from procurement.demo import seed_notices
from procurement.models import NoticePage
from procurement.setup import ensure_notice_index
index = ensure_notice_index(HomePage.objects.order_by("path").first())
seed_notices()
bulk_create_notices(index, {count})
notice = (NoticePage.objects.live().filter(cancelled_at__isnull=True).exclude(slug__startswith="avis-genere-")
          .filter(documents__isnull=False, questions__answered_at__isnull=False, lots__isnull=False)
          .distinct().order_by("path").first())
print(json.dumps({{"notices": NoticePage.objects.live().count(), "index": index.url_path,
                  "notice": notice.url_path}}))
"""

# The export of EXPORTED notices, in-process: as a download of the whole open data would run.
EXPORT = """
import io, json, statistics, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from procurement import ocds
from procurement.access import visible_notices
ids = list(ocds.export_queryset().values_list("pk", flat=True)[:{count}])
timings = []
for _ in range(3):
    stream = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        releases = ocds.write_package(
            stream,
            ocds.iter_releases(ocds.export_queryset(visible_notices().filter(pk__in=ids)), "http://127.0.0.1"),
            uri="http://127.0.0.1/donnees/ocds/releases.json",
        )
        timings.append(time.perf_counter() - started)
print(json.dumps({{"notices": len(ids), "releases": releases, "bytes": len(stream.getvalue().encode()),
                  "queries": len(queries), "seconds_min": round(min(timings), 3),
                  "seconds_median": round(statistics.median(timings), 3)}}))
"""


def site_path(url_path: str) -> str:
    """url_path starts with the site root's slug (/accueil/...), which is not in the public URL."""
    return "/" + url_path.strip("/").split("/", 1)[1] + "/"


def main() -> None:
    args = pages.parse_args(__doc__, scale=1, scale_help="seed_demo --scale for the bench database")
    pages.prepare_database(args.scale, VAR)
    found = pages.run_in_shell(PREPARE.format(count=NOTICES), VAR)
    print(f"{found['notices']} live notices; measuring {found['notice']}", flush=True)
    export = pages.run_in_shell(EXPORT.format(count=EXPORTED), VAR)
    print(
        f"OCDS export in-process: {export['notices']} notices, {export['releases']} releases, "
        f"{export['bytes'] / 1e6:.1f} MB, {export['queries']} queries, {export['seconds_min']} s "
        f"(median of 3: {export['seconds_median']} s)",
        flush=True,
    )
    index = site_path(found["index"])
    cases = [
        ("minimal", "/bench/minimal/"),
        ("list", index),
        ("list 3 filters", index + LIST_FILTERS),
        ("notice", site_path(found["notice"])),
        ("ocds page", "/donnees/ocds/releases.json"),
    ]
    rows = pages.bench_servers(args, pages.with_audiences(args, cases, VAR), VAR)
    pages.write_results(OUTPUT, {"pages": found, "ocds_export": export, "rows": rows}, rows)


if __name__ == "__main__":
    main()
