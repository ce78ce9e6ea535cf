"""The notice list page and one section per member body under it, on which that body's Wagtail groups
hold their rights: its buyers add, edit and publish its notices, its editors help edit them. Nobody
else holds any right under the list page (platform admins are superusers), so Wagtail's own
permission model keeps each body's drafts to itself everywhere in the admin."""

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import GroupPagePermission

from intranet.actions.accounts import ensure_body_groups
from intranet.models import BodyGroup, Organization
from procurement.models import BuyerNoticesPage, NoticeIndexPage

INDEX_SLUG = "appels-d-offres"  # the main menu links there
SECTION_PERMISSIONS = {
    BodyGroup.Kind.PUBLISHERS: ("add_page", "change_page", "publish_page"),
    # Editors of the body help its buyers fix a notice; publishing stays with the buyers.
    BodyGroup.Kind.EDITORS: ("change_page",),
}


def grant_section_permissions(section: BuyerNoticesPage) -> None:
    """The body's groups' rights on its section, and on nothing else (idempotent)."""
    groups = ensure_body_groups(section.organization)
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in={c for cs in SECTION_PERMISSIONS.values() for c in cs}
        )
    }
    for kind, codenames in SECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[kind], page=section, permission=permissions[codename]
            )


def _free_slug(index: NoticeIndexPage, organization: Organization) -> str:
    slug = slugify(organization.name)[:60] or f"acheteur-{organization.pk}"
    if BuyerNoticesPage.objects.child_of(index).filter(slug=slug).exists():
        slug = f"{slug}-{organization.pk}"
    return slug


def ensure_buyer_section(organization: Organization, index: NoticeIndexPage | None = None) -> BuyerNoticesPage:
    """The body's section of the notice list, created (published, with its groups' rights) if missing."""
    section = BuyerNoticesPage.objects.filter(organization=organization).first()
    if section is not None:
        return section
    if organization.is_company:
        raise ValueError(f"{organization} is a company: companies publish no notices")
    index = index or NoticeIndexPage.objects.get()
    with transaction.atomic():
        now = timezone.now()
        section = BuyerNoticesPage(
            title=organization.name,
            slug=_free_slug(index, organization),
            organization=organization,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        index.add_child(instance=section)
        grant_section_permissions(section)
    return section


def rename_buyer_section(organization: Organization) -> None:
    """The section's title follows the body's name; its slug stays, so notices keep their addresses."""
    BuyerNoticesPage.objects.filter(organization=organization).exclude(title=organization.name).update(
        title=organization.name, draft_title=organization.name
    )


def ensure_buyer_sections(index: NoticeIndexPage) -> None:
    """A section for every member body that has none yet."""
    for organization in Organization.objects.exclude(kind=Organization.Kind.COMPANY).filter(
        notice_section__isnull=True
    ):
        ensure_buyer_section(organization, index)


def ensure_notice_index(home) -> NoticeIndexPage:
    """The site's notice list (/appels-d-offres/), created and published under `home` if missing."""
    index = NoticeIndexPage.objects.first()
    if index is None:
        # Page content, in the site's language (management commands run with translations off).
        index = NoticeIndexPage(
            title="Appels d'offres",
            slug=INDEX_SLUG,
            intro="<p>Les consultations des organismes membres : recherchez, suivez, téléchargez les dossiers, "
            "posez vos questions.</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    return index
