"""haystack's `update_index` with a progress bar per model: how many documents are written, how fast, and when it
will end. `rebuild_index` runs this command too. Quiet with `-v 0`; haystack's own lines with `-v 2`.

With Whoosh the whole run goes through one writer, committed once at the end (`FrenchWhooshSearchBackend.writing`):
haystack commits each batch, and Whoosh merges the small segments at each commit, which made indexing 100,000
documents half as fast as writing them at once. What the run writes is searchable when it ends."""

import sys
import time
from contextlib import ExitStack

from haystack import connections as haystack_connections
from haystack.management.commands import update_index as haystack_update_index

BAR_WIDTH = 30


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def progress_line(label: str, done: int, total: int, elapsed: float) -> str:
    """« Guides [██████░░░░...]  60 % 600/1 000, 712 documents/s, 1 s left »."""
    share = done / total if total else 1.0
    filled = round(BAR_WIDTH * share)
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate else 0.0
    return (
        f"  {label} [{'█' * filled}{'░' * (BAR_WIDTH - filled)}] {share * 100:3.0f} % "
        f"{_number(done)}/{_number(total)}, {_number(rate)} documents/s, {_number(left)} s left"
    )


class Command(haystack_update_index.Command):
    help = "Freshens the search index, with a progress bar per model."

    def handle(self, **options):
        verbosity = int(options.get("verbosity", 1))
        real_do_update = haystack_update_index.do_update
        stream = self.stdout
        interactive = getattr(stream, "isatty", lambda: False)() or sys.stdout.isatty()
        started = {}

        def do_update(backend, index, qs, start, end, total, *args, **kwargs):
            label = str(index.get_model()._meta.verbose_name_plural).capitalize()
            began = started.setdefault(label, time.monotonic())
            result = real_do_update(backend, index, qs, start, end, total, *args, **kwargs)
            if verbosity >= 1:
                line = progress_line(label, end, total, time.monotonic() - began)
                if interactive:
                    stream.write("\r" + line, ending="\n" if end >= total else "")
                    stream.flush()
                else:
                    stream.write(line)
            return result

        haystack_update_index.do_update = do_update
        try:
            with ExitStack() as stack:
                if not options.get("workers"):  # haystack's worker processes have backends of their own
                    for alias in options.get("using") or haystack_connections.connections_info:
                        backend = haystack_connections[alias].get_backend()
                        if hasattr(backend, "writing"):
                            stack.enter_context(backend.writing())
                return super().handle(**options)
        finally:
            haystack_update_index.do_update = real_do_update
