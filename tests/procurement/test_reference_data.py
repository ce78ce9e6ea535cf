"""Reference data carried by the repository: the CPV list in French and English (loaded by a migration,
updated by `load_reference_data`), shown in the reader's language; départements shown by their names."""

import importlib
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import translation

from intranet.validators import DEPARTMENT_CHOICES, DEPARTMENT_NAMES, DEPARTMENTS
from procurement.actions.alerts import do_save_search
from procurement.filters import criteria_from_query
from procurement.models import CPVCode
from procurement.reference_data import CPV_PATH, fold, read_cpv

REPOSITORY = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def french_client(client):
    """A visitor who has not chosen English: the site's French (the procurement tests default to English)."""
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    return client


# --- the shipped CPV list --------------------------------------------------------------------------


def test_the_shipped_cpv_list_has_9454_codes_in_french_and_english():
    codes = read_cpv()
    assert CPV_PATH.is_relative_to(REPOSITORY / "procurement" / "reference")
    assert len(codes) == 9454
    assert all(re.fullmatch(r"\d{8}-\d", code) for code in codes)
    assert all(labels["fr"] and labels["en"] for labels in codes.values())
    assert codes["90911200-8"] == {"fr": "Services de nettoyage de bâtiments", "en": "Building-cleaning services"}
    assert (REPOSITORY / "procurement" / "reference" / "README.md").read_text().count("2011/833/EU") == 1


@pytest.mark.django_db
def test_a_fresh_database_has_the_whole_list_with_no_command_run():
    # The test database is built by the migrations alone.
    assert CPVCode.objects.count() == 9454
    cleaning = CPVCode.objects.get(code="90910000-9")
    assert (cleaning.label, cleaning.label_en) == ("Services de nettoyage", "Cleaning services")
    assert cleaning.digits == "90910000"
    assert (cleaning.search_fr, cleaning.search_en) == ("services de nettoyage", "cleaning services")


def migration_apps(name: str):
    return MigrationLoader(connection).project_state(("procurement", name)).apps


@pytest.mark.django_db
def test_the_migration_writes_the_list_keeps_withdrawn_codes_and_reverses():
    migration = importlib.import_module("procurement.migrations.0008_load_cpv_codes")
    apps = migration_apps("0008_load_cpv_codes")
    CPVCode.objects.all().delete()
    # A database loaded from the former English-only list: English in `label`, a code CPV 2008 withdrew.
    CPVCode.objects.create(code="90910000-9", digits="90910000", label="Cleaning services")
    CPVCode.objects.create(code="60173000-1", digits="60173000", label="Hire of trucks with driver")

    migration.load_cpv_codes(apps, None)

    assert CPVCode.objects.count() == 9455
    assert CPVCode.objects.get(code="90910000-9").label == "Services de nettoyage"
    withdrawn = CPVCode.objects.get(code="60173000-1")
    assert (withdrawn.label, withdrawn.label_en) == ("Hire of trucks with driver", "Hire of trucks with driver")
    migration.remove_cpv_codes(apps, None)
    assert not CPVCode.objects.exists()


@pytest.mark.django_db
def test_load_reference_data_is_idempotent_and_restores_changed_labels(capsys):
    call_command("load_reference_data")
    assert "0 written, 9454 in the table" in capsys.readouterr().out
    CPVCode.objects.filter(code="90910000-9").update(label="Nettoyage (modifié)", search_fr="")
    CPVCode.objects.filter(code="45233140-2").delete()

    call_command("load_reference_data")

    assert "2 written, 9454 in the table" in capsys.readouterr().out
    assert CPVCode.objects.get(code="90910000-9").search_fr == "services de nettoyage"
    assert CPVCode.objects.get(code="45233140-2").label == "Travaux routiers"


@pytest.mark.django_db
def test_load_reference_data_reads_another_file_and_refuses_a_list_without_french(tmp_path, capsys):
    other = tmp_path / "cpv.json"
    other.write_text(json.dumps({"90910000-9": {"fr": "Nettoyage", "en": "Cleaning"}}), encoding="utf-8")
    call_command("load_reference_data", "--path", str(other))
    assert "1 written" in capsys.readouterr().out
    assert CPVCode.objects.get(code="90910000-9").label == "Nettoyage"

    other.write_text(json.dumps({"90910000-9": "Cleaning services"}), encoding="utf-8")
    with pytest.raises(CommandError, match="French and an English label"):
        call_command("load_reference_data", "--path", str(other))
    with pytest.raises(CommandError, match="No CPV list"):
        call_command("load_reference_data", "--path", str(tmp_path / "absent.json"))


def test_folding_drops_case_accents_and_ligatures():
    assert fold("Main-d’Œuvre ÉLECTRICITÉ Bâtiments") == "main-d'oeuvre electricite batiments"
    assert fold("Cœur, Nævus, ça") == "coeur, naevus, ca"


# --- labels in the reader's language ---------------------------------------------------------------


