from django.db import migrations, models
from django.db.models import F


def existing_messages_are_indexed(apps, schema_editor):
    # Messages stored so far were indexed one by one as they were saved.
    apps.get_model("workspaces", "Channel").objects.update(indexed_seq=F("last_seq"))


class Migration(migrations.Migration):
    dependencies = [
        ("workspaces", "0002_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="channel",
            name="indexed_seq",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(existing_messages_are_indexed, migrations.RunPython.noop),
    ]
