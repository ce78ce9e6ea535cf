"""The CPV list shipped in `procurement/reference/` (French and English labels): reading it, and writing it
to the `CPVCode` table (the migration `0008_load_cpv_codes` for new databases, `load_reference_data` after)."""

import gzip
import json
import unicodedata
from pathlib import Path

from django.apps import apps
from django.db import transaction

CPV_PATH = Path(__file__).resolve().parent / "reference" / "cpv_2008.json.gz"
CPV_FIELDS = ("digits", "label", "label_en", "search_fr", "search_en")

# Ligatures that Unicode decomposition keeps: buyers type "oeuvre" for « œuvre ».
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'"})


def cpv_path() -> Path:
    return CPV_PATH


def fold(text: str) -> str:
    """Lower case, no accents, no ligatures: « Main-d’Œuvre Bâtiment » → "main-d'oeuvre batiment"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def read_cpv(path: Path | None = None) -> dict[str, dict[str, str]]:
    """{"03000000-1": {"fr": "...", "en": "..."}} from the shipped list, or from `path` (.json or .json.gz)."""
    path = Path(path or CPV_PATH)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        codes = json.load(handle)
    for code, labels in codes.items():
        if not isinstance(labels, dict) or not labels.get("fr") or not labels.get("en"):
            raise ValueError(f"{path}: {code} needs a French and an English label ({{'fr': ..., 'en': ...}})")
    return codes


def cpv_row(code: str, label_fr: str, label_en: str) -> dict[str, str]:
    """A CPVCode's fields: its digits and the folded labels the picker searches come from the code and labels."""
    return {
        "code": code,
        "digits": code.split("-")[0],
        "label": label_fr,
        "label_en": label_en,
        "search_fr": fold(label_fr),
        "search_en": fold(label_en),
    }


@transaction.atomic
def load_cpv(path: Path | None = None) -> int:
    """Insert the missing codes and rewrite the changed ones (idempotent); returns how many were written.

    Codes absent from the file stay: notices may name a code a later list withdrew."""
    model = apps.get_model("procurement", "CPVCode")
    existing = {row[0]: row[1:] for row in model.objects.values_list("code", *CPV_FIELDS)}
    new, changed = [], []
    for code, labels in read_cpv(path).items():
        row = cpv_row(code, labels["fr"], labels["en"])
        if code not in existing:
            new.append(model(**row))
        elif existing[code] != tuple(row[name] for name in CPV_FIELDS):
            changed.append(model(**row))
    model.objects.bulk_create(new, batch_size=1000)
    model.objects.bulk_update(changed, CPV_FIELDS, batch_size=500)
    return len(new) + len(changed)
