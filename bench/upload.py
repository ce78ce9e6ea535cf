"""Upload benchmark: a 200 MiB bid file through the real tus protocol and server, against a plain write to disk.

The site runs on its own database (var/bench/upload/: a published notice whose bids close in 30 days, a company
member logged in by session cookie, the company's bid in preparation) with its own master key
(var/bench/upload/keys/master.key, given to the server by SEALING_MASTER_KEY_FILE), DEBUG off (bench.settings).
A fresh server process (uvicorn, Daphne) per case receives the file as the page's script sends it: a tus
creation (POST /televersements/offre/ with Upload-Length and the bid, lot, part and file name in
Upload-Metadata), then PATCHes of --chunk-mb (8 MiB, UPLOADS_MAX_CHUNK_BYTES) with the session and CSRF
cookies, the X-CSRFToken header and the Origin. The file is a PDF by its first bytes (the sink checks them),
random after, written to disk first and streamed from there (the client never holds it). The sink seals
each piece as it comes (procurement/bid_uploads.py, procurement/sealing.py) and the last PATCH answers once
the stored file was read back, decrypted and hashed: the upload's time runs from the creation to that answer.

The ceiling is a plain copy of the same bytes from the same source file to a file in MEDIA_ROOT (the disk the
sealed file goes to) with an fsync at the end, median of three, measured just before each case.
Server memory: the server process's RSS (/proc/<pid>/status) sampled every 50 ms from just before the creation
to the last answer; the baseline is taken after a small warm-up upload (Django, the sink and the crypto loaded),
and the kernel's high-water mark (VmHWM, reset at the start through /proc/<pid>/clear_refs) catches peaks
between two samples. Goals (issue): throughput at least half the ceiling, memory growth below 100 MiB and flat
in the file size. At the end the BidFile's SHA-256, read from the database, must equal the file's.
MiB = 2^20 bytes, as the upload limits count. JSON: var/bench/upload.json.

    .venv/bin/python bench/upload.py [--sizes 50,200] [--servers uvicorn,daphne] [--chunk-mb 8] [--profile]
                                     [--settings module]

--profile runs py-spy (pip install py-spy) on the server during each upload and writes its raw stacks to
var/bench/upload/profile-<case>.txt (flamegraph.pl or speedscope read them); it slows the server down: the
figures of a profiled run are not the ones to report, and prints the lines of the project's code found in most
of the samples. --settings runs the site with another settings module (importing bench.settings), to try a
change of UPLOADS_READ_BYTES for instance; PYTHONPATH is passed on.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench.pages` importable
    sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402

HOST = pages.HOST
VAR = pages.VAR / "upload"  # its own database, media folder and master key
OUTPUT = pages.VAR / "upload.json"
KEY_FILE = VAR / "keys" / "master.key"
MIB = 1024 * 1024
WARMUP_BYTES = 2 * MIB
SAMPLE_EVERY = 0.05  # seconds between two RSS samples
PURPOSE = "offre"
# Settings the server must not take from the environment: the bench has its own key and media folder.
UNSET = ("MARCHES_MASTER_KEY", "MARCHES_MASTER_KEY_PREVIOUS", "SEALING_PREVIOUS_MASTER_KEY_FILES", "MEDIA_ROOT")

# Run in `manage.py shell` on the bench database: a buyer, a published notice taking bids for 30 days, a company
# and its member with a fresh session, and the company's bid in preparation, without the files of earlier runs.
PREPARE = """
import datetime, json, shutil
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from intranet.models import HomePage, Membership, Organization, User
from procurement import sealing
from procurement.models import NoticePage
from procurement.models_bids import Bid, BidLog
from procurement.setup import ensure_buyer_section, ensure_notice_index
from uploads.models import Upload

