"""Seed the @ctes subject classification (exchanges.reference.subjects), once: admins edit it afterwards."""

from django.db import migrations

from exchanges.reference.subjects import ensure_subjects


def seed(apps, schema_editor):
    ensure_subjects(apps.get_model("exchanges", "Subject"))


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
