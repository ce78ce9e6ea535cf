"""Seed the @ctes subject classification (exchanges.reference.subjects), once: admins edit it afterwards."""

from django.db import migrations

from exchanges.reference.subjects import SUBJECTS


def sort_key(code: str) -> str:
    return ".".join(part.zfill(4) for part in code.split("."))


def seed(apps, schema_editor):
    Subject = apps.get_model("exchanges", "Subject")
    if Subject.objects.exists():
        return
    for code, label, children in SUBJECTS:
        heading = Subject.objects.create(code=code, label=label, sort_key=sort_key(code))
        Subject.objects.bulk_create(
            Subject(code=child, label=text, parent=heading, sort_key=sort_key(child)) for child, text in children
        )


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
