"""Recording DCE downloads: the legal event history (arrêté of 22 March 2019).

The person chooses. Identified: who, for which company, which file versions. Anonymous: a row with
no user, no organization and no address, only counted; nothing else anywhere (no audit row, no
session value) links the download to anyone.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from intranet import access as core_access
from procurement import access
from procurement.models import DocumentVersion, Download, NoticePage


def downloader_organization(user):
    """The organization a download is recorded for: the person's company if any, else their first one."""
    organizations = core_access.organizations_of(user)
    companies = [organization for organization in organizations if organization.is_company]
    if companies:
        return companies[0]
    return organizations[0] if organizations else None


def do_record_download(
    notice: NoticePage, *, versions: list[DocumentVersion], kind: str, user=None, identified: bool = False
) -> Download:
    """One download of `versions` of `notice`'s DCE; identified only when the person chose it."""
    if identified and not access.can_download_identified(user):
        raise PermissionDenied
    with transaction.atomic():
        download = Download.objects.create(
            notice=notice,
            user=user if identified else None,
            organization=downloader_organization(user) if identified else None,
            kind=kind,
            dce_version=notice.dce_version,
        )
        download.versions.set(versions)
    return download
