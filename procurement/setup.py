"""The notice list page and the Buyers group's permissions on it."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from intranet.actions.accounts import BUYERS_GROUP, EDITORS_GROUP
from procurement.models import NoticeIndexPage

INDEX_SLUG = "appels-d-offres"  # the main menu links there
BUYER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
# Platform editors help buyers fix a notice; publishing stays with the buyers.
EDITOR_PAGE_PERMISSIONS = ("change_page",)


def grant_buyer_permissions(index: NoticeIndexPage) -> None:
    """Buyers may add, edit and publish notices under the list page; `NoticePermissionTester`
    then narrows each notice to its own organization. Editors may change notices, not publish them."""
    grants = {BUYERS_GROUP: BUYER_PAGE_PERMISSIONS, EDITORS_GROUP: EDITOR_PAGE_PERMISSIONS}
    for group in Group.objects.filter(name__in=grants):
        for codename in grants[group.name]:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)


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
