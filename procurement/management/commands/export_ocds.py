"""manage.py export_ocds OUTPUT.json: one OCDS release package of every published notice."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from procurement import ocds


class Command(BaseCommand):
    help = "Write one OCDS 1.1 release package of all published notices (streamed, notice batch by batch)."

    def add_arguments(self, parser):
        parser.add_argument("output", help="The file to write, or - for the standard output.")
        parser.add_argument(
            "--base-url",
            default=None,
            help="The site's address, for absolute URLs (default: WAGTAILADMIN_BASE_URL).",
        )
        parser.add_argument("--batch-size", type=int, default=100, help="Notices loaded at a time.")

    def handle(self, *args, output, base_url, batch_size, **options):
        base_url = (base_url or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
        uri = base_url + reverse("opendata:releases")
        releases = ocds.iter_releases(ocds.export_queryset(), base_url, batch_size=batch_size)
        if output == "-":
            count = ocds.write_package(sys.stdout, releases, uri=uri)
        else:
            with open(output, "w", encoding="utf-8") as stream:
                count = ocds.write_package(stream, releases, uri=uri)
            self.stderr.write(f"{count} releases written to {output}")
