"""Start-up check: sealed bids must stay openable (a lost or wrong master key is refused loudly)."""

import os
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError, transaction
from django.db.models import Count


@register()
def check_sealing_master_keys(app_configs, **kwargs):
    """One query: the master key ids that wrapped notice keys, against the keys configured."""
    from procurement.models_sealing import NoticeKey
    from procurement.sealing import ENV_MASTER_KEY, MasterKeyError, configured_master_keys

    try:
        with transaction.atomic():
            rows = NoticeKey.objects.order_by().values("master_key_id").annotate(n=Count("pk"))
            counts = {row["master_key_id"]: row["n"] for row in rows}
    except DatabaseError:  # no table yet (before migrate), or no database reachable: nothing sealed to check
        return []
    try:
        current, previous = configured_master_keys()
    except MasterKeyError as error:
        return [Error(str(error), hint="See README.md, “Sealed bids: keys”.", id="procurement.E101")]
    messages = []
    key_file = Path(settings.SEALING_MASTER_KEY_FILE)
    if current and not os.environ.get(ENV_MASTER_KEY, "").strip() and key_file.stat().st_mode & 0o077:
        messages.append(
            Warning(
                f"The master key file {key_file} is readable by others than its owner "
                f"(mode {stat.filemode(key_file.stat().st_mode)}).",
                hint=f"chmod 600 {key_file}",
                id="procurement.W101",
            )
        )
    if not counts:
        return messages
    total = sum(counts.values())
    if current is None and not previous:
        messages.append(
            Error(
                f"{total} notice key(s) of sealed bids exist but no master key is configured: "
                "their bids could never be opened.",
                hint=f"Set {ENV_MASTER_KEY} or restore the key file {key_file} (README.md, “Sealed bids: keys”). "
                "Do not create a new key: it would not open them.",
                id="procurement.E102",
            )
        )
        return messages
    configured = {key.key_id for key in previous} | ({current.key_id} if current else set())
    missing = sorted(key_id for key_id in counts if key_id not in configured)
    if missing:
        messages.append(
            Error(
                f"{sum(counts[key_id] for key_id in missing)} notice key(s) of sealed bids were wrapped with "
                f"master key(s) {', '.join(missing)}, which match none of the configured master keys "
                f"({', '.join(sorted(configured))}): their bids could not be opened.",
                hint="Configure the missing key (as the current key, or as a previous one in "
                "MARCHES_MASTER_KEY_PREVIOUS or SEALING_PREVIOUS_MASTER_KEY_FILES); README.md, “Sealed bids: keys”.",
                id="procurement.E103",
            )
        )
    elif current is None or any(key_id != current.key_id for key_id in counts):
        messages.append(
            Warning(
                "Some notice keys are wrapped with a previous master key only.",
                hint="Run `manage.py rotate_master_key`, then the previous key may be retired.",
                id="procurement.W102",
            )
        )
    return messages
