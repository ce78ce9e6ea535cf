"""Chat benchmark: 100 WebSocket clients in one channel, 10 of them sending 10 messages/s each.

Every message reaches the 100 clients, its sender included: 10,000 deliveries/s. Measured on
  - Channels with the in-memory layer, one server process, under Daphne then uvicorn;
  - Channels with channels_redis (REDIS_URL, else redis://127.0.0.1:6379/1 when it answers), two uvicorn
    processes, the clients (and the senders) split between them;
  - a bare `websockets` broadcast server speaking the same protocol (no Django, no database, no layer): the
    ceiling of this machine, to which the others are compared.
The site runs on its own database (var/bench/chat/: one workspace whose #général holds 10,000 messages before
each run, 100 members logged in by session cookies) with DEBUG off (bench.settings, where the chat's rate
limit is lifted). The clients run in one separate process (asyncio, uvloop), so that they do not share an
event loop with the server; on a 2-core machine they still share the CPU with it, which is why the client's
and the servers' CPU use are printed beside the results, with the servers' CPU time per delivery.

Latency is end to end: from the sender's clock just before it sends (written in the message body) to the
moment each client has the frame decoded. "lost live" counts the deliveries a client had not got on its socket
by the end of the drain (a channel layer drops events when a queue is full; an overloaded server is also
late), "lost" what is still missing once each such
client has asked for the gap with `catch_up`, as the page's script does (a message stored but unreachable).
"order" counts frames that came with a smaller id than one already received. The first seconds are a warm-up,
not counted. JSON: var/bench/chat.json.

    .venv/bin/python bench/chat.py [--seconds 10] [--clients 100] [--senders 10] [--rate 10]
                                   [--cases bare,daphne,uvicorn,redis] [--capacity N] [--deflate]
                                   [--uvicorn-ws auto|websockets|...] [--app module:attribute]
"""