@pytest.mark.django_db
def test_labels_follow_the_active_language_french_first():
    codes = ["90910000-9", "45233140-2", ""]
    with translation.override("fr"):
        assert CPVCode.labels(codes) == {"90910000-9": "Services de nettoyage", "45233140-2": "Travaux routiers"}
        assert CPVCode.objects.get(code="90910000-9").localized_label == "Services de nettoyage"
    with translation.override("en"):
        assert CPVCode.labels(codes) == {"90910000-9": "Cleaning services", "45233140-2": "Roadworks"}
        assert str(CPVCode.objects.get(code="90910000-9")) == "90910000-9 Cleaning services"
        assert CPVCode.labels(codes, "fr")["90910000-9"] == "Services de nettoyage"
    assert CPVCode.labels([]) == {}
    # A code with no English label (added by hand) shows its French one to English readers.
    CPVCode.objects.create(code="99999998-1", digits="99999998", label="Code d'essai")
    with translation.override("en"):
        assert CPVCode.labels(["99999998-1"]) == {"99999998-1": "Code d'essai"}


@pytest.mark.django_db
def test_a_french_notice_page_shows_the_french_cpv_labels(french_client, make_notice):
    notice = make_notice(main_cpv="90910000-9", additional_cpv="90911200-8", department="35")
    response = french_client.get(notice.url)
    page = response.content.decode()
    assert response.context["main_cpv_label"] == "Services de nettoyage"
    assert "Services de nettoyage" in page and "Services de nettoyage de bâtiments" in page
    assert "Cleaning services" not in page


@pytest.mark.django_db
def test_a_french_notice_page_names_its_departement(french_client, make_notice):
    notice = make_notice(department="35")
    assert "35 – Ille-et-Vilaine" in french_client.get(notice.url).content.decode()


@pytest.mark.django_db
def test_the_list_shows_french_labels_and_named_departements(french_client, make_notice, notice_index):
    make_notice(main_cpv="45233140-2", department="35")
    response = french_client.get(notice_index.url, {"department": "35"})
    page = response.content.decode()
    assert [n.main_cpv_label for n in response.context["notices"]] == ["Travaux routiers"]
    assert "45233140-2 – Travaux routiers" in page
    assert '<option value="35" selected>35 – Ille-et-Vilaine</option>' in page
    assert '<option value="2A">2A – Corse-du-Sud</option>' in page
    french_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = french_client.get(notice_index.url, {"department": "35"})
    assert [n.main_cpv_label for n in english.context["notices"]] == ["Roadworks"]


# --- départements ----------------------------------------------------------------------------------


def test_every_departement_has_its_name_in_the_choices():
    assert set(DEPARTMENT_NAMES) == set(DEPARTMENTS) and len(DEPARTMENT_CHOICES) == 101
    choices = dict(DEPARTMENT_CHOICES)
    assert (choices["29"], choices["2B"], choices["976"]) == ("29 – Finistère", "2B – Haute-Corse", "976 – Mayotte")
    # The names are those of the EU's NUTS level 3 French labels (eForms code list), apostrophes included.
    assert (choices["21"], choices["95"], choices["974"]) == ("21 – Côte-d’Or", "95 – Val-d’Oise", "974 – La Réunion")


@pytest.mark.django_db
def test_notices_alerts_and_feeds_name_the_departement(make_notice, company_member, client):
    notice = make_notice(department="35")
    assert notice.get_department_display() == "35 – Ille-et-Vilaine"
    assert "Département: 35 – Ille-et-Vilaine" in criteria_from_query("department=35").summary()
    alert = do_save_search(company_member, name="Rennes", query="department=35", notify=False)
    feed = client.get(reverse("procurement:alert_feed", args=[alert.feed_token]))
    (entry,) = ET.fromstring(feed.content).findall(f"{ATOM}entry")  # noqa: S314 - our own feed
    assert "Département: 35 – Ille-et-Vilaine." in entry.find(f"{ATOM}summary").text


# --- nothing outside the repository ----------------------------------------------------------------


def test_no_code_script_or_setting_reads_a_folder_outside_the_repository():
    # The folders beside the repository, relative or absolute, named from where the repository stands (on
    # a developer's machine the reference data sat in one of them; a cloner may have none).
    siblings = [entry.name for entry in REPOSITORY.parent.iterdir() if entry.resolve() != REPOSITORY.resolve()]
    paths = [re.escape(str(REPOSITORY.parent) + "/")] + [re.escape(os.pardir + "/" + name) for name in siblings]
    outside = re.compile("|".join(paths))
    names = {"Makefile", "run"}
    found = []
    for folder, subfolders, files in os.walk(REPOSITORY):
        subfolders[:] = [name for name in subfolders if name not in {".venv", "var", "node_modules", ".git"}]
        for name in files:
            if name.endswith((".py", ".toml", ".cfg", ".sh", ".ini")) or name in names:
                path = Path(folder) / name
                if outside.search(path.read_text(encoding="utf-8", errors="replace")):
                    found.append(str(path.relative_to(REPOSITORY)))
    assert found == []
    assert not hasattr(settings, "REFERENCE_DATA_DIR")
