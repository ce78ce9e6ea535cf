"""manage.py create_master_key [--path FILE]: create the sealed bids' master key file (never overwrites)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from procurement.sealing import ENV_MASTER_KEY, read_master_key_file, write_master_key_file


class Command(BaseCommand):
    help = (
        "Create the platform master key file for sealed bids (32 random bytes, base64, mode 0600) if it does not "
        "exist; an existing file is never overwritten. Prints where it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            default=None,
            help="Where to create it (default: SEALING_MASTER_KEY_FILE); another path makes a key for a rotation.",
        )

    def handle(self, *args, path, **options):
        path = Path(path or settings.SEALING_MASTER_KEY_FILE).absolute()
        if write_master_key_file(path):
            key = read_master_key_file(path)
            self.stdout.write(
                f"Created the master key file {path} (mode 0600, key id {key.key_id}). Back it up apart from the "
                "database and the media folder: without it sealed bids can never be opened."
            )
        else:
            self.stdout.write(f"A master key file already exists at {path}: left as it is (never overwritten).")
        if os.environ.get(ENV_MASTER_KEY, "").strip():
            self.stderr.write(f"Note: {ENV_MASTER_KEY} is set and takes precedence over the key file.")
