"""Pages of the exchanges with the State (/echanges/). Thin: `exchanges.access` fetches and checks,
`exchanges.actions.acts` writes, the templates under exchanges/ render."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from exchanges import access, verification
from exchanges.actions import accounting
from exchanges.actions import acts as actions
from exchanges.forms import (
    ActForm,
    AnnexForm,
    AnswerForm,
    BatchForm,
    DecisionForm,
    MainDocumentForm,
    MessageForm,
    ObservationsForm,
    RegisterFilterForm,
)
from exchanges.models import AccountingBatch, AccountingFile, Act, ActFile, ActFollower, Authority, Transmitter
from intranet.forms import apply_action
from intranet.models import Membership, Organization
from intranet.text import spreadsheet_text

PER_PAGE = 50
# Drafts (not sent) first, then the latest transmissions: the order of the indexes act_register_order and
# act_inbox_order, so that a page of a register of 100,000 acts reads 50 rows instead of sorting them all.
LATEST_FIRST = (F("sent_at").desc(nulls_first=True), "-pk")
Status = Act.Status


def attempt(write) -> tuple[object, list[str]]:
    """Run an action that has no form (a button): its result, or None and the refusal's messages."""
    from django.core.exceptions import ValidationError

    try:
        return write(), []
    except ValidationError as error:
        return None, list(error.messages)


class IndexView(LoginRequiredMixin, View):
    """Where a person starts: the registers of their bodies, the inboxes of their authorities."""

    def get(self, request):
        user = request.user
        bodies = access.body_ids(user)
        authorities = list(Authority.objects.filter(pk__in=access.authority_ids(user)).select_related("organization"))
        if not bodies and not authorities:
            raise PermissionDenied
        # A prefecture or Treasury service is a body for the core, but sends no act: its people see its inbox only.
        organizations = Organization.objects.filter(pk__in=bodies).exclude(authorities__isnull=False).order_by("name")
        transmitting = access.transmitting_body_ids(user)
        return render(
            request,
            "exchanges/index.html",
            {
                "bodies": [
                    {
                        "organization": organization,
                        "transmits": organization.pk in transmitting,
                        "grants": access.can_grant(user, organization),
                    }
                    for organization in organizations
                ],
                "authorities": authorities,
            },
        )


def _filtered(queryset, form):
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q"):
        text = data["q"].strip()
        queryset = queryset.filter(Q(number__iexact=text) | Q(identifier__icontains=text) | Q(object__icontains=text))
    if data.get("nature"):
        queryset = queryset.filter(nature=data["nature"])
    if data.get("year"):
        queryset = queryset.filter(year=data["year"])
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    return queryset


def with_file_counts(batches):
    """Batches, latest first, with their number of files, of files to process and of files rejected."""
    status = AccountingFile.Status
    return batches.annotate(
        file_count=Count("files"),
        rejected=Count("files", filter=Q(files__status=status.REJECTED)),
        pending=Count("files", filter=Q(files__status=status.RECEIVED)),
    ).order_by("-sent_at", "-pk")


def _years(queryset) -> list[int]:
    return sorted(set(queryset.order_by().values_list("year", flat=True).distinct()), reverse=True)


class RegisterView(LoginRequiredMixin, View):
    """The register of one body's acts, for its people: filters, pages, and the same list as CSV."""

    def get(self, request, organization_id, export=False):
        if int(organization_id) not in access.body_ids(request.user):
            raise Http404
        organization = get_object_or_404(Organization, pk=organization_id)
        acts = Act.objects.filter(sender=organization)
        form = RegisterFilterForm(request.GET or None, years=_years(acts))
        acts = _filtered(acts, form).select_related("subject", "authority__organization").order_by(*LATEST_FIRST)
        query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
        if export:
            return _register_csv(organization, acts)
        page_obj = Paginator(acts, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "exchanges/register.html",
            {
                "organization": organization,
                "form": form,
                "page_obj": page_obj,
                "query_prefix": f"{query}&" if query else "",
                "query": query,
                "transmits": access.can_transmit(request.user, organization),
                "grants": access.can_grant(request.user, organization),
                "follows": ActFollower.objects.filter(organization=organization, user=request.user).exists(),
            },
        )

    def post(self, request, organization_id, export=False):
        """Follow or stop following the body's acts (told of every step)."""
        if int(organization_id) not in access.body_ids(request.user):
            raise Http404
        organization = get_object_or_404(Organization, pk=organization_id)
        follows = actions.do_follow(request.user, organization, request.POST.get("follow") == "1")
        if follows:
            text = _("You will be told of every step of the acts of %(name)s.")
        else:
            text = _("You will no longer be told of the acts of %(name)s.")
        messages.success(request, text % {"name": organization.name})
        return HttpResponseRedirect(reverse("exchanges:register", args=[organization.pk]))


