"""Update the CPV table from the list shipped in `procurement/reference/` (or another file): idempotent.

New databases get the list from a migration; this brings an existing one up to date after the file changes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procurement.models import CPVCode
from procurement.reference_data import CPV_PATH, load_cpv


class Command(BaseCommand):
    help = "Update the CPV codes (French and English labels) from the list shipped with the application."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help=f'A CPV list, JSON or gzip-compressed JSON {{"code": {{"fr": ..., "en": ...}}}}. Default: {CPV_PATH}',
        )

    def handle(self, *args, path=None, **options):
        source = path or CPV_PATH
        if not source.exists():
            raise CommandError(f"No CPV list at {source}.")
        try:
            written = load_cpv(source)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"CPV codes: {written} written, {CPVCode.objects.count()} in the table.")
