"""Editors choose promoted results for chosen searches (Wagtail's search promotions, « Résultats de recherche
améliorés » in the admin): the model permissions of the Editors group."""

from django.db import migrations

CODENAMES = ("add_searchpromotion", "change_searchpromotion", "delete_searchpromotion", "view_searchpromotion")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    editors, _ = Group.objects.get_or_create(name="Editors")
    promotion_type, _ = ContentType.objects.get_or_create(app_label="wagtailsearchpromotions", model="searchpromotion")
    for codename in CODENAMES:
        permission, _ = Permission.objects.get_or_create(
            content_type=promotion_type,
            codename=codename,
            defaults={"name": f"Can {codename.split('_')[0]} search promotion"},
        )
        editors.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="wagtailsearchpromotions", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_writers_on_the_knowledge_base"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
