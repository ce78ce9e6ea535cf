"""Validators for French identifiers: SIREN/SIRET (Luhn) and département codes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Metropolitan départements (2A/2B for Corsica) and overseas ones.
DEPARTMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
DEPARTMENT_CHOICES = [(code, code) for code in sorted(DEPARTMENTS)]

# La Poste's SIRETs (SIREN 356000000) use a different checksum (sum of digits divisible by 5),
# except its head office's, which follows Luhn.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    """Remove the spaces, dots and dashes people type inside a SIREN or SIRET."""
    return "".join(ch for ch in (value or "") if ch not in " .-\u00a0\u202f")


def validate_siren_or_siret(value: str) -> None:
    digits = normalize_siret(value)
    # isascii(): str.isdigit() also accepts other scripts' digits (fullwidth, Arabic-Indic...).
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in (9, 14):
        raise ValidationError(_("A SIREN has 9 digits and a SIRET 14 digits."), code="siret_length")
    if len(digits) == 14 and digits.startswith(LA_POSTE_SIREN) and digits != LA_POSTE_HEAD_OFFICE:
        if sum(int(c) for c in digits) % 5 == 0:
            return
        raise ValidationError(_("This SIRET number is not valid (check digit)."), code="siret_checksum")
    if not luhn_ok(digits):
        if len(digits) == 9:
            raise ValidationError(_("This SIREN number is not valid (check digit)."), code="siren_checksum")
        raise ValidationError(_("This SIRET number is not valid (check digit)."), code="siret_checksum")
    if len(digits) == 14 and not luhn_ok(digits[:9]):
        raise ValidationError(_("The SIREN inside this SIRET is not valid."), code="siren_checksum")


def validate_department(value: str) -> None:
    if value and value not in DEPARTMENTS:
        raise ValidationError(_("“%(value)s” is not a French département code."), params={"value": value})
