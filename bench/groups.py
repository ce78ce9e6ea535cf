"""Group purchase benchmark: the consolidated table page and its exports for a large group, in-process.

On its own database (var/bench/groups/: the demo seeded at scale 1, then one group written in bulk): a group
coordinated by Rennes Métropole with `--members` member bodies (default 60) × `--items` items (default 500, in 5
lots), every member declaring every item (30,000 declarations, decimal quantities), estimated and awarded prices
set. Rows are written with bulk_create, not through the actions: the actions' checks, audit rows and
notifications per line would make the set-up take far longer than the measure, and are not what is measured.

Measured in-process with django.test.Client (as bench/search.py's query page: no server, no network), logged in
as the coordinator's organization admin, each case once to warm up then `--repeat` times (p50 and p99):

- the consolidated table page (/groupements/<id>/tableau/) against the minimal view (/bench/minimal/): the ratio
  of their p50 is the table's cost in units of the stack's cheapest response;
- the XLSX export (/groupements/<id>/tableau.xlsx): seconds and bytes; the CSV export: seconds and bytes;
- the SQL queries of the table page (their number must not grow with the group's size).

A logged-in person's pages are kept for their session (intranet/page_cache.py): the cases are measured with that
cache off (MEMBER_PAGE_CACHE_SECONDS=0), so each request renders; the table page served from it is measured too.

JSON: var/bench/groups.json.

    .venv/bin/python bench/groups.py [--members 60] [--items 500] [--repeat 10]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VAR = ROOT / "var" / "bench" / "groups"
OUTPUT = ROOT / "var" / "bench" / "groups.json"
LOTS = 5
COORDINATOR_EMAIL = "admin.rennes-metropole@demo.marches-partage.fr"
UNITS = ("ramette", "boîte", "litre", "kg", "carton", "pièce")


def setup_django() -> None:
    (VAR / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise warns at start-up without it
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["VAR_DIR"] = str(VAR)
    import django

    django.setup()


def seed(members: int, items: int) -> int:
    """The demo at scale 1 (once), then the bench group (once per size, found again by its title); returns its id."""
    import datetime
    import random
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from intranet.management.commands.seed_demo import make_siret
    from intranet.models import Organization, User
    from procurement.models_groups import Declaration, GroupItem, GroupLot, GroupMember, GroupPurchase

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)
    title = f"Banc d'essai : {members} membres × {items} articles"
    group = GroupPurchase.objects.filter(title=title).first()
    if group is not None:
        return group.pk
    coordinator = User.objects.get(email=COORDINATOR_EMAIL).memberships.get().organization
    rng = random.Random(15)
    now = timezone.now()
    with transaction.atomic():
        # Bodies numbered 1..members, SIRENs from 5000000x (no demo body uses them): shared by every size.
        sirets = [make_siret(f"5{n:07d}") for n in range(1, members + 1)]
        have = set(Organization.objects.filter(siret__in=sirets).values_list("siret", flat=True))
        Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Commune de Banc-d'Essai {n}", kind=Organization.Kind.COMMUNE, siret=s, department="35"
                )
                for n, s in enumerate(sirets, start=1)
                if s not in have
            ]
        )
        bodies = list(Organization.objects.filter(siret__in=sirets).order_by("siret"))
        group = GroupPurchase.objects.create(
            coordinator=coordinator,
            title=title,
            purpose="Groupement de mesure : fournitures diverses.",
            nature="supplies",
            main_cpv="30192700-8",
            declaration_deadline=now - datetime.timedelta(days=1),  # closed: the table as the coordinator uses it
        )
        lots = GroupLot.objects.bulk_create(
            [GroupLot(group=group, number=n, title=f"Lot {n} du banc d'essai") for n in range(1, LOTS + 1)]
        )
        catalogue = GroupItem.objects.bulk_create(
            [
                GroupItem(
                    group=group,
                    lot=lots[position % LOTS],
                    position=position + 1,
                    designation=f"Article {position + 1} : fourniture de référence {rng.randint(1000, 9999)}",
                    unit=UNITS[position % len(UNITS)],
                    unit_price_estimate=Decimal(rng.randint(10, 50_000)) / 100,
                    awarded_unit_price=Decimal(rng.randint(10, 45_000)) / 100,
                )
                for position in range(items)
            ]
        )
        rows = GroupMember.objects.bulk_create(
            [GroupMember(group=group, organization=coordinator, status=GroupMember.Status.JOINED, joined_at=now)]
            + [
                GroupMember(group=group, organization=body, status=GroupMember.Status.JOINED, joined_at=now)
                for body in bodies
            ]
        )
        Declaration.objects.bulk_create(
            (
                Declaration(
                    member=member,
                    item=item,
                    quantity=Decimal(rng.randint(1, 500_000)) / 1000,
                    delivery_site=f"École {member.pk % 7 + 1}",
                    updated_at=now,
                )
                for member in rows[1:]  # the coordinator declares nothing: members × items lines
                for item in catalogue
            ),
            batch_size=5000,
        )
    return group.pk


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(client, path: str, repeat: int, cache: str | None = None) -> tuple[list[float], int]:
    """Seconds of `repeat` GETs of `path` after one warm-up, and the size of the last response in bytes. `cache`:
    the X-Page-Cache header every measured response must carry (None: rendered, not served from the cache)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        body = response.content
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        assert response.get("X-Page-Cache") == cache, (path, response.get("X-Page-Cache"))
    return timings, len(body)