def luhn(prefix):
    for digit in "0123456789":
        total = 0
        for index, char in enumerate(reversed(prefix + digit)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return prefix + digit

def organization(name, kind, number):
    siret = luhn(luhn(f"{number:08d}") + "0001")
    defaults = {"name": name, "kind": kind, "department": "35"}
    return Organization.objects.get_or_create(siret=siret, defaults=defaults)[0]

now = timezone.now()
body = organization("Commune du banc d'essai", Organization.Kind.COMMUNE, 91000001)
company = organization("Banc d'essai Téléversement SARL", Organization.Kind.COMPANY, 91000002)
user, created = User.objects.get_or_create(
    email="depot@televersement.bench.invalid",
    defaults={"first_name": "Camille", "last_name": "Dépôt", "email_confirmed_at": now},
)
if created:
    user.set_unusable_password()
    user.save(update_fields=["password"])
Membership.objects.get_or_create(user=user, organization=company, defaults={"role": Membership.Role.MEMBER})
notice = NoticePage.objects.filter(slug="banc-televersement").first()
if notice is None:
    index = ensure_notice_index(HomePage.objects.order_by("path").first())
    notice = NoticePage(
        title="Banc d'essai : dépôt d'un gros pli", slug="banc-televersement", buyer=body, live=False,
        reference="BANC-TELEVERSEMENT", description="<p>Banc d'essai des dépôts.</p>", nature="services",
        procedure="open", main_cpv="90910000-9", department="35", estimated_value=Decimal("120000"),
        questions_deadline=now + datetime.timedelta(days=20), bids_deadline=now + datetime.timedelta(days=30),
        contact_name="Service de la commande publique", contact_email="marches@example.fr",
    )
    ensure_buyer_section(body, index).add_child(instance=notice)
    notice.save_revision().publish()
    notice.refresh_from_db()
# The deadline stays 30 days ahead, whenever the bench runs.
NoticePage.objects.filter(pk=notice.pk).update(bids_deadline=now + datetime.timedelta(days=30),
                                               questions_deadline=now + datetime.timedelta(days=20))
# The files of earlier runs go (the bid's limits: 50 files, 1 GiB), and so does their bid.
BidLog.objects.filter(company=company).delete()
Bid.objects.filter(company=company).delete()
Upload.objects.filter(owner=user).delete()
shutil.rmtree(Path(settings.MEDIA_ROOT) / "bids", ignore_errors=True)
bid = Bid.objects.create(notice=notice, company=company, submitted_by=user)
sealing.notice_key_for(notice)  # as the first upload to the notice would
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
print(json.dumps({
    "bid": bid.pk, "notice": notice.pk, "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
    "csrf_cookie": settings.CSRF_COOKIE_NAME, "media_root": str(settings.MEDIA_ROOT),
    "max_chunk": settings.UPLOADS_MAX_CHUNK_BYTES, "read_bytes": settings.UPLOADS_READ_BYTES,
    "segment": sealing.SEGMENT_SIZE, "key_file": str(settings.SEALING_MASTER_KEY_FILE),
    "key_id": sealing.current_master_key().key_id,
}))
"""

# The BidFile each upload made (read from the database), then the bid emptied: its sealed files are deleted.
CHECK = """
import json
from pathlib import Path
from django.core.files.storage import default_storage
from procurement.bid_uploads import delete_sealed
from procurement.models_bids import BidFile
from uploads.models import Upload

found = {}
for upload_id in %(uploads)r:
    bid_file = BidFile.objects.filter(upload_id=upload_id).first()
    if bid_file is not None:
        path = Path(default_storage.path(bid_file.sealed["name"]))
        found[upload_id] = {"sha256": bid_file.sha256, "size": bid_file.size,
                            "stored_bytes": path.stat().st_size if path.exists() else None}
for bid_file in BidFile.objects.filter(bid_id=%(bid)d):
    delete_sealed(bid_file.sealed)
    bid_file.delete()
Upload.objects.filter(metadata__bid=str(%(bid)d)).delete()
print(json.dumps(found))
"""


SETTINGS = {"module": "bench.settings"}  # --settings


def bench_env() -> dict:
    env = {k: v for k, v in pages.bench_env(VAR).items() if k not in UNSET}
    env["SEALING_MASTER_KEY_FILE"] = str(KEY_FILE)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS["module"]
    if os.environ.get("PYTHONPATH"):  # --settings from elsewhere
        env["PYTHONPATH"] += os.pathsep + os.environ["PYTHONPATH"]
    return env


def manage(*arguments: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        check=True,
        cwd=ROOT,
        env=bench_env(),
        capture_output=capture,
        text=True,
    )
    return done.stdout or ""


def shell(code: str) -> dict:
    """Run `code` with `manage.py shell` on the bench database; returns the JSON of its last line."""
    return json.loads(manage("shell", "-v", "0", "-c", code, capture=True).strip().splitlines()[-1])


def prepare() -> dict:
    (VAR / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise warns when it is missing
    manage("migrate", "--noinput", "-v", "0")
    manage("create_master_key", capture=True)  # never overwrites: the key of earlier runs stays
    seed = shell(PREPARE)
    if Path(seed["key_file"]) != KEY_FILE:
        raise SystemExit(f"the server would use the master key {seed['key_file']}, not the bench's {KEY_FILE}")
    return seed


# --- the file sent, and the ceiling ---------------------------------------------------------------------------


def make_source(path: Path, size: int) -> str:
    """A file of `size` bytes that a PDF check accepts (its first bytes), random after; returns its SHA-256."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        head = b"%PDF-1.7\n"
        out.write(head)
        digest.update(head)
        left = size - len(head)
        while left:
            block = os.urandom(min(8 * MIB, left))
            out.write(block)
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def copy_once(source: Path, target: Path, chunk: int) -> float:
    """Seconds to copy `source` to `target` in `chunk`-sized reads and writes, with an fsync at the end."""
    buffer = bytearray(chunk)
    view = memoryview(buffer)
    started = time.perf_counter()
    with open(source, "rb", buffering=0) as src, open(target, "wb", buffering=0) as out:
        while count := src.readinto(buffer):
            out.write(view[:count])
        os.fsync(out.fileno())
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def ceiling(source: Path, media_root: Path, chunk: int, runs: int = 3) -> float:
    """MiB/s of a plain write of the file's bytes to MEDIA_ROOT's disk (median of `runs`)."""
    size = source.stat().st_size
    target = media_root / "bench-ceiling.bin"
    return statistics.median(size / MIB / copy_once(source, target, chunk) for _ in range(runs))


# --- the server process: memory and CPU from /proc ------------------------------------------------------------


def proc_status(pid: int, field: str) -> int:
    """A size field of /proc/<pid>/status (VmRSS, VmHWM), in bytes; 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> bool:
    """Reset the process's VmHWM to its current RSS (Linux 4.0+); False where the kernel refuses."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Sampler(threading.Thread):
    """The RSS of `pid` every SAMPLE_EVERY seconds until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[int] = []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            self.samples.append(proc_status(self.pid, "VmRSS"))
            self.done.wait(SAMPLE_EVERY)

    def stop(self) -> list[int]:
        self.done.set()
        self.join()
        self.samples.append(proc_status(self.pid, "VmRSS"))
        return self.samples


# --- the tus client --------------------------------------------------------------------------------------------


class TusClient:
    """The requests uploads/resumable.js makes, over one keep-alive HTTP/1.1 connection (http.client)."""

    def __init__(self, port: int, seed: dict, chunk: int):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=900)
        self.chunk = chunk
        csrf = secrets.token_hex(16)  # a CSRF secret of 32 characters, as Django's cookie holds
        self.headers = {
            "Tus-Resumable": "1.0.0",
            "Cookie": f"{seed['cookie']}; {seed['csrf_cookie']}={csrf}",
            "X-CSRFToken": csrf,
            "Origin": f"http://{HOST}:{port}",
        }
        self.buffer = bytearray(min(chunk, MIB))  # what the client holds of the file at a time
        self.patch_seconds: list[float] = []

    def close(self):
        self.connection.close()

    def _answer(self, expected: int, what: str) -> http.client.HTTPResponse:
        response = self.connection.getresponse()
        body = response.read()
        if response.status != expected:
            raise SystemExit(f"{what}: {response.status} {body.decode(errors='replace')[:500]} (logs in {VAR})")
        return response

    def create(self, length: int, metadata: dict) -> str:
        encoded = ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in metadata.items())
        headers = {**self.headers, "Upload-Length": str(length), "Upload-Metadata": encoded, "Content-Length": "0"}
        self.connection.request("POST", f"/televersements/{PURPOSE}/", headers=headers)
        return self._answer(201, "creation").getheader("Location")

    def patch(self, location: str, source, offset: int, size: int) -> int:
        """Send `size` bytes of `source` from `offset`, read from disk piece by piece; returns the new offset."""
        started = time.perf_counter()
        connection = self.connection
        connection.putrequest("PATCH", location, skip_accept_encoding=True)
        headers = {
            **self.headers,
            "Content-Type": "application/offset+octet-stream",
            "Upload-Offset": str(offset),
            "Content-Length": str(size),
        }
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        view = memoryview(self.buffer)
        source.seek(offset)
        left = size
        while left:
            count = source.readinto(view[: min(len(view), left)])
            if not count:
                raise SystemExit("the source file is shorter than announced")
            connection.send(view[:count])
            left -= count
        new_offset = int(self._answer(204, f"PATCH at {offset}").getheader("Upload-Offset"))
        self.patch_seconds.append(time.perf_counter() - started)
        return new_offset

    def upload(self, path: Path, metadata: dict) -> str:
        """The whole file, chunk after chunk; returns the upload's id (the last part of its address)."""
        length = path.stat().st_size
        location = self.create(length, metadata)
        offset = 0
        with open(path, "rb", buffering=0) as source:
            while offset < length:
                offset = self.patch(location, source, offset, min(self.chunk, length - offset))
        return location.rstrip("/").rsplit("/", 1)[-1]


def metadata(seed: dict, name: str) -> dict:
    return {"filename": name, "filetype": "application/pdf", "bid": str(seed["bid"]), "lot": "0", "part": "offer"}


# --- one case: a fresh server, a warm-up, the measured upload ---------------------------------------------------


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_profiler(pid: int, name: str) -> subprocess.Popen | None:
    py_spy = Path(sys.executable).parent / "py-spy"  # the venv's, else one on the PATH
    py_spy = str(py_spy) if py_spy.exists() else shutil.which("py-spy")
    if py_spy is None:
        print("  --profile: py-spy is not installed (.venv/bin/pip install py-spy)", flush=True)
        return None
    output = VAR / f"profile-{name}.txt"
    # --idle: the time a thread waits (an fsync, the disk) counts, as it does for the upload's duration.
    command = [py_spy, "record", "-p", str(pid), "-f", "raw", "-o", str(output), "-r", "200", "--idle", "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summarize_profile(path: Path, top: int = 15) -> None:
    """Print the lines of the project's own code found in most of the samples taken while a PATCH was served."""
    project = re.compile(r"^(.*) \(((?:uploads|procurement|intranet|bench)/[^:]*):(\d+)\)$")
    counts: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any(frame.startswith("UploadView.patch ") for frame in frames):
            continue
        total += int(count)
        for frame in dict.fromkeys(frames):  # each line once per sample
            found = project.match(frame)
            if found:
                key = f"{found[2]}:{found[3]} {found[1]}"
                counts[key] = counts.get(key, 0) + int(count)
    print(f"  profile {path.name}: {total} samples in PATCHes; project lines in most of them:", flush=True)
    for key, count in sorted(counts.items(), key=lambda item: -item[1])[:top]:
        print(f"    {count / max(1, total):6.1%}  {key}", flush=True)


def server_ceiling(server: str, source: Path, seed: dict, chunk: int, runs: int = 3) -> float:
    """MiB/s of the same PATCHes sent to a bare ASGI app (bench/bare_upload.py) on the same server, which writes
    each body to MEDIA_ROOT and fsyncs it: what the server and the socket cost, no view can go below. Best of
    `runs`, each on a fresh process."""
    folder = Path(seed["media_root"]) / "bench-bare"
    best = 0.0
    for _ in range(runs):
        port = pages.free_port()
        env = {**bench_env(), "BENCH_BARE_UPLOAD_DIR": str(folder)}
        command = pages.server_command(server, port, app="bench.bare_upload:application")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            pages.wait_until_up(port, process)
            client = TusClient(port, seed, chunk)
            started = time.perf_counter()
            client.upload(source, {"filename": "plafond.pdf"})
            best = max(best, source.stat().st_size / MIB / (time.perf_counter() - started))
            client.close()
        finally:
            stop(process)
            shutil.rmtree(folder, ignore_errors=True)
    return best


def run_case(server: str, size_mib: int, source: Path, seed: dict, args: argparse.Namespace) -> tuple[dict, list]:
    """Upload `source` once to a fresh `server`; returns the row and the ids of the uploads made."""
    name = f"{server}-{size_mib}"
    chunk = args.chunk_mb * MIB
    ceiling_mib_s = ceiling(source, Path(seed["media_root"]), chunk)
    server_mib_s = server_ceiling(server, source, seed, chunk)
    warm = VAR / "warm-up.pdf"
    make_source(warm, WARMUP_BYTES)
    port = pages.free_port()
    log = open(VAR / f"{name}.log", "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(pages.server_command(server, port), cwd=ROOT, env=bench_env(), stdout=log, stderr=log)
    uploads = []
    profiler = None
    try:
        pages.wait_until_up(port, process)
        client = TusClient(port, seed, chunk)
        # Warm-up: the whole path once (views, sink, crypto, BidFile), with chunks smaller than the file.
        warm_client = TusClient(port, seed, MIB)
        uploads.append(warm_client.upload(warm, metadata(seed, "mise-en-route.pdf")))
        warm_client.close()
        time.sleep(0.5)
        load = os.getloadavg()
        baseline = proc_status(process.pid, "VmRSS")
        hwm_reset = reset_peak(process.pid)
        sampler = Sampler(process.pid)
        sampler.start()
        if args.profile:
            profiler = start_profiler(process.pid, name)
        cpu_before, client_cpu_before = cpu_seconds(process.pid), time.process_time()
        started = time.perf_counter()
        uploads.append(client.upload(source, metadata(seed, f"offre-{size_mib}-mio.pdf")))
        elapsed = time.perf_counter() - started
        cpu_used, client_cpu = cpu_seconds(process.pid) - cpu_before, time.process_time() - client_cpu_before
        samples = sampler.stop()
        hwm = proc_status(process.pid, "VmHWM") if hwm_reset else 0
        client.close()
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
            profiler = None
            summarize_profile(VAR / f"profile-{name}.txt")
    finally:
        if profiler is not None:
            profiler.kill()
        stop(process)
        log.close()
        warm.unlink(missing_ok=True)
    size = source.stat().st_size
    rate = size / MIB / elapsed
    peak = max(samples)
    return {
        "case": f"{server} {size_mib} MiB",
        "server": server,
        "size_mib": size_mib,
        "chunk_mib": args.chunk_mb,
        "patches": len(client.patch_seconds),
        "seconds": round(elapsed, 2),
        "mib_s": round(rate, 1),
        "ceiling_mib_s": round(ceiling_mib_s, 1),
        "ratio": round(rate / ceiling_mib_s, 3),
        "server_ceiling_mib_s": round(server_mib_s, 1),
        "server_ratio": round(rate / server_mib_s, 3),
        "patch_p50_s": round(statistics.median(client.patch_seconds[:-1] or client.patch_seconds), 3),
        "last_patch_s": round(client.patch_seconds[-1], 2),
        "server_cpu": round(cpu_used / elapsed, 2),
        "server_cpu_s_per_100mib": round(cpu_used / (size / MIB) * 100, 2),
        "client_cpu": round(client_cpu / elapsed, 2),
        "rss_base_mib": round(baseline / MIB, 1),
        "rss_peak_mib": round(peak / MIB, 1),
        "growth_mib": round((peak - baseline) / MIB, 1),
        "hwm_growth_mib": round((hwm - baseline) / MIB, 1) if hwm_reset else None,
        "rss_after_mib": round(samples[-1] / MIB, 1),
        "samples": len(samples),
        "load": [round(x, 2) for x in load],
    }, uploads


COLUMNS = [
    ("case", "case"),
    ("seconds", "seconds"),
    ("mib_s", "MiB/s"),
    ("ceiling_mib_s", "ceiling MiB/s"),
    ("ratio", "ratio"),
    ("server_ceiling_mib_s", "bare server MiB/s"),
    ("server_ratio", "ratio to bare"),
    ("patch_p50_s", "PATCH p50 s"),
    ("last_patch_s", "last PATCH s"),
    ("server_cpu", "server CPU"),
    ("rss_base_mib", "RSS base MiB"),
    ("growth_mib", "growth MiB"),
    ("hwm_growth_mib", "HWM growth MiB"),
    ("sha256_ok", "SHA-256"),
    ("load", "load avg"),
]


def print_table(rows: list[dict]) -> None:
    def cell(row, key):
        value = row.get(key, "")
        return " ".join(str(v) for v in value) if isinstance(value, list) else str(value)

    cells = [[cell(row, key) for key, _ in COLUMNS] for row in rows]
    widths = [max(len(title), *(len(c[i]) for c in cells)) for i, (_, title) in enumerate(COLUMNS)]
    print(" | ".join(title.ljust(w) for (_, title), w in zip(COLUMNS, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for line in cells:
        print(" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200", help="file sizes in MiB, comma-separated")
    parser.add_argument("--servers", default="uvicorn,daphne")
    parser.add_argument("--chunk-mb", type=int, default=8, help="MiB per PATCH (at most UPLOADS_MAX_CHUNK_BYTES)")
    parser.add_argument("--profile", action="store_true", help="py-spy on the server during each upload")
    parser.add_argument("--settings", default="bench.settings", help="another settings module, to try a change")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    SETTINGS["module"] = args.settings
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    seed = prepare()
    if args.chunk_mb * MIB > seed["max_chunk"]:
        raise SystemExit(f"--chunk-mb {args.chunk_mb}: the server takes at most {seed['max_chunk'] // MIB} MiB a PATCH")
    print(
        f"bid {seed['bid']} on notice {seed['notice']}, master key {seed['key_id']} ({seed['key_file']}); "
        f"PATCHes of {args.chunk_mb} MiB read by the view in pieces of {seed['read_bytes'] // MIB} MiB, sealed in "
        f"segments of {seed['segment'] // MIB} MiB; {os.cpu_count()} CPUs, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    rows = []
    for size_mib in sizes:
        source = VAR / f"source-{size_mib}.pdf"
        sha256 = make_source(source, size_mib * MIB)
        try:
            for server in servers:
                row, uploads = run_case(server, size_mib, source, seed, args)
                found = shell(CHECK % {"uploads": uploads, "bid": seed["bid"]}).get(uploads[-1])
                row["sha256_ok"] = bool(found and found["sha256"] == sha256 and found["size"] == size_mib * MIB)
                row["stored_bytes"] = found and found["stored_bytes"]
                rows.append(row)
                print(
                    f"  {row['case']}: {row['seconds']} s, {row['mib_s']} MiB/s ({row['ratio']} of the ceiling, "
                    f"{row['ceiling_mib_s']} MiB/s; {row['server_ratio']} of the bare server's "
                    f"{row['server_ceiling_mib_s']} MiB/s), last PATCH {row['last_patch_s']} s, server memory "
                    f"+{row['growth_mib']} MiB (high-water mark +{row['hwm_growth_mib']}), SHA-256 "
                    f"{'verified' if row['sha256_ok'] else 'MISMATCH'}, load {row['load'][0]}",
                    flush=True,
                )
                if not row["sha256_ok"]:
                    raise SystemExit(f"{row['case']}: the stored file's SHA-256 is not the one sent ({found})")
        finally:
            source.unlink(missing_ok=True)
    settings = {
        "sizes_mib": sizes,
        "servers": servers,
        "chunk_mib": args.chunk_mb,
        "profile": args.profile,
        "settings": args.settings,
    }
    OUTPUT.write_text(json.dumps({"settings": settings, "cpus": os.cpu_count(), "rows": rows}, indent=2) + "\n")
    print()
    print_table(rows)
    for row in rows:
        print(
            f"{row['case']}: throughput {row['ratio']:.2f} of the ceiling (goal ≥ 0.5: "
            f"{'met' if row['ratio'] >= 0.5 else 'not met'}; the bare server alone reaches "
            f"{row['server_ceiling_mib_s'] / row['ceiling_mib_s']:.2f} of it, the site {row['server_ratio']:.2f} of "
            f"the bare server), memory growth {row['growth_mib']} MiB (goal < 100: "
            f"{'met' if max(row['growth_mib'], row['hwm_growth_mib'] or 0) < 100 else 'not met'})"
        )
    print(f"\nWritten to {OUTPUT}")


if __name__ == "__main__":
    main()