import argparse
import asyncio
import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench.pages` importable
    sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402

HOST = pages.HOST
VAR = pages.VAR / "chat"  # its own database folder
OUTPUT = pages.VAR / "chat.json"
ORIGIN = f"http://{HOST}"
WORKSPACE_SLUG = "banc-essai-chat"
# Without REDIS_URL: a database of the local Redis the tests leave alone (Django's RedisCache.clear() flushes a
# whole database, which would empty the layer's groups in the middle of a run).
DEFAULT_REDIS = "redis://127.0.0.1:6379/1"
REDIS_PREFIX = "bench-chat"  # bench/settings.py gives the Redis layer this prefix: flushed before each case
MARK = re.compile(r"bench (\w+) (\d+) (\d+) (\d+\.\d+)")
ALL_CASES = ["bare", "daphne", "uvicorn", "redis"]
HISTORY = 10_000  # messages already in the channel when a run starts (the same before every run)

# Run in the bench database: one workspace whose #général the `clients` people read, each with a fresh
# session (as after logging in), and the same history before every run. Prints the channel's id and one cookie
# ("name=key") per person.
PREPARE = """
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.utils import timezone
from intranet.models import User
from intranet.text import render_markdown
from workspaces.models import Channel, Member, Message, Workspace

CLIENTS = %(clients)d
HISTORY = %(history)d
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
with transaction.atomic():
    people = []
    for index in range(CLIENTS):
        user, created = User.objects.get_or_create(
            email=f"banc{index:03d}@chat.bench.invalid",
            defaults={"first_name": "Personne", "last_name": f"n° {index}", "email_confirmed_at": timezone.now()},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    workspace, _ = Workspace.objects.get_or_create(
        slug="%(slug)s", defaults={"name": "Banc d'essai du chat", "created_by": people[0]}
    )
    channel, _ = Channel.objects.get_or_create(
        workspace=workspace, kind="channel", slug="general", defaults={"name": "général", "is_general": True}
    )
    for index, user in enumerate(people):
        role = "owner" if index == 0 else "member"
        Member.objects.get_or_create(workspace=workspace, user=user, defaults={"role": role})
    # The same history before every run, whatever the runs before left: a channel of HISTORY messages.
    messages = Message.objects.filter(channel=channel)
    messages._raw_delete(messages.db)  # plain rows (no reaction, reply or thread in this channel): fast
    html = render_markdown("Message d'historique : le marché de restauration scolaire est attribué.")
    Message.objects.bulk_create(
        [
            Message(channel=channel, seq=seq, author=people[seq %% CLIENTS], body="Historique", body_html=html,
                    client_key=f"history-{seq}")
            for seq in range(1, HISTORY + 1)
        ],
        batch_size=1000,
    )
    Channel.objects.filter(pk=channel.pk).update(last_seq=HISTORY, last_message_at=timezone.now())
cookies = []
for user in people:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
print(json.dumps({"channel": channel.pk, "cookies": cookies}))
"""


def percentile(values: list[float], fraction: float) -> float:
    return pages.percentile(values, fraction) if values else 0.0


# --- the bare broadcast server: the same frames, no Django, no database, no layer ------------------------


def bare_server(port: int) -> None:
    """Answer `send` with an ack and a `message` frame broadcast to every connection; `catch_up` from memory."""
    from websockets.asyncio.server import broadcast, serve

    connections = set()
    history: list[dict] = []
    state = {"seq": 0}

    async def handler(ws):
        connections.add(ws)
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "send":
                    state["seq"] += 1
                    seq = state["seq"]
                    message = {
                        "id": seq,
                        "seq": seq,
                        "channel": 1,
                        "author": {"id": id(ws) % 1000, "name": "Personne"},
                        "html": f"<p>{html.escape(frame['body'])}</p>",
                        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                        "edited": False,
                        "deleted": False,
                        "thread_root": None,
                        "reply_to": None,
                        "thread_replies": 0,
                        "reactions": [],
                        "pinned": False,
                        "attachment": None,
                    }
                    history.append(message)
                    await ws.send(json.dumps({"type": "ack", "client_key": frame["client_key"], "seq": seq}))
                    broadcast(connections, json.dumps({"type": "message", "message": message}))
                elif frame.get("type") == "catch_up":
                    after = int(frame["after"])
                    page = history[after : after + 200]
                    complete = after + len(page) >= len(history)
                    await ws.send(json.dumps({"type": "messages", "messages": page, "complete": complete}))
        finally:
            connections.discard(ws)

    async def main():
        async with serve(handler, HOST, port, compression=None, max_queue=None, ping_interval=None) as server:
            await server.serve_forever()

    run_loop(main())


def run_loop(coroutine):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# --- the clients (their own process) ----------------------------------------------------------------------


class Client:
    def __init__(self, index: int, url: str, cookie: str, run: str, warm: int, deflate: bool):
        self.index, self.url, self.cookie, self.run, self.warm, self.deflate = index, url, cookie, run, warm, deflate
        self.ws = None
        self.seen: set[int] = set()  # measured messages received live
        self.latencies: list[float] = []
        self.last_seq = 0
        self.out_of_order = 0
        self.last_receipt = 0.0
        self.acks: dict[int, int] = {}  # message number -> seq (senders)
        self.sent_at: list[float] = []  # lag behind the schedule, seconds (senders)
        self.send_times: dict[int, float] = {}  # message number -> when it was sent (senders)
        self.ack_latencies: list[float] = []  # from sending to the ack: the write path (senders)
        self.errors: dict[str, int] = {}
        self.closed_code = None
        self.pages: asyncio.Queue = asyncio.Queue()

    async def connect(self):
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url,
            origin=ORIGIN,
            additional_headers={"Cookie": self.cookie},
            compression="deflate" if self.deflate else None,
            max_queue=None,  # read everything at once: the client never holds the server back
            ping_interval=None,
            open_timeout=60,
            close_timeout=2,
        )

    async def read(self):
        from websockets.exceptions import ConnectionClosed

        loads, now = json.loads, time.time
        try:
            async for raw in self.ws:
                received = now()
                frame = loads(raw)
                if frame.get("type") == "batch":
                    for inner in frame["frames"]:
                        self.take(inner, received)
                else:
                    self.take(frame, received)
        except ConnectionClosed as closed:
            self.closed_code = f"{closed.rcvd.code} {closed.rcvd.reason}" if closed.rcvd else str(closed)

    def take(self, frame: dict, received: float) -> None:
        kind = frame.get("type")
        if kind == "message":
            message = frame["message"]
            found = MARK.search(message.get("html") or "")
            if found is None or found[1] != self.run:
                return
            seq = message["seq"]
            if seq < self.last_seq:
                self.out_of_order += 1
            else:
                self.last_seq = seq
            if int(found[3]) >= self.warm:
                self.seen.add(seq)
                self.latencies.append(received - float(found[4]))
                self.last_receipt = received
        elif kind == "ack":
            key = frame.get("client_key", "")
            if key.startswith(self.run + "-"):
                number = int(key.rsplit("-", 1)[1])
                self.acks[number] = frame["seq"]
                if number >= self.warm and number in self.send_times:
                    self.ack_latencies.append(received - self.send_times[number])
        elif kind == "messages":
            self.pages.put_nowait(frame)
        elif kind == "error":
            code = str(frame.get("code"))
            self.errors[code] = self.errors.get(code, 0) + 1

    async def send_loop(self, start: float, offset: float, count: int, rate: float):
        dumps, now = json.dumps, time.time
        for number in range(count):
            target = start + offset + number / rate
            delay = target - now()
            if delay > 0:
                await asyncio.sleep(delay)
            sent = now()
            body = f"bench {self.run} {self.index} {number} {sent:.6f}"
            frame = {
                "type": "send",
                "body": body,
                "client_key": f"{self.run}-{self.index}-{number}",
                "reply_to": None,
                "thread_root": None,
            }
            self.send_times[number] = sent
            await self.ws.send(dumps(frame))
            if number >= self.warm:
                self.sent_at.append(sent - target)

    async def catch_up(self, missing: set[int], timeout: float) -> set[int]:
        """Ask for what follows the first gap, page after page, as the page's script does."""
        recovered: set[int] = set()
        after = min(missing) - 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await self.ws.send(json.dumps({"type": "catch_up", "after": after}))
            try:
                page = await asyncio.wait_for(self.pages.get(), max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            seqs = [m["seq"] for m in page.get("messages", [])]
            recovered |= missing.intersection(seqs)
            if page.get("complete", True) or not seqs or recovered >= missing:
                break
            after = max(seqs)
        return recovered


def stamp(label: str) -> None:
    """Tell the orchestrator (which samples the servers' CPU then) where the measured window begins and ends."""
    print(f"@{label} {time.time():.6f}", flush=True)


async def load(config: dict) -> dict:
    run, rate, seconds, warmup = config["run"], config["rate"], config["seconds"], config["warmup"]
    warm = int(rate * warmup)
    count = warm + int(rate * seconds)
    urls, cookies = config["urls"], config["cookies"]
    clients = [
        Client(i, urls[i % len(urls)], cookies[i], run, warm, config["deflate"]) for i in range(config["clients"])
    ]
    for chunk in range(0, len(clients), 10):
        await asyncio.gather(*(c.connect() for c in clients[chunk : chunk + 10]))
    readers = [asyncio.ensure_future(c.read()) for c in clients]
    await asyncio.sleep(1.0)  # every consumer has joined its group and sent what it sends on connect

    senders = clients[: config["senders"]]
    start = time.time() + 0.2
    measure_start = start + warmup
    spacing = 1.0 / rate / max(1, len(senders))  # spread the senders evenly over each period

    async def window():
        await asyncio.sleep(max(0.0, measure_start - time.time()))
        stamp("start")
        cpu_start = time.process_time()
        await asyncio.sleep(seconds)
        stamp("end")
        return time.process_time() - cpu_start

    window_task = asyncio.ensure_future(window())
    await asyncio.gather(*(s.send_loop(start, k * spacing, count, rate) for k, s in enumerate(senders)))
    client_cpu = await window_task

    # Drain: wait for the acks, then until every client has every acknowledged message (or the time is up).
    deadline = time.monotonic() + config["drain"]
    measured_total = len(senders) * (count - warm)
    while time.monotonic() < deadline:
        acked = sum(1 for s in senders for n in s.acks if n >= warm)
        if acked >= measured_total:
            break
        await asyncio.sleep(0.05)
    expected = {seq for s in senders for n, seq in s.acks.items() if n >= warm}
    while time.monotonic() < deadline and any(expected - c.seen for c in clients if c.closed_code is None):
        await asyncio.sleep(0.05)
    drained = time.time()

    missing = {c.index: expected - c.seen for c in clients}
    lost_live = sum(len(m) for m in missing.values())
    # Which messages went missing for how many clients (a layer drop hits one queue: one client or one process).
    missing_by_seq: dict[int, int] = {}
    for seqs in missing.values():
        for seq in seqs:
            missing_by_seq[seq] = missing_by_seq.get(seq, 0) + 1
    open_gaps = [c for c in clients if missing[c.index] and c.closed_code is None]
    recovered = await asyncio.gather(*(c.catch_up(missing[c.index], 60.0) for c in open_gaps))
    recovered_count = sum(len(r) for r in recovered)

    for c in clients:
        await c.ws.close()
    for reader in readers:
        reader.cancel()

    latencies = [lat for c in clients for lat in c.latencies]
    received = sum(len(c.seen & expected) for c in clients)
    last = max((c.last_receipt for c in clients), default=measure_start)
    errors: dict[str, int] = {}
    for c in clients:
        for code, n in c.errors.items():
            errors[code] = errors.get(code, 0) + n
    lags = [lag for s in senders for lag in s.sent_at]
    acks = [lat for s in senders for lat in s.ack_latencies]
    return {
        "clients": len(clients),
        "senders": len(senders),
        "sent": measured_total,
        "acked": len(expected),
        "expected_deliveries": len(expected) * len(clients),
        "received_live": received,
        "lost_live": lost_live,
        "recovered": recovered_count,
        "lost": lost_live - recovered_count,
        "missing_messages": len(missing_by_seq),
        "missing_sample": dict(sorted(missing_by_seq.items())[:10]),
        "missing_clients": {c.index: len(missing[c.index]) for c in clients if missing[c.index]},
        "out_of_order": sum(c.out_of_order for c in clients),
        "closed": sum(1 for c in clients if c.closed_code is not None),
        "close_codes": sorted({c.closed_code for c in clients if c.closed_code is not None}),
        "errors": errors,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies, default=0) * 1000, 1),
        "deliveries_per_s": round(received / max(1e-9, last - measure_start), 0),
        "ack_p50_ms": round(percentile(acks, 0.50) * 1000, 1),
        "ack_p99_ms": round(percentile(acks, 0.99) * 1000, 1),
        "drain_s": round(drained - (measure_start + seconds), 2),
        "send_lag_p99_ms": round(percentile(lags, 0.99) * 1000, 1),
        "client_cpu": round(client_cpu / seconds, 2),
    }


def client_process(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text())
    result = run_loop(load(config))
    print("@result " + json.dumps(result), flush=True)


# --- the orchestrator ---------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_url() -> str:
    """REDIS_URL, else the local default when it answers; empty when there is no Redis."""
    url = os.environ.get("REDIS_URL", "")
    candidate = url or DEFAULT_REDIS
    try:
        import redis

        connection = redis.Redis.from_url(candidate, socket_connect_timeout=1)
        connection.ping()
    except Exception:
        return ""
    return candidate


def redis_cpu(url: str) -> float:
    import redis

    info = redis.Redis.from_url(url).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def flush_redis(url: str) -> None:
    import redis

    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter(match=f"{REDIS_PREFIX}*", count=1000):
        connection.delete(key)


def server_command(kind: str, port: int, args: argparse.Namespace) -> list[str]:
    if kind == "bare":
        return [sys.executable, str(Path(__file__).resolve()), "--bare-server", str(port)]
    command = [part if part != "intranet.asgi:application" else args.app for part in pages.server_command(kind, port)]
    if kind == "uvicorn":
        command += ["--ws", args.uvicorn_ws]
    return command


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with code {process.returncode} (see {VAR})")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not answer in time")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_case(name: str, kinds: list[str], env: dict, seed: dict, args: argparse.Namespace, redis: str = "") -> dict:
    """Start one server per entry of `kinds`, run the clients against them, stop everything; returns a row."""
    servers = []
    logs = []
    try:
        for index, kind in enumerate(kinds):
            port = pages.free_port()
            log = open(VAR / f"{name}-{index}.log", "wb")  # noqa: SIM115 - closed in finally
            logs.append(log)
            process = subprocess.Popen(server_command(kind, port, args), cwd=ROOT, env=env, stdout=log, stderr=log)
            servers.append((process, port))
        for process, port in servers:
            wait_for_port(port, process)
            if kinds[0] != "bare":
                pages.wait_until_up(port, process)  # Django loaded: the first connection is not the slow one
        path = f"/ws/espaces/canal/{seed['channel']}/"
        config = {
            "run": f"r{int(time.time() * 1000) % 10**9}",
            # batch=1 as the page asks: frames that queued up while a socket was busy come as one.
            "urls": [f"ws://{HOST}:{port}{path}{'' if kinds[0] == 'bare' else '?batch=1'}" for _, port in servers],
            "cookies": seed["cookies"],
            "clients": args.clients,
            "senders": args.senders,
            "rate": args.rate,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "drain": args.drain,
            "deflate": args.deflate,
        }
        config_path = VAR / f"{name}-clients.json"
        config_path.write_text(json.dumps(config))
        client = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--clients-process", str(config_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        cpu = {}
        result = None
        for line in client.stdout:
            if line.startswith("@start") or line.startswith("@end"):
                label = line.split()[0][1:]
                cpu[label] = (time.monotonic(), [cpu_seconds(p.pid) for p, _ in servers], redis and redis_cpu(redis))
            elif line.startswith("@result "):
                result = json.loads(line[len("@result ") :])
        client.wait()
        if result is None or "start" not in cpu or "end" not in cpu:
            raise SystemExit(f"{name}: the clients failed (exit code {client.returncode}); server logs in {VAR}")
        (t0, before, redis_before), (t1, after, redis_after) = cpu["start"], cpu["end"]
        result["server_cpu"] = [round((b - a) / (t1 - t0), 2) for a, b in zip(before, after, strict=True)]
        # CPU time of the server(s) per delivery: what the design costs, less sensitive to other load than rates
        used = sum(b - a for a, b in zip(before, after, strict=True))
        result["server_us_per_delivery"] = round(used / max(1, result["deliveries_per_s"] * (t1 - t0)) * 1e6, 1)
        if redis:
            result["redis_cpu"] = round((redis_after - redis_before) / (t1 - t0), 2)
    finally:
        for process, _ in servers:
            stop(process)
        for log in logs:
            log.close()
    return {"case": name, **result}


def prepare(args: argparse.Namespace) -> dict:
    (VAR / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise warns when it is missing
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=pages.bench_env(VAR))
    return pages.run_in_shell(PREPARE % {"clients": args.clients, "slug": WORKSPACE_SLUG, "history": HISTORY}, VAR)


COLUMNS = [
    ("case", "case"),
    ("deliveries_per_s", "deliveries/s"),
    ("p50_ms", "p50 ms"),
    ("p99_ms", "p99 ms"),
    ("max_ms", "max ms"),
    ("ack_p99_ms", "ack p99 ms"),
    ("lost_live", "lost live"),
    ("lost", "lost"),
    ("out_of_order", "order"),
    ("closed", "closed"),
    ("rate_ratio", "rate vs bare"),
    ("p99_ratio", "p99 vs bare"),
    ("server_cpu", "server CPU"),
    ("server_us_per_delivery", "µs/delivery"),
    ("client_cpu", "client CPU"),
]


def print_table(rows: list[dict]) -> None:
    cells = [[str(row.get(key, "")) for key, _ in COLUMNS] for row in rows]
    widths = [max(len(title), *(len(c[i]) for c in cells)) for i, (_, title) in enumerate(COLUMNS)]
    print(" | ".join(title.ljust(w) for (_, title), w in zip(COLUMNS, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for line in cells:
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds of sending")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of sending before, not counted")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait for late deliveries")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second per sender")
    parser.add_argument("--cases", default=",".join(ALL_CASES), help=f"among {', '.join(ALL_CASES)}")
    parser.add_argument("--capacity", type=int, default=0, help="channel layer capacity (default: the settings')")
    parser.add_argument("--app", default="intranet.asgi:application", help="the ASGI application served")
    parser.add_argument("--uvicorn-ws", default="auto", help="uvicorn's --ws implementation")
    parser.add_argument("--deflate", action="store_true", help="clients offer permessage-deflate, as browsers do")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    if cases == ["bare"]:  # no Django: no database either
        seed = {"channel": 1, "cookies": [""] * args.clients}
    else:
        seed = prepare(args)
    print(
        f"{args.clients} clients in channel {seed['channel']}, {args.senders} sending {args.rate:g} messages/s each "
        f"({args.clients * args.senders * args.rate:,.0f} deliveries/s), {args.seconds:g} s measured "
        f"after {args.warmup:g} s of warm-up",
        flush=True,
    )
    env = {k: v for k, v in pages.bench_env(VAR).items() if k != "REDIS_URL"}
    if os.environ.get("PYTHONPATH"):  # --app from elsewhere
        env["PYTHONPATH"] += os.pathsep + os.environ["PYTHONPATH"]
    if args.capacity:
        env["BENCH_CHANNEL_CAPACITY"] = str(args.capacity)
    rows = []
    for case in cases:
        if case == "bare":
            rows.append(run_case("bare websockets", ["bare"], env, seed, args))
        elif case in ("daphne", "uvicorn"):
            rows.append(run_case(f"{case}, in-memory layer", [case], env, seed, args))
        elif case.startswith("redis"):
            url = redis_url()
            if not url:
                print("redis: skipped (no REDIS_URL and nothing answers at 127.0.0.1:6379)", flush=True)
                continue
            kind = case.partition("-")[2] or "uvicorn"
            flush_redis(url)
            rows.append(run_case(f"2 × {kind}, Redis layer", [kind, kind], {**env, "REDIS_URL": url}, seed, args, url))
        else:
            raise SystemExit(f"unknown case {case!r}: choose among {', '.join(ALL_CASES)}")
        row = rows[-1]
        print(
            f"  {row['case']}: {row['deliveries_per_s']:,.0f} deliveries/s, p50 {row['p50_ms']} ms, "
            f"p99 {row['p99_ms']} ms, lost live {row['lost_live']}, lost {row['lost']}",
            flush=True,
        )
    bare = next((r for r in rows if r["case"].startswith("bare")), None)
    for row in rows:
        if bare:
            row["rate_ratio"] = round(row["deliveries_per_s"] / max(1.0, bare["deliveries_per_s"]), 3)
            row["p99_ratio"] = round(row["p99_ms"] / max(0.1, bare["p99_ms"]), 1)
    settings = {k: getattr(args, k) for k in ("clients", "senders", "rate", "seconds", "warmup", "capacity")}
    OUTPUT.write_text(json.dumps({"settings": settings, "cpus": os.cpu_count(), "rows": rows}, indent=2) + "\n")
    print()
    print_table(rows)
    print(f"\nWritten to {OUTPUT}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bare-server":
        bare_server(int(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--clients-process":
        client_process(sys.argv[2])
    else:
        main()
