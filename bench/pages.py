"""Page benchmark: requests/s and latency of the home and login pages under Daphne and uvicorn.

Each page is measured for a visitor and for a logged-in buyer (--as), and the pages under half of the minimal
view's requests/s are listed at the end (issue 13's goal). bench/forums.py, knowledge.py and procurement.py do
the same for their pages with this module's load generator.

Each server runs in its own process on the seeded demo data (var/bench/), with DEBUG off (bench.settings).
Every case is compared with a minimal Django view on the same server, the ceiling of the stack.
Traffic goes to 127.0.0.1 only, with a bounded number of requests and a time limit per case.

    .venv/bin/python bench/pages.py [--requests 2000] [--concurrency 8] [--scale 1]
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
HOST = "127.0.0.1"
CASES = [("minimal", "/bench/minimal/"), ("home", "/"), ("login", "/compte/connexion/")]
CASE_TIME_LIMIT = 180.0  # seconds: a case stops there even if not every request was sent
VISITOR_ONLY = {"login"}  # a logged-in person is sent on from the login page
GOAL_RATIO = 0.5  # issue 13: every main page at half the minimal view's requests/s or better


def bench_env(var: Path = VAR) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "VAR_DIR": str(var),
        "PYTHONPATH": str(ROOT),
    }


def prepare_database(scale: int, var: Path = VAR) -> None:
    var.mkdir(parents=True, exist_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=bench_env(var))
    subprocess.run(
        [*manage, "seed_demo", "--if-empty", "--scale", str(scale)],
        check=True,
        cwd=ROOT,
        env=bench_env(var),
        stdout=subprocess.DEVNULL,
    )


def run_in_shell(code: str, var: Path = VAR) -> dict:
    """Run `code` with `manage.py shell` on the bench database in `var`; returns the JSON of its last line."""
    output = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-v", "0", "-c", code],
        check=True,
        cwd=ROOT,
        env=bench_env(var),
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_command(server: str, port: int, app: str = "intranet.asgi:application") -> list[str]:
    if server == "uvicorn":
        return [
            sys.executable, "-m", "uvicorn", app, "--host", HOST, "--port", str(port),
            "--no-access-log", "--log-level", "warning", "--lifespan", "off",
        ]  # fmt: skip
    return [sys.executable, "-m", "daphne", "-b", HOST, "-p", str(port), "-v", "0", app]


# --- a small keep-alive HTTP/1.1 client ------------------------------------------------------------


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; returns (status, keep_alive)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection", "").lower() != "close"


async def load(port: int, path: str, total: int, concurrency: int, cookie: str = "") -> tuple[list[float], int, float]:
    """Send `total` GETs over `concurrency` keep-alive connections (with `cookie`, a logged-in person's session,
    if given); returns latencies, errors, elapsed."""
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUser-Agent: bench\r\n{extra}\r\n".encode()
    latencies: list[float] = []
    errors = 0
    remaining = total
    deadline = time.monotonic() + CASE_TIME_LIMIT

    async def client():
        nonlocal remaining, errors
        reader = writer = None
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            start = time.perf_counter()
            writer.write(request)
            try:
                status, keep_alive = await read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                errors += 1
                writer.close()
                writer = None
                continue
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors += 1
            if not keep_alive:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with code {process.returncode}")
        try:
            latencies, errors, _ = asyncio.run(load(port, "/bench/minimal/", 1, 1))
            if latencies and not errors:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not answer in time")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def bench_server(
    server: str,
    requests: int,
    concurrency: int,
    warmup: int,
    cases: list[tuple[str, str]] = CASES,
    var: Path = VAR,
) -> list[dict]:
    """Start `server` on the database in `var` and measure each (name, path[, cookie]) of `cases`; minimal view
    first."""
    port = free_port()
    log = open(var / f"{server}.log", "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(server_command(server, port), cwd=ROOT, env=bench_env(var), stdout=log, stderr=log)
    rows = []
    try:
        wait_until_up(port, process)
        baseline = None
        for name, path, *cookie in cases:
            cookie = cookie[0] if cookie else ""
            asyncio.run(load(port, path, warmup, concurrency, cookie))
            latencies, errors, elapsed = asyncio.run(load(port, path, requests, concurrency, cookie))
            if errors:
                raise SystemExit(f"{server} {name}: {errors} failed requests (see {var / (server + '.log')})")
            rps = len(latencies) / elapsed
            baseline = baseline or rps  # the minimal view comes first
            rows.append(
                {
                    "case": f"{server} {name}",
                    "requests": len(latencies),
                    "p50_ms": round(statistics.median(latencies) * 1000, 2),
                    "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
                    "rps": round(rps, 1),
                    "baseline": round(baseline, 1),
                    "ratio": round(rps / baseline, 3),
                }
            )
            print(f"  {rows[-1]['case']}: {rows[-1]['rps']} req/s", flush=True)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    return rows


def print_table(rows: list[dict]) -> None:
    columns = ["case", "requests", "p50_ms", "p99_ms", "rps", "baseline", "ratio"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print(" | ".join(c.ljust(widths[c]) for c in columns))
    print("-|-".join("-" * widths[c] for c in columns))
    for row in rows:
        print(" | ".join(str(row[c]).ljust(widths[c]) for c in columns))
    below = [row["case"] for row in rows if row["ratio"] < GOAL_RATIO and not row["case"].endswith(" minimal")]
    print(f"\nUnder {GOAL_RATIO} of the minimal view: {', '.join(below) if below else 'none'}")


# A logged-in buyer of a member body (not staff), with a fresh session on the bench database: the cookie to send.
BUYER_SESSION = """
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from intranet.models import Membership, Organization
membership = (Membership.objects.filter(role=Membership.Role.BUYER, user__is_active=True, user__is_staff=False,
                                        user__is_superuser=False)
              .exclude(organization__kind=Organization.Kind.COMPANY).select_related("user", "organization")
              .order_by("pk").first())
