"""The knowledge base's writers: Wagtail's Editors group (the editor role of any body) adds and edits
guides, its Moderators group approves them through the "Moderators approval" workflow. Both hold
their rights on the knowledge index only: a right on the root would reach every body's notices."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from intranet.actions.accounts import EDITORS_GROUP
from knowledge.actions import MODERATORS_GROUP
from knowledge.models import KnowledgeIndexPage

MODERATION_WORKFLOW = "Moderators approval"
KNOWLEDGE_PERMISSIONS = {
    EDITORS_GROUP: ("add_page", "change_page"),
    MODERATORS_GROUP: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}


def give_writers_the_knowledge_base(index: KnowledgeIndexPage) -> None:
    """The groups' rights on `index` and its moderation workflow (idempotent)."""
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore",
            codename__in={c for codenames in KNOWLEDGE_PERMISSIONS.values() for c in codenames},
        )
    }
    for group in Group.objects.filter(name__in=KNOWLEDGE_PERMISSIONS):
        for codename in KNOWLEDGE_PERMISSIONS[group.name]:
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permissions[codename])
    workflow = Workflow.objects.filter(name=MODERATION_WORKFLOW).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
