"""Run the whole site: an ASGI server (Daphne or uvicorn) and the background worker, stopped together."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from intranet.management.commands.seed_demo import format_logins


def server_command(server: str, host: str, port: int) -> list[str]:
    app = "intranet.asgi:application"
    if server == "uvicorn":
        return [sys.executable, "-m", "uvicorn", app, "--host", host, "--port", str(port), "--no-access-log"]
    return [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), app]


class Command(BaseCommand):
    help = "Start the web server and the background worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
        parser.add_argument("--no-worker", action="store_true", help="Start the web server only.")

    def handle(self, *args, host, port, server, no_worker, **options):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        # Links in e-mails point at this very server unless a public URL was configured.
        env.setdefault("WAGTAILADMIN_BASE_URL", f"http://{host}:{port}")
        manage = str(settings.BASE_DIR / "manage.py")
        # Fixed argument lists (this interpreter, a module, validated host and port): no shell, no user input.
        children = {server: subprocess.Popen(server_command(server, host, port), env=env)}  # noqa: S603
        if not no_worker:
            children["worker"] = subprocess.Popen([sys.executable, manage, "worker"], env=env)  # noqa: S603

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        shown_host = "[::1]" if host == "::1" else host
        self.stdout.write(f"\n{settings.SITE_NAME} runs at http://{shown_host}:{port}/ ({server}); Ctrl-C stops it.\n")
        self.stdout.write(format_logins() + "\n")
        exit_code = 0
        try:
            while not stopping:
                dead = [name for name, child in children.items() if child.poll() is not None]
                if dead:
                    self.stderr.write(f"{', '.join(dead)} stopped (exit code {children[dead[0]].returncode}).")
                    exit_code = 1
                    break
                time.sleep(0.5)
        finally:
            self._stop_all(children)
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