user = membership.user
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({"cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}", "email": user.email,
                  "organization": membership.organization.name}))
"""


def with_audiences(args: argparse.Namespace, cases: list[tuple], var: Path = VAR) -> list[tuple]:
    """Each case for each audience of --as: as a visitor (no cookie) and as a logged-in buyer (a session of a
    demo buyer made in the bench database); the minimal view once, first."""
    audiences = [a.strip() for a in args.audiences.split(",") if a.strip()]
    minimal = [case for case in cases if case[0] == "minimal"]
    others = [case for case in cases if case[0] != "minimal"]
    result = list(minimal)
    if "visitor" in audiences:
        result += others
    if "buyer" in audiences:
        buyer = run_in_shell(BUYER_SESSION, var)
        print(f"logged-in cases as {buyer['email']} ({buyer['organization']})", flush=True)
        result += [(f"{name} (buyer)", path, buyer["cookie"]) for name, path, *_ in others if name not in VISITOR_ONLY]
    return result


def parse_args(
    description: str,
    requests: int = 2000,
    scale: int = 1,
    scale_help: str = "seed_demo --scale for the bench database",
) -> argparse.Namespace:
    """The command line shared by the benchmarks; `description` is the script's docstring."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--scale", type=int, default=scale, help=scale_help)
    parser.add_argument("--servers", default="daphne,uvicorn")
    parser.add_argument("--as", dest="audiences", default="visitor,buyer", help="visitor, buyer or both")
    return parser.parse_args()


def bench_servers(args: argparse.Namespace, cases: list[tuple[str, str]] = CASES, var: Path = VAR) -> list[dict]:
    """Run `cases` on each server of --servers, one after the other; returns all the rows."""
    rows = []
    for server in args.servers.split(","):
        print(f"{server}: {args.requests} requests per case, concurrency {args.concurrency}", flush=True)
        rows += bench_server(server, args.requests, args.concurrency, args.warmup, cases, var)
    return rows


def write_results(output: Path, data: object, rows: list[dict]) -> None:
    """Write `data` as JSON to `output`, then print the table of `rows`."""
    output.write_text(json.dumps(data, indent=2) + "\n")
    print_table(rows)
    print(f"\nWritten to {output}")


def main() -> None:
    args = parse_args(__doc__)
    prepare_database(args.scale)
    rows = bench_servers(args, with_audiences(args, CASES))
    write_results(VAR / "pages.json", rows, rows)


if __name__ == "__main__":
    main()
