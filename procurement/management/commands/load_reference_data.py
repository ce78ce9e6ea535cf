"""Load the CPV codes from the shared reference data folder (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from procurement.models import CPVCode
from procurement.reference_data import cpv_path, load_cpv


class Command(BaseCommand):
    help = "Load public reference data (CPV codes) from REFERENCE_DATA_DIR or --path."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=None, help=f"Default: {settings.REFERENCE_DATA_DIR}")

    def handle(self, *args, path=None, **options):
        source = cpv_path(path)
        if not source.exists():
            self.stderr.write(
                self.style.WARNING(
                    f"No CPV list at {source}: notices cannot be validated until it is loaded "
                    "(set REFERENCE_DATA_DIR or pass --path)."
                )
            )
            return
        written = load_cpv(source)
        self.stdout.write(f"CPV codes: {written} written, {CPVCode.objects.count()} in the table.")
