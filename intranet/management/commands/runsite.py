"""Run the whole site: an ASGI server (Daphne or uvicorn) and the background worker, stopped together."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from intranet.management.commands.seed_demo import format_logins

WILDCARD_HOSTS = {"0.0.0.0", "::", ""}  # noqa: S104 (what the developer asked to bind, not a default)


def server_command(server: str, host: str, port: int) -> list[str]:
    app = "intranet.asgi:application"
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", app, "--host", host, "--port", str(port), "--no-access-log"]
    return [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), app]


def allowed_host(host: str) -> str:
    """The Host header the server answers to: any when it listens on every interface, else its own."""
    if host in WILDCARD_HOSTS:
        return "*"
    return f"[{host}]" if ":" in host else host


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Command(BaseCommand):
    help = "Start the web server and the background worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
        parser.add_argument("--no-worker", action="store_true", help="Start the web server only.")
        parser.add_argument(
            "--worker-log",
            type=Path,
            default=None,
            help="Where the worker writes what it does (default: worker.log in VAR_DIR).",
        )

    def handle(self, *args, host, port, server, no_worker, worker_log, **options):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        # Links in e-mails point at this very server unless a public URL was configured.
        env.setdefault("WAGTAILADMIN_BASE_URL", f"http://{host}:{port}")
        # With DEBUG off, Django answers only the hosts it knows: this one too (read by the dev settings).
        env["DJANGO_ALLOWED_HOSTS"] = ",".join(filter(None, (env.get("DJANGO_ALLOWED_HOSTS"), allowed_host(host))))
        manage = str(settings.BASE_DIR / "manage.py")
        # Fixed argument lists (this interpreter, a module, validated host and port): no shell, no user input.
        children = {server: subprocess.Popen(server_command(server, host, port), env=env)}  # noqa: S603
        log_file = None
        if not no_worker:
            # The worker reports every task it runs (hundreds right after seeding) and prints the e-mails it
            # sends (console backend): to a file. Its warnings and errors still reach the console (LOG_FILE,
            # see LOGGING in the settings).
            worker_log = (worker_log or Path(settings.VAR_DIR) / "worker.log").resolve()
            worker_log.parent.mkdir(parents=True, exist_ok=True)
            log_file = worker_log.open("a", encoding="utf-8")
            children["worker"] = subprocess.Popen(  # noqa: S603
                [sys.executable, manage, "worker"], env={**env, "LOG_FILE": str(worker_log)}, stdout=log_file
            )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        shown_host = "[::1]" if host == "::1" else host
        self.stdout.write(f"\n{settings.SITE_NAME} runs at http://{shown_host}:{port}/ ({server}); Ctrl-C stops it.")
        if log_file is not None:
            self.stdout.write(f"Background tasks and the e-mails they send: {worker_log}")
        self.stdout.write("\n" + format_logins() + "\n")
        exit_code = 0
        try:
            while not stopping:
                dead = [name for name, child in children.items() if child.poll() is not None]
                if dead:
                    self.stderr.write(f"{', '.join(dead)} stopped (exit code {children[dead[0]].returncode}).")
                    if "worker" in dead:
                        self.stderr.write(f"Last lines of {worker_log}:\n{tail(worker_log)}")
                    exit_code = 1
                    break
                time.sleep(0.5)
        finally:
            self._stop_all(children)
            if log_file is not None:
                log_file.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if exit_code:
            sys.exit(exit_code)

    @staticmethod
    def _stop_all(children: dict[str, subprocess.Popen], grace: float = 10.0) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
