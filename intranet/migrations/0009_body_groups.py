"""Each member body's Wagtail groups (publishers: buyers and organization admins; editors), with their
active members in them. The procurement app then grants them rights on the body's notice section."""

from django.db import migrations

LABELS = {"publishers": "acheteurs", "editors": "rédaction"}
ROLES = {"publishers": ("buyer", "org_admin"), "editors": ("editor",)}
PERMISSIONS = (("wagtailadmin", "access_admin"), ("wagtaildocs", "choose_document"), ("wagtailimages", "choose_image"))


def create_body_groups(apps, schema_editor):
    Organization = apps.get_model("intranet", "Organization")
    Membership = apps.get_model("intranet", "Membership")
    BodyGroup = apps.get_model("intranet", "BodyGroup")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [
        permission
        for app_label, codename in PERMISSIONS
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    ]
    for organization in Organization.objects.exclude(kind="company"):
        for kind, label in LABELS.items():
            if BodyGroup.objects.filter(organization=organization, kind=kind).exists():
                continue
            group, _ = Group.objects.get_or_create(name=f"{organization.name[:100]} · {label} (#{organization.pk})")
            group.permissions.add(*permissions)
            BodyGroup.objects.create(organization=organization, kind=kind, group=group)
            users = Membership.objects.filter(organization=organization, status="active", role__in=ROLES[kind])
            group.user_set.add(*users.values_list("user_id", flat=True))


def remove_body_groups(apps, schema_editor):
    BodyGroup = apps.get_model("intranet", "BodyGroup")
    apps.get_model("auth", "Group").objects.filter(pk__in=BodyGroup.objects.values("group_id")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intranet", "0008_bodygroup"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_body_groups, remove_body_groups)]
