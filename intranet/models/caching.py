"""The record of content changes that the page cache keys on (intranet/page_cache.py)."""

from django.db import models


class ContentChange(models.Model):
    """One row per committed transaction that wrote content: the highest id is the content's generation.

    Rows are inserted inside the writing transaction, so other processes see the new generation exactly when
    they can see the change; inserts take no shared lock (unlike a counter row every writer would update). Old
    rows are pruned daily."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = "content change"


class PersonalChange(models.Model):
    """One row per committed transaction that wrote what a person sees of their own (read marks, notifications:
    `page_cache.PERSONAL_TABLES`): the highest id is the personal generation, part of the key of every page kept
    for a logged-in person. Pruned with the content changes."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = "personal change"
