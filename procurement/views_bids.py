"""Bids: the company's bid page (files, submission, receipt), the public receipt register with its verification,
and the buyers' opening register after the opening. Thin: `procurement.access` reads, `procurement.actions.bids`
writes."""

import csv

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from procurement import access, bid_uploads, sealing
from procurement.actions import bids as bid_actions
from procurement.models_bids import BidFile, BidLog, BidStatus, RegisterKind


def bid_page_url(notice) -> str:
    return reverse("procurement:bid", kwargs={"notice_id": notice.pk})


def _lot_choices(notice) -> list[tuple[int, str]]:
    lots = list(notice.lots.order_by("number"))
    if not lots:
        return [(0, _("Whole call for tender"))]
    return [(lot.number, _("Lot %(number)s: %(title)s") % {"number": lot.number, "title": lot.title}) for lot in lots]


def _refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class CompanyBidMixin(LoginRequiredMixin):
    """The notice (readable), and the refusal of anyone who may not bid (403 with the reason)."""

    def dispatch(self, request, *args, notice_id, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.notice = access.access_notice(request.user, notice_id)
        if not access.bidding_companies(request.user):
            raise PermissionDenied(_("Only company users submit bids."))
        return super().dispatch(request, *args, notice_id=notice_id, **kwargs)


class BidView(CompanyBidMixin, View):
    """GET: the company's bid on the notice (its submitted bid, its bid in preparation, the log).
    POST: start a bid in preparation (also to replace the submitted one)."""

    def get(self, request, notice_id):
        bids = list(access.company_bids(request.user, self.notice).prefetch_related("files").order_by("-created_at"))
        draft = next((bid for bid in bids if bid.status == BidStatus.DRAFT), None)
        submitted = next((bid for bid in bids if bid.status == BidStatus.SUBMITTED), None)
        company_ids = [company.pk for company in access.bidding_companies(request.user)]
        now = timezone.now()
        accepting = True
        refusal = ""
        try:
            bid_actions.check_accepting(self.notice, now)
        except ValidationError as error:
            accepting, refusal = False, _refusal_text(error)
        context = {
            "notice": self.notice,
            "draft": draft,
            "submitted": submitted,
            "earlier": [bid for bid in bids if bid.status in (BidStatus.REPLACED, BidStatus.WITHDRAWN)],
            "accepting": accepting,
            "refusal": refusal,
            "lots": _lot_choices(self.notice),
            "parts": BidFile.Kind.choices,
            "limits": bid_uploads.limits(),
            "endpoint": reverse("uploads:create", kwargs={"purpose": bid_uploads.PURPOSE}),
            "log": BidLog.objects.filter(notice=self.notice, company_id__in=company_ids).select_related("user")[:50],
            "now": now,
        }
        if request.GET.get("fragment") == "files" and draft:
            return render(request, "procurement/bids/files.html", context)
        return render(request, "procurement/bids/bid.html", context)

    def post(self, request, notice_id):
        try:
            bid_actions.start_bid(request.user, self.notice)
        except ValidationError as error:
            messages.error(request, _refusal_text(error))
        return HttpResponseRedirect(bid_page_url(self.notice) + "#preparation")


class RemoveBidFileView(CompanyBidMixin, View):
    def post(self, request, notice_id, bid_id, file_id):
        bid = access.access_company_bid(request.user, bid_id, self.notice)
        bid_file = bid.files.filter(pk=file_id if str(file_id).isdigit() else None).first()
        if bid_file is not None:
            try:
                bid_actions.remove_file(request.user, bid_file)
                messages.success(request, _("The file %(name)s was removed from your bid.") % {"name": bid_file.name})
            except ValidationError as error:
                messages.error(request, _refusal_text(error))
        return HttpResponseRedirect(bid_page_url(self.notice) + "#preparation")


class AbandonBidView(CompanyBidMixin, View):
    def post(self, request, notice_id, bid_id):
        bid = access.access_company_bid(request.user, bid_id, self.notice)
        try:
            bid_actions.abandon(request.user, bid)
            messages.success(request, _("Your bid in preparation was deleted."))
        except ValidationError as error:
            messages.error(request, _refusal_text(error))
        return HttpResponseRedirect(bid_page_url(self.notice))


class ConfirmBidView(CompanyBidMixin, View):
    """GET: what will be submitted, and the button. POST: submit (idempotent), then the receipt."""

    def _render(self, request, bid, refusal=""):
        context = {"notice": self.notice, "bid": bid, "refusal": refusal, "lots": dict(_lot_choices(self.notice))}
        return render(request, "procurement/bids/confirm.html", context, status=400 if refusal else 200)

    def get(self, request, notice_id, bid_id):
        bid = access.access_company_bid(request.user, bid_id, self.notice)
        if bid.status == BidStatus.SUBMITTED:
            return HttpResponseRedirect(reverse("procurement:bid_receipt", kwargs={"receipt_id": bid.receipt_id}))
        return self._render(request, bid)

    def post(self, request, notice_id, bid_id):
        bid = access.access_company_bid(request.user, bid_id, self.notice)
        try:
            bid = bid_actions.confirm(request.user, bid)
        except ValidationError as error:
            return self._render(request, bid, _refusal_text(error))
        messages.success(request, _("Your bid was submitted: here is your receipt, also sent by e-mail."))
        return HttpResponseRedirect(reverse("procurement:bid_receipt", kwargs={"receipt_id": bid.receipt_id}))


class WithdrawBidView(CompanyBidMixin, View):
    def get(self, request, notice_id, bid_id):
        bid = access.access_company_bid(request.user, bid_id, self.notice)
        return render(request, "procurement/bids/withdraw.html", {"notice": self.notice, "bid": bid})

    def post(self, request, notice_id, bid_id):
        bid = access.access_company_bid(request.user, bid_id, self.notice)
        try:
            bid_actions.withdraw(request.user, bid)
        except ValidationError as error:
            context = {"notice": self.notice, "bid": bid, "refusal": _refusal_text(error)}
            return render(request, "procurement/bids/withdraw.html", context, status=400)
        messages.success(request, _("Your bid was withdrawn: it will not be opened."))
        return HttpResponseRedirect(bid_page_url(self.notice))


class ReceiptView(LoginRequiredMixin, View):
    """The receipt of a bid, for its company's members only (404 to anyone else)."""

    def get(self, request, receipt_id):
        from procurement.views_practice import practice_context

        bid = access.access_receipt(request.user, receipt_id)
        context = {"bid": bid, "notice": bid.notice, "receipt": bid.receipt}
        context.update(practice_context(request.user, bid))
        return render(request, "procurement/bids/receipt.html", context)


class ReceiptPdfView(LoginRequiredMixin, View):
    def get(self, request, receipt_id):
        from procurement import receipts_pdf

        bid = access.access_receipt(request.user, receipt_id)
        response = HttpResponse(
            receipts_pdf.receipt_pdf(bid.receipt, bid.receipt_digest), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="accuse-de-reception-{bid.receipt_id}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class RegisterView(View):
    """The public receipt register of a notice, after its deadline: receipt identifiers, times, digests and the
    chain; and the verification of one receipt (its identifier and digest, as printed on it)."""

    def get(self, request, notice_id):
        notice = access.access_notice(request.user, notice_id)
        public = access.register_is_public(notice)
        entries = list(bid_actions.register_entries(notice)) if public else []
        kinds = dict(RegisterKind.choices)
        for entry in entries:
            entry.kind_label = kinds.get(entry.kind, entry.kind)
        chain = bid_actions.verify_register(notice) if public else None
        receipt_id = (request.GET.get("receipt") or "").strip().upper()
        digest = (request.GET.get("digest") or "").strip().lower()
        verification = None
        if public and receipt_id:
            verification = _verify(notice, chain, receipt_id, digest)
        context = {
            "notice": notice,
            "public": public,
            "entries": entries,
            "head": entries[-1].entry_hash if entries else "",
            "broken_at": chain.broken_at if chain else None,
            "truncated": chain.truncated if chain else False,
            "receipt_id": receipt_id,
            "digest": digest,
            "verification": verification,
        }
        return render(request, "procurement/bids/register.html", context)


def _verify(notice, chain, receipt_id: str, digest: str) -> dict:
    """What the register says of one receipt: found or not, its digest matching, the chain whole (`chain`: the
    register's verification)."""
    found = list(bid_actions.find_in_register(notice, receipt_id))
    matching = [entry for entry in found if entry.kind == RegisterKind.RECEIPT]
    if not matching:
        return {
            "ok": False,
            "message": _("No receipt with this identifier is in the register of this call for tender."),
        }
    entry = matching[0]
    if digest and digest != entry.digest:
        return {
            "ok": False,
            "entry": entry,
            "message": _("This receipt is in the register, but its digest differs: the receipt you hold was altered."),
        }
    if chain.broken_at is not None:
        return {
            "ok": False,
            "entry": entry,
            "message": _("The register's chain is broken at entry %(position)s: it was altered.")
            % {"position": chain.broken_at},
        }
    if chain.truncated:
        return {
            "ok": False,
            "entry": entry,
            "message": _("Entries were removed from the end of the register's chain: it was altered."),
        }
    withdrawn = any(e.kind == RegisterKind.WITHDRAWAL for e in found)
    message = _("Receipt found at entry %(position)s, recorded on %(time)s; the chain is whole.") % {
        "position": entry.position,
        "time": timezone.localtime(entry.recorded_at).strftime("%d/%m/%Y %H:%M:%S"),
    }
    if not digest:
        message += " " + _("Give the receipt's digest too to check that it was not altered.")
    if withdrawn:
        message += " " + _("This bid was withdrawn afterwards.")
    return {"ok": True, "entry": entry, "message": message}


class OpeningRegisterView(LoginRequiredMixin, View):
    """The buyers' opening register (registre des dépôts) after the opening: every bid with its time, receipt,
    files and hashes; as a page, CSV or PDF."""

    def get(self, request, notice_id, format="html"):
        notice = access.access_opened_notice(request.user, notice_id)
        bids = list(access.opened_bids(request.user, notice))
        last = bid_actions.register_entries(notice).last()
        head = last.entry_hash if last else ""
        if format == "csv":
            return _register_csv(notice, bids)
        if format == "pdf":
            from procurement import receipts_pdf

            rows = [_pdf_row(bid) for bid in bids]
            info = {
                "reference": notice.reference,
                "title": notice.title,
                "buyer": notice.buyer.name,
                "deadline": notice.bids_deadline.isoformat(),
            }
            opened_by = ""
            pdf = receipts_pdf.opening_register_pdf(info, rows, notice.opened_at.isoformat(), opened_by, head)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="registre-des-depots-{notice.pk}.pdf"'
            return response
        chain = bid_actions.verify_register(notice)
        context = {
            "notice": notice,
            "bids": bids,
            "head": head,
            "broken_at": chain.broken_at,
            "truncated": chain.truncated,
            "lots": dict(_lot_choices(notice)),
        }
        return render(request, "procurement/bids/opening_register.html", context)


def _pdf_row(bid) -> dict:
    return {
        "receipt": bid.receipt_id,
        "company": bid.company.name,
        "siret": bid.company.siret,
        "submitter": (bid.receipt.get("submitter") or {}).get("name", ""),
        "submitted_at": bid.confirmed_at.isoformat(),
        "status": bid.status,
        "lots": bid.lots,
        "files": [
            {
                "lot": f.lot_number,
                "part": f.kind,
                "name": f.name,
                "size": f.size,
                "sha256": f.sha256,
                "intact": f.intact,
            }
            for f in bid.files.all()
        ],
    }


def _register_csv(notice, bids) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registre-des-depots-{notice.pk}.csv"'
    response.write("\ufeff")  # spreadsheets then read it as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Receipt"),
            _("Submitted at"),
            _("Status"),
            _("Company"),
            _("SIRET"),
            _("Lot"),
            _("Part"),
            _("File"),
            _("Size (bytes)"),
            _("SHA-256"),
            _("Intact"),
        ]
    )
    for bid in bids:
        for bid_file in bid.files.all():
            writer.writerow(
                [
                    bid.receipt_id,
                    timezone.localtime(bid.confirmed_at).isoformat(),
                    bid.get_status_display(),
                    bid.company.name,
                    bid.company.siret,
                    bid_file.lot_number,
                    bid_file.get_kind_display(),
                    bid_file.name,
                    bid_file.size,
                    bid_file.sha256,
                    {True: _("yes"), False: _("NO"), None: ""}[bid_file.intact],
                ]
            )
    return response


class OpenedBidFileView(LoginRequiredMixin, View):
    """One file of an opened bid, decrypted as it streams, for the notice's buyers after the opening."""

    def get(self, request, notice_id, file_id):
        notice = access.access_opened_notice(request.user, notice_id)
        bid_file = access.access_opened_bid_file(request.user, notice, file_id)
        reader = sealing.SealedReader(notice, bid_file.sealed)
        response = StreamingHttpResponse(reader.chunks(), content_type=bid_file.content_type)
        response["Content-Length"] = str(bid_file.size)
        response["Content-Disposition"] = content_disposition_header(True, bid_file.name)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
