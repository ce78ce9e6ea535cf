"""Signal handlers of the knowledge base (connected in KnowledgeConfig.ready)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from knowledge.models import KnowledgeIndexPage


@receiver(post_save, sender=KnowledgeIndexPage)
def give_writers_the_new_knowledge_base(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from knowledge.setup import give_writers_the_knowledge_base

        give_writers_the_knowledge_base(instance)
