"""Consultation documents (DCE): the buyers' page (add, replace, remove), downloads (one file or a
ZIP, anonymous or identified as the person chooses) and the download log with its CSV export.

Thin views: fetch and check through procurement.access, write through procurement.actions, render.
Upload views parse their files with procurement.uploads (size guard, hash while streaming): they
install it before the CSRF check reads the form, hence `csrf_exempt` outside and `csrf_protect` inside.
"""

import csv
import mimetypes
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from intranet.forms import apply_action
from intranet.text import spreadsheet_text
from procurement import access, dce, uploads
from procurement.actions import documents as document_actions
from procurement.actions.downloads import do_record_download
from procurement.forms_documents import AddDocumentForm, RemoveDocumentForm, ReplaceDocumentForm
from procurement.models import ConsultationDocument, DocumentVersion, Download

LOG_PAGE_SIZE = 100
IDENTITY_FIELD = "identity"
IDENTIFIED, ANONYMOUS = "identified", "anonymous"


# --- helpers ------------------------------------------------------------------------------------


def _too_large(form, handler) -> bool:
    if handler.too_large:
        form.add_error("file", document_actions.too_large_message())
        return True
    return False


def _manage_url(notice) -> str:
    return reverse("procurement:documents_manage", args=[notice.pk])


def _managed_document(notice, document_id) -> ConsultationDocument:
    return get_object_or_404(
        ConsultationDocument.objects.select_related("current"), notice=notice, pk=document_id, removed_at__isnull=True
    )


def _disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 5987/6266's filename* form."""
    fallback = "".join(ch for ch in name if 32 <= ord(ch) < 127 and ch not in '"\\;').strip() or "document"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _download_headers(response, name: str):
    response["Content-Disposition"] = _disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the buyers' page ---------------------------------------------------------------------------


def _manage_context(notice, form):
    documents = ConsultationDocument.objects.filter(notice=notice, removed_at__isnull=True).select_related("current")
    lots = list(notice.lots.all())
    return {
        "notice": notice,
        "groups": dce.document_groups(notice, documents, lots),
        "form": form,
        "needs_reason": document_actions.needs_reason(notice),
        "removed": ConsultationDocument.objects.filter(notice=notice, removed_at__isnull=False).select_related(
            "current"
        ),
    }


@csrf_exempt
@login_required
def documents_manage(request, notice_id):
    handler = uploads.install(request)
    return _documents_manage(request, notice_id, handler)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _documents_manage(request, notice_id, handler):
    notice = access.access_notice_for_buyer(request.user, notice_id)
    lots = list(notice.lots.all())
    if request.method == "POST":
        form = AddDocumentForm(request.POST, request.FILES, notice=notice, lots=lots)
        if not _too_large(form, handler) and form.is_valid():
            document = apply_action(
                form,
                lambda: document_actions.do_add_document(
                    notice,
                    title=form.cleaned_data["title"],
                    lot_number=form.cleaned_data["lot"],
                    upload=form.cleaned_data["file"],
                    reason=form.cleaned_data.get("reason", ""),
                    actor=request.user,
                    request=request,
                ),
            )
            if document is not None:
                messages.success(request, _("“%(title)s” was added to the documents.") % {"title": document.title})
                return HttpResponseRedirect(_manage_url(notice))
        status = 400
    else:
        form = AddDocumentForm(notice=notice, lots=lots)
        status = 200
    return render(request, "procurement/documents/manage.html", _manage_context(notice, form), status=status)