def measure(group_id: int, repeat: int) -> dict:
    """The cases, rendered each time: a logged-in person's pages are otherwise kept for their session
    (intranet/page_cache.py), so the table's second view would measure the cache. The kept page is measured too,
    as a person reloading it sees it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from intranet.models import User
    from procurement.models_groups import Declaration

    client = Client()
    client.force_login(User.objects.get(email=COORDINATOR_EMAIL), backend="django.contrib.auth.backends.ModelBackend")
    table = f"/groupements/{group_id}/tableau/"
    with override_settings(MEMBER_PAGE_CACHE_SECONDS=0):
        minimal, _size = timed(client, "/bench/minimal/", repeat)
        page, page_bytes = timed(client, table, repeat)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(table).status_code == 200
        queries = len(captured)  # now: the next request's start empties the connection's log
        xlsx, xlsx_bytes = timed(client, f"/groupements/{group_id}/tableau.xlsx", repeat)
        csv, csv_bytes = timed(client, f"/groupements/{group_id}/tableau.csv", repeat)
    kept, _size = timed(client, table, repeat, cache="hit")

    def ms(values, fraction):
        return round(percentile(values, fraction) * 1000, 1)

    rows = {
        "declarations": Declaration.objects.filter(item__group_id=group_id).count(),
        "repeat": repeat,
        "minimal_p50_ms": ms(minimal, 0.5),
        "minimal_p99_ms": ms(minimal, 0.99),
        "table_p50_ms": ms(page, 0.5),
        "table_p99_ms": ms(page, 0.99),
        "table_bytes": page_bytes,
        "table_queries": queries,
        "table_kept_p50_ms": ms(kept, 0.5),
        "table_kept_p99_ms": ms(kept, 0.99),
        "xlsx_p50_s": round(percentile(xlsx, 0.5), 2),
        "xlsx_p99_s": round(percentile(xlsx, 0.99), 2),
        "xlsx_bytes": xlsx_bytes,
        "csv_p50_s": round(percentile(csv, 0.5), 2),
        "csv_p99_s": round(percentile(csv, 0.99), 2),
        "csv_bytes": csv_bytes,
    }
    rows["table_ratio"] = round(rows["table_p50_ms"] / rows["minimal_p50_ms"], 1) if rows["minimal_p50_ms"] else None
    return rows


def print_table(rows: dict, members: int, items: int) -> None:
    print(
        f"Group purchase: {members} member bodies × {items} items ({LOTS} lots), {rows['declarations']:,} "
        f"declarations; {rows['repeat']} runs after one warm-up, in-process"
    )
    lines = [
        ("case", "p50", "p99", "size", "note"),
        (
            "minimal view",
            f"{rows['minimal_p50_ms']} ms",
            f"{rows['minimal_p99_ms']} ms",
            "",
            "",
        ),
        (
            "table page",
            f"{rows['table_p50_ms']} ms",
            f"{rows['table_p99_ms']} ms",
            f"{rows['table_bytes'] / 1e3:,.0f} kB",
            f"{rows['table_queries']} SQL queries; p50 ratio to minimal {rows['table_ratio']}",
        ),
        (
            "table page, kept",
            f"{rows['table_kept_p50_ms']} ms",
            f"{rows['table_kept_p99_ms']} ms",
            "",
            "a reload served from the session's page cache",
        ),
        ("XLSX export", f"{rows['xlsx_p50_s']} s", f"{rows['xlsx_p99_s']} s", f"{rows['xlsx_bytes'] / 1e6:.2f} MB", ""),
        ("CSV export", f"{rows['csv_p50_s']} s", f"{rows['csv_p99_s']} s", f"{rows['csv_bytes'] / 1e6:.2f} MB", ""),
    ]
    widths = [max(len(line[column]) for line in lines) for column in range(4)]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line[:4], widths, strict=True)), line[4])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=60, help="member bodies declaring (default 60)")
    parser.add_argument("--items", type=int, default=500, help="items of the catalogue, in 5 lots (default 500)")
    parser.add_argument("--repeat", type=int, default=10, help="measured runs of each case (default 10)")
    args = parser.parse_args()
    setup_django()
    print(
        f"Seeding the demo and a group of {args.members} × {args.items} in {VAR} (kept for the next run)…", flush=True
    )
    started = time.perf_counter()
    group_id = seed(args.members, args.items)
    print(f"  ready in {time.perf_counter() - started:.0f} s", flush=True)
    rows = measure(group_id, args.repeat)
    rows.update(members=args.members, items=args.items, lots=LOTS)
    print_table(rows, args.members, args.items)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
