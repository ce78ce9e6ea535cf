"""Helpers of the group purchase tests (their fixtures are in tests/procurement/conftest.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from procurement.demo import minimal_pdf
from procurement.models_groups import GroupPurchase


def pdf_upload(name="convention.pdf", text="Convention constitutive du groupement"):
    return SimpleUploadedFile(name, minimal_pdf([text]), content_type="application/pdf")


def group_values(**overrides) -> dict:
    values = {
        "title": "Fournitures scolaires 2027",
        "purpose": "Papier, cahiers et petites fournitures pour les écoles des membres.",
        "nature": "supplies",
        "main_cpv": "30192700-8",
        "additional_cpv": "",
        "declaration_deadline": timezone.now() + datetime.timedelta(days=20),
        "reminder_days": 7,
        "admission": GroupPurchase.Admission.INVITATION,
        "share_details": False,
    }
    values.update(overrides)
    return values


def items(group):
    return list(group.items.order_by("position"))
