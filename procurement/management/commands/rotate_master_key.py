"""manage.py rotate_master_key: re-wrap every notice private key with the current master key."""

from django.core.management.base import BaseCommand, CommandError

from procurement.sealing import MasterKeyError, current_master_key, rewrap_notice_keys


class Command(BaseCommand):
    help = (
        "Re-wrap every notice private key (sealed bids) with the current master key, in one transaction; keys "
        "already wrapped with it are left alone. The previous keys must still be configured "
        "(MARCHES_MASTER_KEY_PREVIOUS or SEALING_PREVIOUS_MASTER_KEY_FILES)."
    )

    def handle(self, *args, **options):
        try:
            key_id = current_master_key().key_id
            rewrapped, already = rewrap_notice_keys()
        except MasterKeyError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(
            f"Re-wrapped {rewrapped} notice key(s) with the master key {key_id}; "
            f"{already} were already wrapped with it."
        )
