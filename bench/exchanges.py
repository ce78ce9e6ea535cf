"""Exchanges benchmark: a body's register of acts and the prefecture's inbox at 100,000 acts, and the
verification of one act, in-process.

On its own database (var/bench/exchanges/: the demo seeded at scale 1, then `--acts` acts of the Ville de Rennes
sent to the demo prefecture, written in bulk with one transmission event and one chain entry each, hashed as the
actions hash them). Rows are written with bulk_create, not through the actions: the actions' checks, files,
audit rows and notifications per act would make the set-up take far longer than the measure.

Measured with django.test.Client (no server, no network), each case once to warm up then `--repeat` times (p50,
p99), with the session's page cache off (MEMBER_PAGE_CACHE_SECONDS=0) so each request renders:
- the register page (/echanges/organismes/<rennes>/actes/) as the Ville de Rennes' buyer, and the inbox
  (/echanges/autorites/<prefecture>/) as the legality control agent, against the minimal view (ratios of p50);
- the public verification page of one act (/echanges/verifier/?identifiant=...), in the middle of the chain;
- the SQL queries of each page (their number must not grow with the register).

JSON: var/bench/exchanges.json.

    .venv/bin/python bench/exchanges.py [--acts 100000] [--repeat 10]
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

VAR = ROOT / "var" / "bench" / "exchanges"
OUTPUT = ROOT / "var" / "bench" / "exchanges.json"
BUYER_EMAIL = "acheteur.rennes@demo.marches-partage.fr"


def setup_django() -> None:
    (VAR / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise warns at start-up without it
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["VAR_DIR"] = str(VAR)
    import django

    django.setup()


def seed(count: int) -> tuple[int, int, str]:
    """The demo (once), then `count` transmitted acts (once per size); the register's body, the authority, and the
    identifier of an act in the middle."""
    import datetime

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from exchanges.actions.acts import chain_key, event_payload
    from exchanges.demo import AGENT_EMAIL
    from exchanges.models import Act, ActEvent, Authority, Subject
    from intranet import chain
    from intranet.models import Chain, ChainEntry, User
    from intranet.models.chain import CHAIN_V1, entry_hash, scope_of

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)
    agent = User.objects.get(email=AGENT_EMAIL)
    authority = Authority.objects.get(organization__memberships__user=agent, role=Authority.Role.LEGALITY)
    rennes = User.objects.get(email=BUYER_EMAIL).memberships.get().organization
    middle = f"B{count}N{count // 2}"  # numbers per size: several sizes share the database
    found = Act.objects.filter(sender=rennes, number=middle).first()
    if found is not None:
        return rennes.pk, authority.pk, found.identifier
    subjects = list(Subject.objects.filter(parent__isnull=False))
    natures = [choice[0] for choice in Act.Nature.choices]
    statuses = [Act.Status.SENT, Act.Status.ACKNOWLEDGED, Act.Status.ACKNOWLEDGED, Act.Status.OBSERVATIONS]
    start = timezone.now() - datetime.timedelta(days=3 * 365)
    key = chain_key(Act(sender=rennes))
    with transaction.atomic():
        row, _created = Chain.objects.get_or_create(key=key, defaults={"scheme": CHAIN_V1})
        position, previous = row.length, row.head
        scope = scope_of(row.scheme, key)
        for offset in range(0, count, 5000):
            acts = []
            for index in range(offset, min(count, offset + 5000)):
                at = start + datetime.timedelta(minutes=15 * index)
                decided = at.date() - datetime.timedelta(days=2)
                number, nature = f"B{count}N{index}", natures[index % len(natures)]
                acts.append(
                    Act(
                        sender=rennes,
                        authority=authority,
                        nature=nature,
                        subject=subjects[index % len(subjects)],
                        number=number,
                        year=decided.year,
                        decision_date=decided,
                        object=f"Délibération n° {index} relative aux affaires de la commune",
                        signatory="Nathalie Appéré, maire",
                        is_public=index % 3 == 0,
                        status=statuses[index % len(statuses)],
                        identifier=f"035-{rennes.siret[:9]}-{decided:%Y%m%d}-{number}-{nature}",
                        sent_at=at,
                        acknowledged_at=None if index % 4 == 0 else at + datetime.timedelta(minutes=5),
                        created_at=at,
                        updated_at=at,
                    )
                )
            Act.objects.bulk_create(acts)
            events, entries = [], []
            for act in acts:
                position += 1
                event = ActEvent(act=act, kind=ActEvent.Kind.SENT, at=act.sent_at, by_label="Banc d'essai")
                event.digest = chain.canonical_digest(event_payload(act, event, []))
                event.chain_position = position
                entry = ChainEntry(
                    chain=row,
                    position=position,
                    kind=event.kind,
                    reference=act.identifier,
                    recorded_at=act.sent_at,
                    digest=event.digest,
                    previous_hash=previous,
                )
                entry.entry_hash = entry_hash(
                    row.scheme, scope, position, entry.kind, entry.reference, entry.recorded_at, entry.digest, previous
                )
                previous = entry.entry_hash
                events.append(event)
                entries.append(entry)
            ActEvent.objects.bulk_create(events)
            ChainEntry.objects.bulk_create(entries)
        Chain.objects.filter(pk=row.pk).update(length=position, head=previous)
    return rennes.pk, authority.pk, Act.objects.get(sender=rennes, number=middle).identifier


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(client, path: str, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        _body = response.content
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return timings, len(captured)


def measure(body_id: int, authority_id: int, identifier: str, repeat: int) -> dict:
    from django.test import Client
    from django.test.utils import override_settings

    from exchanges.demo import AGENT_EMAIL
    from exchanges.models import Act
    from intranet.models import User

    def client_for(email):
        client = Client()
        client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
        return client

    buyer, agent, visitor = client_for(BUYER_EMAIL), client_for(AGENT_EMAIL), Client()
    rows = {"acts": Act.objects.filter(sender_id=body_id).count(), "repeat": repeat}
    with override_settings(MEMBER_PAGE_CACHE_SECONDS=0):
        cases = {
            "minimal": (buyer, "/bench/minimal/"),
            "register": (buyer, f"/echanges/organismes/{body_id}/actes/"),
            "register_filtered": (buyer, f"/echanges/organismes/{body_id}/actes/?nature=DE&status=acknowledged"),
            "inbox": (agent, f"/echanges/autorites/{authority_id}/"),
            "verification": (visitor, f"/echanges/verifier/?identifiant={identifier}"),
        }
        for name, (client, path) in cases.items():
            timings, queries = timed(client, path, repeat)
            rows[f"{name}_p50_ms"] = round(percentile(timings, 0.5) * 1000, 1)
            rows[f"{name}_p99_ms"] = round(percentile(timings, 0.99) * 1000, 1)
            rows[f"{name}_queries"] = queries
    for name in ("register", "register_filtered", "inbox", "verification"):
        rows[f"{name}_ratio"] = round(rows[f"{name}_p50_ms"] / rows["minimal_p50_ms"], 1)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=100_000, help="acts in the register (default 100,000)")
    parser.add_argument("--repeat", type=int, default=10, help="measured runs of each case (default 10)")
    args = parser.parse_args()
    setup_django()
    print(f"Seeding the demo and {args.acts:,} acts in {VAR} (kept for the next run)…", flush=True)
    started = time.perf_counter()
    body_id, authority_id, identifier = seed(args.acts)
    print(f"  ready in {time.perf_counter() - started:.0f} s", flush=True)
    rows = measure(body_id, authority_id, identifier, args.repeat)
    rows["acts_requested"] = args.acts
    print(f"Register of {rows['acts']:,} acts; {args.repeat} runs after one warm-up, in-process")
    for name in ("minimal", "register", "register_filtered", "inbox", "verification"):
        ratio = f"; p50 ratio to minimal {rows[name + '_ratio']}" if name != "minimal" else ""
        print(
            f"  {name:<18} p50 {rows[name + '_p50_ms']:>8} ms  p99 {rows[name + '_p99_ms']:>8} ms  "
            f"{rows[name + '_queries']} SQL queries{ratio}"
        )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
