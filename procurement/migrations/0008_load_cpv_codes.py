"""Every database gets the whole CPV list (9,454 codes, French and English labels) from `procurement/reference/`.

Before, the table was filled (English labels in `label`) only where someone ran `load_reference_data` with
a folder outside the repository. The rows are rewritten from the shipped list: nothing refers to this table
by key (notices store codes as text), so emptying it and inserting in bulk is the fast way. Codes of the
former English-only list that CPV 2008 does not have (three withdrawn ones) stay, since notices may name
them: their English label serves as both.

Reverse: the table is emptied.
"""

from django.db import migrations

from procurement.reference_data import cpv_row, read_cpv


def load_cpv_codes(apps, schema_editor):
    CPVCode = apps.get_model("procurement", "CPVCode")
    codes = read_cpv()
    withdrawn = [(code, label) for code, label in CPVCode.objects.values_list("code", "label") if code not in codes]
    CPVCode.objects.all().delete()
    rows = [CPVCode(**cpv_row(code, labels["fr"], labels["en"])) for code, labels in codes.items()]
    rows += [CPVCode(**cpv_row(code, label, label)) for code, label in withdrawn]
    CPVCode.objects.bulk_create(rows, batch_size=1000)


def remove_cpv_codes(apps, schema_editor):
    apps.get_model("procurement", "CPVCode").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("procurement", "0007_cpvcode_french_and_english_labels"),
    ]

    operations = [
        migrations.RunPython(load_cpv_codes, remove_cpv_codes, elidable=False),
    ]
