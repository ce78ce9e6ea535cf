"""Validators for French identifiers: SIREN/SIRET (Luhn) and département codes."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Metropolitan départements (2A/2B for Corsica) and overseas ones.
DEPARTMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
# Their official names (INSEE's Code officiel géographique; the typographic apostrophe as in the EU's
# NUTS labels). Proper nouns, the same in every language of the interface.
DEPARTMENT_NAMES = {
    "01": "Ain",
    "02": "Aisne",
    "03": "Allier",
    "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes",
    "07": "Ardèche",
    "08": "Ardennes",
    "09": "Ariège",
    "10": "Aube",
    "11": "Aude",
    "12": "Aveyron",
    "13": "Bouches-du-Rhône",
    "14": "Calvados",
    "15": "Cantal",
    "16": "Charente",
    "17": "Charente-Maritime",
    "18": "Cher",
    "19": "Corrèze",
    "2A": "Corse-du-Sud",
    "2B": "Haute-Corse",
    "21": "Côte-d’Or",
    "22": "Côtes-d’Armor",
    "23": "Creuse",
    "24": "Dordogne",
    "25": "Doubs",
    "26": "Drôme",
    "27": "Eure",
    "28": "Eure-et-Loir",
    "29": "Finistère",
    "30": "Gard",
    "31": "Haute-Garonne",
    "32": "Gers",
    "33": "Gironde",
    "34": "Hérault",
    "35": "Ille-et-Vilaine",
    "36": "Indre",
    "37": "Indre-et-Loire",
    "38": "Isère",
    "39": "Jura",
    "40": "Landes",
    "41": "Loir-et-Cher",
    "42": "Loire",
    "43": "Haute-Loire",
    "44": "Loire-Atlantique",
    "45": "Loiret",
    "46": "Lot",
    "47": "Lot-et-Garonne",
    "48": "Lozère",
    "49": "Maine-et-Loire",
    "50": "Manche",
    "51": "Marne",
    "52": "Haute-Marne",
    "53": "Mayenne",
    "54": "Meurthe-et-Moselle",
    "55": "Meuse",
    "56": "Morbihan",
    "57": "Moselle",
    "58": "Nièvre",
    "59": "Nord",
    "60": "Oise",
    "61": "Orne",
    "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme",
    "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées",
    "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin",
    "68": "Haut-Rhin",
    "69": "Rhône",
    "70": "Haute-Saône",
    "71": "Saône-et-Loire",
    "72": "Sarthe",
    "73": "Savoie",
    "74": "Haute-Savoie",
    "75": "Paris",
    "76": "Seine-Maritime",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "79": "Deux-Sèvres",
    "80": "Somme",
    "81": "Tarn",
    "82": "Tarn-et-Garonne",
    "83": "Var",
    "84": "Vaucluse",
    "85": "Vendée",
    "86": "Vienne",
    "87": "Haute-Vienne",
    "88": "Vosges",
    "89": "Yonne",
    "90": "Territoire de Belfort",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d’Oise",
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}
# « 29 – Finistère »: every select and get_department_display() name the département, not a bare number.
DEPARTMENT_CHOICES = [(code, f"{code} – {DEPARTMENT_NAMES[code]}") for code in sorted(DEPARTMENTS)]

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
