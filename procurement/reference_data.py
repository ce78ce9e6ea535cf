"""Public reference data read from `settings.REFERENCE_DATA_DIR` (never copied into the repository)."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from procurement.models import CPVCode

CPV_FILE = Path("cpv") / "cpv_en.json"
NOT_EU_CPV = {"99999999-9"}  # in the source file, but not an EU CPV code


def cpv_path(data_dir: Path | None = None) -> Path:
    return Path(data_dir or settings.REFERENCE_DATA_DIR) / CPV_FILE


def read_cpv(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        codes = json.load(handle)
    return {code: label for code, label in codes.items() if code not in NOT_EU_CPV}


@transaction.atomic
def load_cpv(path: Path) -> int:
    """Insert the codes missing from the table, update changed labels; returns how many were written."""
    codes = read_cpv(path)
    existing = dict(CPVCode.objects.values_list("code", "label"))
    new = [CPVCode(code=c, digits=c.split("-")[0], label=label) for c, label in codes.items() if c not in existing]
    changed = [
        CPVCode(code=c, digits=c.split("-")[0], label=label)
        for c, label in codes.items()
        if c in existing and existing[c] != label
    ]
    CPVCode.objects.bulk_create(new, batch_size=2000)
    CPVCode.objects.bulk_update(changed, ["label"], batch_size=2000)
    return len(new) + len(changed)
