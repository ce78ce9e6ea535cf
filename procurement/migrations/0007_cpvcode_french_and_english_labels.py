"""CPV codes get their official French label (in `label`) and their English one, and the folded forms the picker searches.

The next migration fills them from the list shipped in `procurement/reference/`."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procurement', '0006_buyer_sections'),
    ]

    operations = [
        migrations.AddField(
            model_name='cpvcode',
            name='label_en',
            field=models.CharField(blank=True, max_length=400, verbose_name='English label'),
        ),
        migrations.AddField(
            model_name='cpvcode',
            name='search_en',
            field=models.CharField(blank=True, editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name='cpvcode',
            name='search_fr',
            field=models.CharField(blank=True, editable=False, max_length=400),
        ),
        migrations.AlterField(
            model_name='cpvcode',
            name='label',
            field=models.CharField(max_length=400, verbose_name='French label'),
        ),
    ]
