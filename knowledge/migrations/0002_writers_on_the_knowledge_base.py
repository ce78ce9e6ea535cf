"""Wagtail's Editors and Moderators groups, and the moderation workflow, move from the root page (where
Wagtail's first migrations put them, reaching every page of the tree, every body's notices included)
to the knowledge index. The home page and the site's standard pages stay with platform admins."""

from django.db import migrations

KNOWLEDGE_PERMISSIONS = {
    "Editors": ("add_page", "change_page"),
    "Moderators": ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}


def move_to_the_knowledge_base(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    KnowledgeIndexPage = apps.get_model("knowledge", "KnowledgeIndexPage")

    roots = Page.objects.filter(depth=1).values("pk")
    GroupPagePermission.objects.filter(page_id__in=roots, group__name__in=KNOWLEDGE_PERMISSIONS).delete()
    root_workflows = WorkflowPage.objects.filter(page_id__in=roots)
    workflow_id = root_workflows.values_list("workflow_id", flat=True).first()
    index = KnowledgeIndexPage.objects.first()
    if index is not None:
        for group in Group.objects.filter(name__in=KNOWLEDGE_PERMISSIONS):
            for codename in KNOWLEDGE_PERMISSIONS[group.name]:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                GroupPagePermission.objects.get_or_create(group=group, page_id=index.pk, permission=permission)
        if workflow_id is not None:
            WorkflowPage.objects.get_or_create(page_id=index.pk, defaults={"workflow_id": workflow_id})
    root_workflows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(move_to_the_knowledge_base)]
