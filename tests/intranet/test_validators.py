"""French identifiers: SIREN/SIRET check digits (Luhn, La Poste's exception) and département codes."""

import pytest
from django.core.exceptions import ValidationError

from intranet.models import Organization
from intranet.validators import (
    DEPARTMENTS,
    luhn_ok,
    normalize_siret,
    validate_department,
    validate_siren_or_siret,
)
from tests.conftest import make_siret


def error_code(value):
    with pytest.raises(ValidationError) as caught:
        validate_siren_or_siret(value)
    return caught.value.code


@pytest.mark.parametrize(
    "value",
    [
        "732829320",  # SIREN
        "552100554",
        "55210055400013",  # SIRET
        "73282932000074",
        "21350238800019",  # a commune's SIRET
        "35600000000048",  # La Poste
        "35600000000001",  # La Poste: digit sum divisible by 5, although Luhn fails
    ],
)
def test_valid_identifiers_pass(value):
    validate_siren_or_siret(value)


@pytest.mark.parametrize("value", ["732 829 320", "552 100 554 00013", "552.100.554-00013", "552\u00a0100\u00a0554"])
def test_spaces_dots_and_dashes_are_tolerated(value):
    validate_siren_or_siret(value)


def test_normalize_siret_removes_separators():
    assert normalize_siret(" 552 100.554-00013\u202f") == "55210055400013"
    assert normalize_siret(None) == ""


def test_la_poste_siret_is_checked_with_its_own_rule():
    assert luhn_ok("35600000000014")
    assert error_code("35600000000014") == "siret_checksum"  # Luhn ok, digit sum not divisible by 5
    assert not luhn_ok("35600000000001")


@pytest.mark.parametrize(("value", "code"), [("732829321", "siren_checksum"), ("55210055400014", "siret_checksum")])
def test_wrong_check_digit_is_refused(value, code):
    assert error_code(value) == code


def test_siret_whose_siren_is_invalid_is_refused():
    # Find a 14-digit number that passes Luhn as a whole but whose first 9 digits do not.
    for suffix in range(100000):
        candidate = f"732829321{suffix:05d}"
        if luhn_ok(candidate):
            break
    assert error_code(candidate) == "siren_checksum"


@pytest.mark.parametrize("value", ["", "12345678", "1234567890", "1234567890123", "123456789012345", "7328293200007"])
def test_wrong_length_is_refused(value):
    assert error_code(value) == "siret_length"


@pytest.mark.parametrize(
    "value", ["73282932A", "ABCDEFGHI", "5521005540001O", "７３２８２９３２０", "73282932²", "-732829320"]
)
def test_letters_and_other_characters_are_refused(value):
    # "-" is a tolerated separator, so "-732829320" is valid; the others are not.
    if value == "-732829320":
        validate_siren_or_siret(value)
    else:
        assert error_code(value) == "siret_length"


@pytest.mark.parametrize("code", ["01", "19", "21", "2A", "2B", "95", "971", "972", "973", "974", "976", ""])
def test_known_departments_pass(code):
    validate_department(code)


@pytest.mark.parametrize("code", ["20", "00", "96", "975", "977", "2C", "2a", "1", "123", "35 "])
def test_unknown_departments_are_refused(code):
    with pytest.raises(ValidationError):
        validate_department(code)


def test_department_list_has_101_codes():
    # 94 metropolitan numbers (01-95 without 20), Corsica's two and five overseas.
    assert len(DEPARTMENTS) == 101 == len(set(DEPARTMENTS))


@pytest.mark.django_db
def test_organization_with_a_wrong_siret_does_not_validate():
    organization = Organization(name="Commune", kind=Organization.Kind.COMMUNE, siret="55210055400014")
    with pytest.raises(ValidationError) as caught:
        organization.full_clean()
    assert [e.code for e in caught.value.error_dict["siret"]] == ["siret_checksum"]


@pytest.mark.django_db
def test_organization_with_a_wrong_department_does_not_validate():
    organization = Organization(name="Commune", kind=Organization.Kind.COMMUNE, siret=make_siret(), department="20")
    with pytest.raises(ValidationError) as caught:
        organization.full_clean()
    assert "department" in caught.value.error_dict


@pytest.mark.django_db
def test_organization_siret_is_stored_without_spaces():
    organization = Organization.objects.create(name="Entreprise", kind="company", siret="552 100 554 00013")
    organization.refresh_from_db()
    assert organization.siret == "55210055400013"


@pytest.mark.django_db
def test_duplicate_siret_is_refused(make_org):
    make_org("Première", siret="55210055400013")
    duplicate = Organization(name="Seconde", kind=Organization.Kind.COMPANY, siret="55210055400013")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert [e.code for e in caught.value.error_dict["siret"]] == ["unique"]