@csrf_exempt
@login_required
def document_replace(request, notice_id, document_id):
    handler = uploads.install(request)
    return _document_replace(request, notice_id, document_id, handler)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _document_replace(request, notice_id, document_id, handler):
    notice = access.access_notice_for_buyer(request.user, notice_id)
    document = _managed_document(notice, document_id)
    if request.method == "POST":
        form = ReplaceDocumentForm(request.POST, request.FILES, notice=notice)
        if not _too_large(form, handler) and form.is_valid():
            version = apply_action(
                form,
                lambda: document_actions.do_replace_document(
                    document,
                    upload=form.cleaned_data["file"],
                    reason=form.cleaned_data.get("reason", ""),
                    actor=request.user,
                    request=request,
                ),
            )
            if version is not None:
                messages.success(
                    request,
                    _("“%(title)s” was replaced: version %(number)s.")
                    % {"title": document.title, "number": version.number},
                )
                return HttpResponseRedirect(_manage_url(notice))
        status = 400
    else:
        form = ReplaceDocumentForm(notice=notice)
        status = 200
    context = {"notice": notice, "document": document, "form": form}
    return render(request, "procurement/documents/replace.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def document_remove(request, notice_id, document_id):
    notice = access.access_notice_for_buyer(request.user, notice_id)
    document = _managed_document(notice, document_id)
    if request.method == "POST":
        form = RemoveDocumentForm(request.POST, notice=notice)
        if form.is_valid():
            done = apply_action(
                form,
                lambda: (
                    document_actions.do_remove_document(
                        document, reason=form.cleaned_data.get("reason", ""), actor=request.user, request=request
                    )
                    or True
                ),
            )
            if done:
                messages.success(request, _("“%(title)s” was removed from the documents.") % {"title": document.title})
                return HttpResponseRedirect(_manage_url(notice))
        status = 400
    else:
        form = RemoveDocumentForm(notice=notice)
        status = 200
    context = {"notice": notice, "document": document, "form": form}
    return render(request, "procurement/documents/remove.html", context, status=status)


# --- downloads ----------------------------------------------------------------------------------


def _identified(request, notice):
    """GET is always anonymous. POST carries the person's choice; without one, nothing is sent.
    Returns True, False, or a redirect back to the notice with an error."""
    if request.method == "GET":
        return False
    choice = request.POST.get(IDENTITY_FIELD)
    if choice == ANONYMOUS:
        return False
    if choice == IDENTIFIED and access.can_download_identified(request.user):
        return True
    messages.error(
        request, _("Please choose whether to identify yourself or to download anonymously, then download again.")
    )
    back = notice.url if notice.live and notice.url else _manage_url(notice)
    return HttpResponseRedirect(f"{back}#documents")


@csrf_protect
@require_http_methods(["GET", "POST"])
def document_download(request, notice_id, document_id):
    """One document's current file, as an attachment with its original name."""
    notice = access.access_notice(request.user, notice_id)
    document = get_object_or_404(
        ConsultationDocument.objects.select_related("current"),
        notice=notice,
        pk=document_id,
        removed_at__isnull=True,
        current__isnull=False,
    )
    identified = _identified(request, notice)
    if isinstance(identified, HttpResponseRedirect):
        return identified
    version = document.current
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    do_record_download(notice, versions=[version], kind=Download.Kind.FILE, user=request.user, identified=identified)
    content_type = mimetypes.guess_type(version.filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=version.filename, content_type=content_type)
    return _download_headers(response, version.filename)


@csrf_protect
@require_http_methods(["GET", "POST"])
def dce_zip(request, notice_id):
    """The whole DCE, or one lot's documents (?lot=N), as a ZIP streamed while it is built."""
    notice = access.access_notice(request.user, notice_id)
    lot = request.GET.get("lot")
    if lot:
        try:
            lot_number = int(lot)
        except ValueError:
            raise Http404 from None
        documents = list(dce.current_documents(notice, lot_number))
    else:
        lot_number = None
        documents = list(dce.current_documents(notice))
    if not documents or (lot_number is not None and all(d.lot_number is None for d in documents)):
        raise Http404
    identified = _identified(request, notice)
    if isinstance(identified, HttpResponseRedirect):
        return identified
    entries = dce.zip_entries(documents)
    do_record_download(
        notice,
        versions=[version for _path, version in entries],
        kind=Download.Kind.ZIP,
        user=request.user,
        identified=identified,
    )
    response = StreamingHttpResponse(dce.zip_stream(entries), content_type="application/zip")
    return _download_headers(response, dce.zip_name(notice, lot_number))


# --- the download log ---------------------------------------------------------------------------


def _log_notice(request, notice_id):
    notice = access.access_notice(request.user, notice_id)
    if not access.can_see_download_log(request.user, notice):
        raise PermissionDenied
    return notice


def _identified_downloads(notice):
    versions = DocumentVersion.objects.select_related("document").order_by("document__lot_number", "document__title")
    return (
        Download.objects.filter(notice=notice)
        .filter(Q(user__isnull=False) | Q(organization__isnull=False))
        .select_related("user", "organization")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("-downloaded_at", "-pk")
    )


def _anonymous_count(notice) -> int:
    return Download.objects.filter(notice=notice, user__isnull=True, organization__isnull=True).count()


@login_required
@require_GET
def download_log(request, notice_id):
    """Who downloaded what and when (identified downloads), and how many anonymous downloads."""
    notice = _log_notice(request, notice_id)
    page = Paginator(_identified_downloads(notice), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "notice": notice,
        "page_obj": page,
        "downloads": page.object_list,
        "anonymous_count": _anonymous_count(notice),
    }
    return render(request, "procurement/documents/download_log.html", context)


class _Echo:
    def write(self, value):
        return value


def _paris(value) -> str:
    return timezone.localtime(value, timezone.get_default_timezone()).isoformat(timespec="seconds")


def _versions_text(download) -> str:
    return "; ".join(
        _("%(filename)s (version %(number)s)") % {"filename": version.filename, "number": version.number}
        for version in download.versions.all()
    )


def _csv_rows(notice):
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # spreadsheets then read the file as UTF-8
    yield writer.writerow(
        [
            _("Date and time (Paris)"),
            _("Name"),
            _("E-mail"),
            _("Company"),
            _("SIRET"),
            _("Download"),
            _("DCE version"),
            _("Files"),
        ]
    )
    for download in _identified_downloads(notice).iterator(chunk_size=500):
        user, organization = download.user, download.organization
        yield writer.writerow(
            spreadsheet_text(value)
            for value in (
                _paris(download.downloaded_at),
                user.get_full_name() if user else "",
                user.email if user else "",
                organization.name if organization else "",
                organization.siret if organization else "",
                download.get_kind_display(),
                download.dce_version,
                _versions_text(download),
            )
        )
    yield writer.writerow([_("Anonymous downloads"), _anonymous_count(notice)])


@login_required
@require_GET
def download_log_csv(request, notice_id):
    notice = _log_notice(request, notice_id)
    response = StreamingHttpResponse(_csv_rows(notice), content_type="text/csv; charset=utf-8")
    return _download_headers(response, f"telechargements-{dce.zip_name(notice)[4:-4]}.csv")
