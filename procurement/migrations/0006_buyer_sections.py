"""One section per member body under the notice list, its notices moved into it.

Before: every body's notices were children of the list page, on which the "Buyers" and "Editors" groups
held rights that code narrowed to each body in some views only. After: each body's section holds its
notices, its own groups hold rights on it alone (publishers add/change/publish, editors change), and
nobody else holds any right under the list page. The old addresses (/appels-d-offres/<notice>/)
redirect permanently to the new ones (/appels-d-offres/<body>/<notice>/).

Tree rows are written as treebeard would (paths of 4 base-36 characters per level, depth, numchild,
url_path), with the historical models: the notices are leaves, so moving one is rewriting its row.
Irreversible: the sections carry the rights, and putting every body's notices back together would
undo the isolation this migration exists for.
"""

import uuid
from collections import defaultdict

from django.db import migrations
from django.utils import timezone
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect as CurrentRedirect

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
SECTION_PERMISSIONS = {"publishers": ("add_page", "change_page", "publish_page"), "editors": ("change_page",)}


def encode_step(number: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return digits.rjust(STEPLEN, "0")


def create_sections(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Site = apps.get_model("wagtailcore", "Site")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Organization = apps.get_model("intranet", "Organization")
    BodyGroup = apps.get_model("intranet", "BodyGroup")
    NoticeIndexPage = apps.get_model("procurement", "NoticeIndexPage")
    BuyerNoticesPage = apps.get_model("procurement", "BuyerNoticesPage")
    NoticePage = apps.get_model("procurement", "NoticePage")
    Redirect = apps.get_model("wagtailredirects", "Redirect")

    index = NoticeIndexPage.objects.first()
    if index is not None:
        # The old grants: every Buyers and Editors member had rights on every body's notices.
        GroupPagePermission.objects.filter(page_id=index.pk).delete()
    Group.objects.filter(name="Buyers").delete()
    if index is None:
        return  # a new database: sections are made with the list page (procurement.setup)

    children = Page.objects.filter(path__startswith=index.path, depth=index.depth + 1)
    last = children.order_by("-path").first()
    next_step = int(last.path[-STEPLEN:], 36) + 1 if last else 1
    used_slugs = set(children.values_list("slug", flat=True))
    section_type, _ = ContentType.objects.get_or_create(app_label="procurement", model="buyernoticespage")
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=["add_page", "change_page", "publish_page"]
        )
    }
    now = timezone.now()
    sections = {}
    for organization in Organization.objects.exclude(kind="company").order_by("pk"):
        slug = slugify(organization.name)[:60] or f"acheteur-{organization.pk}"
        if slug in used_slugs:
            slug = f"{slug}-{organization.pk}"
        used_slugs.add(slug)
        section = BuyerNoticesPage.objects.create(
            title=organization.name,
            draft_title=organization.name,
            slug=slug,
            content_type=section_type,
            path=index.path + encode_step(next_step),
            depth=index.depth + 1,
            numchild=0,
            url_path=f"{index.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            locale_id=index.locale_id,
            translation_key=uuid.uuid4(),
            organization=organization,
        )
        next_step += 1
        sections[organization.pk] = section
        for body_group in BodyGroup.objects.filter(organization=organization):
            for codename in SECTION_PERMISSIONS[body_group.kind]:
                GroupPagePermission.objects.get_or_create(
                    group_id=body_group.group_id, page_id=section.pk, permission=permissions[codename]
                )

    # Where each site serves the list page from: old and new addresses relative to the site's root.
    roots = [
        (site, Page.objects.get(pk=site.root_page_id).url_path)
        for site in Site.objects.all()
        if index.path.startswith(Page.objects.get(pk=site.root_page_id).path)
    ]
    moved = defaultdict(int)
    for notice in NoticePage.objects.filter(path__startswith=index.path, depth=index.depth + 1).order_by("path"):
        section = sections[notice.buyer_id]
        moved[section.pk] += 1
        old_url_path = notice.url_path
        Page.objects.filter(pk=notice.pk).update(
            path=section.path + encode_step(moved[section.pk]),
            depth=section.depth + 1,
            url_path=f"{section.url_path}{notice.slug}/",
        )
        for site, root_url_path in roots:
            old_path = CurrentRedirect.normalise_path(old_url_path[len(root_url_path) - 1 :])
            Redirect.objects.get_or_create(
                site=site,
                old_path=old_path,
                defaults={"redirect_page_id": notice.pk, "is_permanent": True, "automatically_created": True},
            )
    for section_pk, count in moved.items():
        Page.objects.filter(pk=section_pk).update(numchild=count)
    Page.objects.filter(pk=index.pk).update(numchild=len(sections))


class Migration(migrations.Migration):
    dependencies = [
        ("procurement", "0005_buyernoticespage"),
        ("intranet", "0009_body_groups"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_sections)]