CSV_COLUMNS = (
    "identifier",
    "number",
    "nature",
    "subject",
    "decision_date",
    "object",
    "signatory",
    "authority",
    "status",
    "sent_at",
    "acknowledged_at",
    "public",
)


def _register_csv(organization, acts) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Identifier"),
            _("Act number"),
            _("Nature"),
            _("Subject"),
            _("Date of decision"),
            _("Object"),
            _("Signatory"),
            _("Recipient authority"),
            _("Status"),
            _("Transmitted on"),
            _("Acknowledged on"),
            _("Public"),
        ]
    )
    local = timezone.localtime
    for act in acts.iterator(chunk_size=2000):
        writer.writerow(
            [
                act.identifier,
                act.number,
                act.get_nature_display(),
                spreadsheet_text(str(act.subject)),
                act.decision_date.isoformat(),
                spreadsheet_text(act.object),
                spreadsheet_text(act.signatory),
                act.authority.organization.name,
                act.get_status_display(),
                local(act.sent_at).strftime("%Y-%m-%d %H:%M") if act.sent_at else "",
                local(act.acknowledged_at).strftime("%Y-%m-%d %H:%M") if act.acknowledged_at else "",
                _("yes") if act.is_public else _("no"),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registre-actes-{organization.pk}.csv"'
    return response


class InboxView(LoginRequiredMixin, View):
    """The authority's inbox: the acts sent to it, those to acknowledge first."""

    def get(self, request, authority_id):
        if int(authority_id) not in access.authority_ids(request.user):
            raise Http404
        authority = get_object_or_404(Authority.objects.select_related("organization"), pk=authority_id)
        if authority.role == Authority.Role.ACCOUNTING:
            return self.accounting(request, authority)
        acts = Act.objects.filter(authority=authority).exclude(status=Status.DRAFT)
        statuses = [choice for choice in Status.choices if choice[0] != Status.DRAFT]
        form = RegisterFilterForm(request.GET or None, years=_years(acts), statuses=statuses)
        acts = _filtered(acts, form).select_related("sender", "subject").order_by(*LATEST_FIRST)
        to_acknowledge = Act.objects.filter(
            authority=authority, status__in=[Status.SENT, Status.CANCELLATION_SENT]
        ).count()
        query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
        page_obj = Paginator(acts, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "exchanges/inbox.html",
            {
                "authority": authority,
                "form": form,
                "page_obj": page_obj,
                "query_prefix": f"{query}&" if query else "",
                "to_acknowledge": to_acknowledge,
            },
        )

    def accounting(self, request, authority):
        batches = with_file_counts(AccountingBatch.objects.filter(authority=authority).select_related("sender"))
        if request.GET.get("a_traiter"):
            batches = batches.filter(files__status=AccountingFile.Status.RECEIVED).distinct()
        to_decide = AccountingFile.objects.filter(
            batch__authority=authority, status=AccountingFile.Status.RECEIVED
        ).count()
        page_obj = Paginator(batches, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "exchanges/accounting.html",
            {"authority": authority, "page_obj": page_obj, "to_decide": to_decide, "show_sender": True},
        )


class TransmitterFormView(LoginRequiredMixin, View):
    """A form sent for one of the bodies the person transmits for (403 for whoever transmits for none); GET shows
    it, with the body of `?organisme=` chosen."""

    form_class = None
    template_name = ""

    def senders(self, request):
        bodies = access.transmitting_body_ids(request.user)
        if not bodies:
            raise PermissionDenied
        return list(Organization.objects.filter(pk__in=bodies).order_by("name"))

    def get(self, request):
        wanted = request.GET.get("organisme")
        form = self.form_class(senders=self.senders(request), initial={"sender": wanted} if wanted else None)
        return render(request, self.template_name, {"form": form})


class ActCreateView(TransmitterFormView):
    """A new act: its fields first (a draft), then its files on the draft's page, then the transmission."""

    form_class = ActForm
    template_name = "exchanges/act_form.html"

    def post(self, request):
        form = ActForm(request.POST, senders=self.senders(request))
        act = None
        if form.is_valid():
            act = apply_action(
                form, lambda: actions.do_save_draft(request.user, form.cleaned_data["sender"], form.cleaned_data)
            )
        if act is None:
            return render(request, "exchanges/act_form.html", {"form": form})
        messages.success(request, _("The draft is saved: add the act's document and annexes, then transmit it."))
        return HttpResponseRedirect(reverse("exchanges:act", args=[act.pk]))


class ActMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.act = access.access_act(request.user, kwargs["act_id"])
        return super().dispatch(request, *args, **kwargs)

    def back(self, anchor: str = "") -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("exchanges:act", args=[self.act.pk]) + anchor)


class ActEditView(ActMixin, View):
    def get(self, request, act_id):
        access.require_transmitter(request.user, self.act)
        return render(request, "exchanges/act_form.html", {"form": ActForm(instance=self.act), "act": self.act})

    def post(self, request, act_id):
        access.require_transmitter(request.user, self.act)
        form = ActForm(request.POST, instance=self.act)
        done = None
        if form.is_valid():
            done = apply_action(
                form,
                lambda: actions.do_save_draft(request.user, self.act.sender, form.cleaned_data, act=self.act),
            )
        if done is None:
            return render(request, "exchanges/act_form.html", {"form": form, "act": self.act})
        messages.success(request, _("The draft is saved."))
        return self.back()


def act_context(request, act: Act, **forms) -> dict:
    user = request.user
    sender, recipient = access.is_sender(user, act), access.is_recipient(user, act)
    transmits = access.may_transmit_for(user, act)
    answers = access.may_answer_as_authority(user, act)
    files = list(act.files.select_related("event").order_by("pk"))
    events = list(act.events.order_by("at", "pk"))
    files_by_event: dict[int, list] = {}
    for stored in files:
        if stored.event_id:
            files_by_event.setdefault(stored.event_id, []).append(stored)
    for event in events:
        event.attached = files_by_event.get(event.pk, [])
    status = act.status
    context = {
        "act": act,
        "is_sender": sender,
        "is_recipient": recipient,
        "main_files": [f for f in files if f.role == ActFile.Role.MAIN],
        "annexes": [f for f in files if f.role == ActFile.Role.ANNEX],
        "events": events,
        "may_edit": transmits and act.is_draft,
        "may_cancel": transmits and status in actions.CANCELLABLE,
        "may_answer": transmits and status == Status.DOCUMENTS_REQUESTED,
        "may_acknowledge": answers and status in actions.ACKNOWLEDGEABLE,
        "may_request": answers and status in (Status.ACKNOWLEDGED, Status.OBSERVATIONS),
        "may_observe": answers and status in actions.UNDER_CONTROL,
        "may_refer": answers and status in actions.UNDER_CONTROL,
    }
    if context["may_edit"]:
        context.setdefault("main_form", MainDocumentForm())
        context.setdefault("annex_form", AnnexForm())
    if context["may_answer"]:
        context.setdefault("answer_form", AnswerForm())
    if context["may_cancel"]:
        context.setdefault("cancel_form", MessageForm(prefix="cancel", label=_("Reason for the cancellation")))
    if context["may_request"]:
        context.setdefault("request_form", MessageForm(prefix="request", label=_("Documents needed")))
    if context["may_observe"]:
        context.setdefault("observations_form", ObservationsForm(prefix="observations", label=_("Observations")))
    if context["may_refer"]:
        context.setdefault("refer_form", MessageForm(prefix="refer", label=_("Grounds of the referral")))
    context.update(forms)
    return context


class ActView(ActMixin, View):
    def get(self, request, act_id):
        return render(request, "exchanges/act.html", act_context(request, self.act))


class ActFilesView(ActMixin, View):
    """POST: the draft's main document, an annex, or the removal of one of its files."""

    def post(self, request, act_id):
        access.require_transmitter(request.user, self.act)
        if "remove" in request.POST:
            try:
                file_id = int(request.POST["remove"])
            except ValueError:
                raise Http404 from None
            _done, refused = attempt(lambda: actions.do_remove_file(request.user, self.act, file_id))
            if refused:
                messages.error(request, " ".join(refused))
            else:
                messages.success(request, _("The file is removed from the draft."))
            return self.back("#files")
        if "main" in request.POST:
            form = MainDocumentForm(request.POST, request.FILES)
            done = form.is_valid() and apply_action(
                form, lambda: actions.do_set_main_document(request.user, self.act, form.cleaned_data["main_document"])
            )
            if not done:
                return render(request, "exchanges/act.html", act_context(request, self.act, main_form=form), status=200)
            messages.success(request, _("The main document is saved."))
            return self.back("#files")
        form = AnnexForm(request.POST, request.FILES)
        done = form.is_valid() and apply_action(
            form,
            lambda: actions.do_add_annex(
                request.user, self.act, form.cleaned_data["annex"], form.cleaned_data["title"]
            ),
        )
        if not done:
            return render(request, "exchanges/act.html", act_context(request, self.act, annex_form=form))
        messages.success(request, _("The annex is added."))
        return self.back("#files")


class TransmitView(ActMixin, View):
    def post(self, request, act_id):
        access.require_transmitter(request.user, self.act)
        act, refused = attempt(lambda: actions.do_transmit(request.user, self.act, request=request))
        if act is None:
            return render(request, "exchanges/act.html", act_context(request, self.act, transmit_errors=refused))
        messages.success(
            request,
            _("Act transmitted on %(date)s under identifier %(identifier)s.")
            % {
                "date": timezone.localtime(act.sent_at).strftime("%d/%m/%Y %H:%M:%S"),
                "identifier": act.identifier,
            },
        )
        return self.back()


class DeleteDraftView(ActMixin, View):
    def post(self, request, act_id):
        access.require_transmitter(request.user, self.act)
        organization_id = self.act.sender_id
        _done, refused = attempt(lambda: actions.do_delete_draft(request.user, self.act))
        if refused:
            messages.error(request, " ".join(refused))
            return self.back()
        messages.success(request, _("The draft is deleted."))
        return HttpResponseRedirect(reverse("exchanges:register", args=[organization_id]))


# Each step posted from the act's page: the form (its prefix), the action, who may.
STEPS = {
    "accuser-reception": (None, "acknowledge"),
    "pieces": ("request", "request"),
    "observations": ("observations", "observe"),
    "defere": ("refer", "refer"),
    "reponse": ("answer", "answer"),
    "annulation": ("cancel", "cancel"),
}


class StepView(ActMixin, View):
    """POST: one step of the timeline, by the authority (acknowledge, request documents, observations, referral)
    or by the body (answer, cancel). A refused step shows the page again with what was typed."""

    def post(self, request, act_id, step):
        if step not in STEPS:
            raise Http404
        user, act = request.user, self.act
        if step in ("reponse", "annulation"):
            access.require_transmitter(user, act)
        else:
            access.require_recipient(user, act)
        if step == "accuser-reception":
            done, refused = attempt(lambda: actions.do_acknowledge(user, act, request=request))
            if done is None:
                messages.error(request, " ".join(refused))
                return self.back()
            messages.success(request, _("Acknowledgement of receipt recorded."))
            return self.back()
        if step == "reponse":
            form = AnswerForm(request.POST, request.FILES)
            done = form.is_valid() and apply_action(
                form,
                lambda: actions.do_answer_request(
                    user, act, form.cleaned_data["message"], form.cleaned_data["documents"], request=request
                ),
            )
            name = "answer_form"
        elif step == "observations":
            form = ObservationsForm(request.POST, request.FILES, prefix="observations", label=_("Observations"))
            done = form.is_valid() and apply_action(
                form,
                lambda: actions.do_send_observations(
                    user, act, form.cleaned_data["message"], form.cleaned_data["letter"], request=request
                ),
            )
            name = "observations_form"
        else:
            prefix, _kind = STEPS[step]
            labels = {
                "request": _("Documents needed"),
                "refer": _("Grounds of the referral"),
                "cancel": _("Reason for the cancellation"),
            }
            form = MessageForm(request.POST, prefix=prefix, label=labels[prefix])
            write = {
                "request": actions.do_request_documents,
                "refer": actions.do_refer,
                "cancel": actions.do_cancel,
            }[prefix]
            done = form.is_valid() and apply_action(
                form, lambda: write(user, act, form.cleaned_data["message"], request=request)
            )
            name = f"{prefix}_form"
        if not done:
            return render(request, "exchanges/act.html", act_context(request, act, **{name: form}))
        messages.success(request, _("Recorded and sent."))
        return self.back("#timeline")


class FileView(ActMixin, View):
    """A file of the act, for those who read it (and, for a public act, its main document for everyone: see
    PublicFileView)."""

    def get(self, request, act_id, file_id):
        stored = get_object_or_404(ActFile, pk=file_id, act=self.act)
        return _file_response(stored)


def _file_response(stored: ActFile) -> FileResponse:
    content_type = {"pdf": "application/pdf", "png": "image/png"}.get(stored.extension, "image/jpeg")
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=stored.filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class TransmittersView(LoginRequiredMixin, View):
    """The organization admin's page: who of the body may transmit acts."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organization = get_object_or_404(Organization, pk=kwargs["organization_id"])
            if not access.can_grant(request.user, self.organization):
                raise Http404 if self.organization.pk not in access.body_ids(request.user) else PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, organization_id):
        members = (
            Membership.objects.filter(organization=self.organization, status=Membership.Status.ACTIVE)
            .select_related("user")
            .order_by("user__last_name", "user__first_name", "user__email")
        )
        rights = {
            right.user_id: right
            for right in Transmitter.objects.filter(organization=self.organization).select_related("granted_by")
        }
        rows = [{"membership": m, "right": rights.get(m.user_id)} for m in members]
        return render(request, "exchanges/transmitters.html", {"organization": self.organization, "rows": rows})

    def post(self, request, organization_id):
        try:
            person_id = int(request.POST.get("user", ""))
        except ValueError:
            raise Http404 from None
        membership = get_object_or_404(
            Membership.objects.select_related("user"), organization=self.organization, user_id=person_id
        )
        if request.POST.get("grant") == "1":
            granted, refused = attempt(
                lambda: actions.do_grant(request.user, self.organization, membership.user, request=request)
            )
            if granted:
                messages.success(request, _("%(name)s may now transmit acts.") % {"name": membership.user})
            else:
                messages.error(request, " ".join(refused))
        else:
            actions.do_revoke(request.user, self.organization, membership.user, request=request)
            messages.success(request, _("%(name)s may no longer transmit acts.") % {"name": membership.user})
        return HttpResponseRedirect(reverse("exchanges:transmitters", args=[self.organization.pk]))


class VerifyView(View):
    """Public: anyone holding an act's identifier checks that its steps and files are in the chain, unaltered.
    Only fingerprints, steps and times are shown, never the act's object or files. Never kept by the page cache:
    a file altered on disk changes no table, and the check must read it again each time."""

    @method_decorator(never_cache)
    def get(self, request):
        identifier = (request.GET.get("identifiant") or "").strip()
        context = {"identifier": identifier}
        if identifier:
            act = verification.find_act(identifier)
            context["result"] = verification.verify_act(act) if act else None
            context["searched"] = True
        return render(request, "exchanges/verify.html", context)


class PublicActsView(View):
    """Public: a body's acts marked public, with their acknowledgement date; as a page and as JSON (open data)."""

    def get(self, request, organization_id, fmt="html"):
        organization = get_object_or_404(Organization, pk=organization_id)
        if not organization.is_member_body:
            raise Http404
        acts = access.public_acts(organization).select_related("subject").order_by("-acknowledged_at", "-pk")
        if fmt == "json":
            return JsonResponse(
                {
                    "organization": {"name": organization.name, "siren": organization.siret[:9]},
                    "acts": [
                        {
                            "identifier": act.identifier,
                            "number": act.number,
                            "nature": act.nature,
                            "nature_label": act.get_nature_display(),
                            "subject": act.subject.code,
                            "subject_label": act.subject.label,
                            "object": act.object,
                            "decision_date": act.decision_date.isoformat(),
                            "transmitted_at": act.sent_at.isoformat(),
                            "acknowledged_at": act.acknowledged_at.isoformat(),
                            "status": act.status,
                            "document": request.build_absolute_uri(reverse("exchanges:public_document", args=[act.pk])),
                        }
                        for act in acts
                    ],
                },
                json_dumps_params={"ensure_ascii": False, "indent": 1},
            )
        page_obj = Paginator(acts, PER_PAGE).get_page(request.GET.get("page"))
        return render(request, "exchanges/public_acts.html", {"organization": organization, "page_obj": page_obj})


class PublicDocumentView(View):
    def get(self, request, act_id):
        act = get_object_or_404(Act, pk=act_id, is_public=True, acknowledged_at__isnull=False)
        stored = act.files.filter(role=ActFile.Role.MAIN).first()
        if stored is None:
            raise Http404
        return _file_response(stored)


# --- accounting files for the Treasury -------------------------------------------------------------------


class AccountingView(LoginRequiredMixin, View):
    """A body's accounting batches and the status of each file, for its people."""

    def get(self, request, organization_id):
        if int(organization_id) not in access.body_ids(request.user):
            raise Http404
        organization = get_object_or_404(Organization, pk=organization_id)
        batches = with_file_counts(
            AccountingBatch.objects.filter(sender=organization).select_related("authority__organization")
        )
        page_obj = Paginator(batches, PER_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "exchanges/accounting.html",
            {
                "organization": organization,
                "page_obj": page_obj,
                "transmits": access.can_transmit(request.user, organization),
            },
        )


class BatchCreateView(TransmitterFormView):
    """A batch of PES files for the public accountant, checked whole before anything is sent."""

    form_class = BatchForm
    template_name = "exchanges/batch_form.html"

    def post(self, request):
        form = BatchForm(request.POST, request.FILES, senders=self.senders(request))
        batch = None
        if form.is_valid():
            data = form.cleaned_data
            batch = apply_action(
                form,
                lambda: accounting.do_send_batch(
                    request.user, data["sender"], data["authority"], data["files"], data["label"], request=request
                ),
            )
        if batch is None:
            return render(request, "exchanges/batch_form.html", {"form": form})
        messages.success(
            request,
            _("Batch %(reference)s sent: %(count)d file(s), each fingerprinted and recorded in the register.")
            % {"reference": batch.reference, "count": batch.files.count()},
        )
        return HttpResponseRedirect(reverse("exchanges:batch", args=[batch.pk]))


class BatchView(LoginRequiredMixin, View):
    """A batch: its files with their status; the accountant decides on each one here."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.batch = access.access_batch(request.user, kwargs["batch_id"])
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, forms=None):
        answers = access.may_answer_batch(request.user, self.batch)
        files = list(self.batch.files.order_by("pk"))
        for stored in files:
            if answers and stored.status == AccountingFile.Status.RECEIVED:
                stored.form = (forms or {}).get(stored.pk) or DecisionForm(prefix=f"file-{stored.pk}")
        return render(
            request,
            "exchanges/batch.html",
            {"batch": self.batch, "files": files, "answers": answers, "organization": self.batch.sender},
        )

    def get(self, request, batch_id):
        return self.render_page(request)

    def post(self, request, batch_id):
        if not access.may_answer_batch(request.user, self.batch):
            raise PermissionDenied
        try:
            stored = self.batch.files.get(pk=int(request.POST.get("file", "")))
        except (AccountingFile.DoesNotExist, ValueError):
            raise Http404 from None
        form = DecisionForm(request.POST, request.FILES, prefix=f"file-{stored.pk}")
        done = form.is_valid() and apply_action(
            form,
            lambda: accounting.do_decide(
                request.user,
                stored,
                form.cleaned_data["decision"],
                form.cleaned_data["reason"],
                form.cleaned_data["acknowledgement"],
                request=request,
            ),
        )
        if not done:
            return self.render_page(request, {stored.pk: form})
        messages.success(request, _("The decision on “%(name)s” is recorded.") % {"name": stored.filename})
        return HttpResponseRedirect(reverse("exchanges:batch", args=[self.batch.pk]))


class BatchFileView(LoginRequiredMixin, View):
    def get(self, request, batch_id, file_id, which="file"):
        batch = access.access_batch(request.user, batch_id)
        stored = get_object_or_404(AccountingFile, pk=file_id, batch=batch)
        field, name = (
            (stored.acknowledgement, stored.acknowledgement_filename)
            if which == "ack"
            else (stored.file, stored.filename)
        )
        if not field:
            raise Http404
        content_type = "application/pdf" if name.lower().endswith(".pdf") else "application/xml"
        try:
            handle = field.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response
