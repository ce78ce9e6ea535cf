"""Pages of group purchases (/groupements/). Thin: `procurement.access_groups` fetches and checks,
`procurement.actions.groups` writes, the templates under procurement/groups/ render."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from intranet.forms import apply_action
from intranet.models import Organization
from procurement import access_groups as access
from procurement import groups_export
from procurement.actions import groups as actions
from procurement.forms_groups import (
    AgreementForm,
    AwardedPriceForm,
    DeclarationForm,
    GroupForm,
    InviteForm,
    ItemFormSet,
    LotFormSet,
)
from procurement.models_groups import Declaration, GroupMember, GroupPurchase

Status = GroupMember.Status


def plain(value):
    """A decimal as a person would type it: 12.5 and 100, not 12.500 and 100.000 (nor 1E+2)."""
    if value is None:
        return None
    return value.quantize(1) if value == value.to_integral() else value.normalize()


class GroupView(LoginRequiredMixin, View):
    """A page of one group: `self.group` is fetched through access (404 for those who may not see it); with
    `coordinator_only`, 403 for those who see it without managing it."""

    coordinator_only = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            fetch = access.access_group_for_coordinator if self.coordinator_only else access.access_group
            self.group = fetch(request.user, kwargs["group_id"])
            self.load(request, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, request, **kwargs) -> None:
        """What else the page fetches through access, once the group is known."""

    def context(self, **extra) -> dict:
        return {"group": self.group, "is_coordinator": access.can_manage(self.request.user, self.group), **extra}

    def back(self, name: str = "groups:detail", anchor: str = "") -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse(name, args=[self.group.pk]) + anchor)


class GroupListView(LoginRequiredMixin, View):
    """The groups the person's bodies coordinate, belong to or are invited to, and the open calls."""

    def get(self, request):
        user = request.user
        bodies = access.body_ids(user)
        if not bodies and not access.core_access.is_platform_admin(user):
            raise PermissionDenied
        groups = (
            access.visible_groups(user)
            .select_related("coordinator", "notice")
            .annotate(member_count=Count("members", filter=Q(members__status=Status.JOINED), distinct=True))
            .order_by("declaration_deadline", "pk")
        )
        rows = {member.group_id: member for member in GroupMember.objects.filter(organization_id__in=bodies)}
        mine, calls, others = [], [], []
        for group in groups:
            group.my_member = rows.get(group.pk)
            group.coordinated = group.coordinator_id in bodies
            if group.coordinated or group.my_member is not None:
                mine.append(group)
            elif group.admission == GroupPurchase.Admission.OPEN:
                calls.append(group)
            else:  # a platform admin reads every group
                others.append(group)
        context = {"mine": mine, "calls": calls, "others": others, "can_create": access.can_create(user)}
        return render(request, "procurement/groups/list.html", {**context, "now": timezone.now()})


class GroupCreateView(LoginRequiredMixin, View):
    template_name = "procurement/groups/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.can_create(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = GroupForm(coordinators=access.coordinating_bodies(request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = GroupForm(request.POST, coordinators=access.coordinating_bodies(request.user))
        group = None
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "coordinator"}
            group = apply_action(
                form,
                lambda: actions.do_create_group(
                    request.user, form.cleaned_data["coordinator"], request=request, **values
                ),
            )
        if group is None:
            return render(request, self.template_name, {"form": form})
        messages.success(request, _("The group purchase is created. Add the agreement and the catalogue of items."))
        return HttpResponseRedirect(group.get_absolute_url())


class GroupEditView(GroupView):
    coordinator_only = True
    template_name = "procurement/groups/form.html"

    def get(self, request, group_id):
        return render(request, self.template_name, self.context(form=GroupForm(instance=self.group)))

    def post(self, request, group_id):
        form = GroupForm(request.POST, instance=GroupPurchase.objects.get(pk=self.group.pk))
        group = None
        if form.is_valid():
            group = apply_action(
                form, lambda: actions.do_update_group(request.user, self.group, request=request, **form.cleaned_data)
            )
        if group is None:
            return render(request, self.template_name, self.context(form=form))
        messages.success(request, _("The group purchase is saved."))
        return self.back()


class GroupDetailView(GroupView):
    template_name = "procurement/groups/detail.html"

    def get(self, request, group_id):
        group, user = self.group, request.user
        mine = access.memberships_of(user, group)
        for member in mine:
            member.may_sign = access.may_sign_for(user, member)
            member.may_declare = access.may_declare_for(user, member)
        admin_bodies = access.admin_body_ids(user)
        known = {member.organization_id for member in mine}
        may_request = [
            org for org in access.core_access.organizations_of(user) if org.pk in admin_bodies and org.pk not in known
        ]
        show_totals = access.can_see_totals(user, group)
        consolidation = actions.consolidate(group, member_ids=[]) if show_totals else None
        shares = []
        if consolidation is not None:
            shares = [total for total in consolidation.member_totals if total.member.organization_id in known]
        context = self.context(
            mine=mine,
            may_request=may_request if group.admission == GroupPurchase.Admission.OPEN else [],
            consolidation=consolidation,
            shares=shares,
            declarations_open=group.declarations_open(),
            members=group.members.filter(status=Status.JOINED).select_related("organization"),
            notice_awarded=bool(group.notice and actions.notice_awarded(group.notice)),
        )
        return render(request, self.template_name, context)


class AgreementView(GroupView):
    """GET: the agreement's PDF (whoever sees the group); POST: a new version (the coordinator)."""

    template_name = "procurement/groups/agreement.html"

    def get(self, request, group_id):
        if "televerser" in request.GET:
            if not access.can_manage(request.user, self.group):
                raise PermissionDenied
            return render(request, self.template_name, self.context(form=AgreementForm()))
        if not self.group.agreement:
            raise Http404
        response = FileResponse(
            self.group.agreement.open("rb"),
            as_attachment=True,
            filename=self.group.agreement_filename or "convention.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def post(self, request, group_id):
        if not access.can_manage(request.user, self.group):
            raise PermissionDenied
        form = AgreementForm(request.POST, request.FILES)
        done = None
        if form.is_valid():
            done = apply_action(
                form,
                lambda: actions.do_upload_agreement(
                    request.user, self.group, form.cleaned_data["agreement"], request=request
                ),
            )
        if done is None:
            return render(request, self.template_name, self.context(form=form))
        messages.success(request, _("The agreement is saved; members sign up to this version."))
        return self.back()


class CatalogueView(GroupView):
    coordinator_only = True
    template_name = "procurement/groups/catalogue.html"

    def _lot_initial(self):
        return [{"id": lot.pk, "number": lot.number, "title": lot.title} for lot in self.group.lots.all()]

    def _item_initial(self):
        return [
            {
                "id": item.pk,
                "designation": item.designation,
                "unit": item.unit,
                "lot": item.lot_id,
                "unit_price_estimate": plain(item.unit_price_estimate),
            }
            for item in self.group.items.all()
        ]

    def _render(self, lots_formset=None, items_formset=None):
        lots = list(self.group.lots.all())
        context = self.context(
            lots_formset=lots_formset or LotFormSet(prefix="lots", initial=self._lot_initial()),
            items_formset=items_formset
            or ItemFormSet(prefix="items", initial=self._item_initial(), form_kwargs={"lots": lots}),
            frozen=bool(self.group.notice_id),
        )
        return render(self.request, self.template_name, context)

    def get(self, request, group_id):
        return self._render()

    def post(self, request, group_id):
        lots = list(self.group.lots.all())
        if "save_lots" in request.POST:
            formset = LotFormSet(request.POST, prefix="lots", initial=self._lot_initial())
            if formset.is_valid():
                rows = [
                    {**form.cleaned_data, "delete": form.cleaned_data.get("DELETE", False)}
                    for form in formset.forms
                    if form.has_changed() and form.cleaned_data
                ]
                if self._apply(formset, lambda: actions.do_save_lots(request.user, self.group, rows, request=request)):
                    messages.success(request, _("The lots are saved."))
                    return self.back("groups:catalogue")
            return self._render(lots_formset=formset)
        formset = ItemFormSet(request.POST, prefix="items", initial=self._item_initial(), form_kwargs={"lots": lots})
        if formset.is_valid():
            by_pk = {lot.pk: lot for lot in lots}
            rows = [
                {
                    **form.cleaned_data,
                    "lot": by_pk.get(form.cleaned_data.get("lot")),
                    "delete": form.cleaned_data.get("DELETE", False),
                }
                for form in formset.forms
                if form.has_changed() and form.cleaned_data
            ]
            if self._apply(formset, lambda: actions.do_save_items(request.user, self.group, rows, request=request)):
                messages.success(request, _("The catalogue is saved."))
                return self.back("groups:catalogue")
        return self._render(items_formset=formset)

    @staticmethod
    def _apply(formset, write) -> bool:
        try:
            write()
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
            return False
        return True


class MembersView(GroupView):
    """The coordinator's page of members: who signed what and when, invitations, requests to decide."""

    coordinator_only = True
    template_name = "procurement/groups/members.html"

    def _candidates(self):
        taken = self.group.members.exclude(status=Status.DECLINED).values("organization_id")
        return Organization.objects.exclude(kind=Organization.Kind.COMPANY).exclude(pk__in=taken).order_by("name")

    def _render(self, form=None):
        members = list(
            self.group.members.select_related("organization", "invited_by").order_by("status", "organization__name")
        )
        return render(
            self.request,
            self.template_name,
            self.context(members=members, form=form or InviteForm(candidates=self._candidates())),
        )

    def get(self, request, group_id):
        return self._render()

    def post(self, request, group_id):
        decision = request.POST.get("decision")
        if decision == "withdraw":
            raw = request.POST.get("member", "")
            member = (
                self.group.members.select_related("organization").filter(pk=int(raw)).first() if raw.isdigit() else None
            )
            if member is None:
                raise Http404
            try:
                actions.do_withdraw_invitation(request.user, member, request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("The invitation of %(body)s is withdrawn.") % {"body": member.organization.name}
                )
            return self.back("groups:members")
        if decision in ("approve", "refuse"):
            member = (
                self.group.members.filter(pk=request.POST.get("member") or 0).first()
                if str(request.POST.get("member", "")).isdigit()
                else None
            )
            if member is None:
                raise Http404
            try:
                actions.do_decide_request(request.user, member, decision == "approve", request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    (
                        _("%(body)s is now a member.")
                        if decision == "approve"
                        else _("The request of %(body)s is refused.")
                    )
                    % {"body": member.organization.name},
                )
            return self.back("groups:members")
        form = InviteForm(request.POST, candidates=self._candidates())
        invited = None
        if form.is_valid():
            invited = apply_action(
                form,
                lambda: actions.do_invite(
                    request.user, self.group, form.cleaned_data["organizations"], request=request
                ),
            )
        if invited is None:
            return self._render(form)
        messages.success(
            request,
            ngettext("%(count)s body is invited.", "%(count)s bodies are invited.", len(invited))
            % {"count": len(invited)},
        )
        return self.back("groups:members")


class MembershipView(GroupView):
    """POST: a body's organization admin signs the agreement, declines the invitation, or asks to join."""

    def post(self, request, group_id):
        action = request.POST.get("action")
        try:
            if action == "request":
                raw = request.POST.get("organization", "")
                organization = Organization.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
                if organization is None:
                    raise Http404
                member = actions.do_request_to_join(request.user, self.group, organization, request=request)
                message = (
                    _("%(body)s is now a member.")
                    if member.status == Status.JOINED
                    else _("The request of %(body)s is sent to the coordinator.")
                ) % {"body": organization.name}
            else:
                raw = request.POST.get("member", "")
                member = (
                    self.group.members.select_related("organization").filter(pk=int(raw)).first()
                    if raw.isdigit()
                    else None
                )
                if member is None or action not in ("sign", "decline"):
                    raise Http404
                if action == "sign":
                    if request.POST.get("agree") != "on":
                        messages.error(request, _("Tick the box to sign up to the agreement."))
                        return self.back(anchor="#adhesion")
                    actions.do_sign(request.user, member, request=request)
                    message = _("%(body)s signed the agreement and is now a member.") % {
                        "body": member.organization.name
                    }
                else:
                    actions.do_decline(request.user, member, request=request)
                    message = _("The invitation is declined.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back(anchor="#adhesion")
        messages.success(request, message)
        return self.back()


class MyDeclarationView(GroupView):
    """The declaration form of the person's own body (the first one they may declare for)."""

    def get(self, request, group_id):
        for member in access.memberships_of(request.user, self.group):
            if access.may_declare_for(request.user, member):
                return HttpResponseRedirect(reverse("groups:declare", args=[self.group.pk, member.pk]))
        raise PermissionDenied


class DeclareView(GroupView):
    """A member body's needs, one line per item of the catalogue. Saving writes the lines this buyer changed; a
    line another buyer of the body changed meanwhile is shown again with both values, never overwritten."""

    template_name = "procurement/groups/declare.html"

    def load(self, request, **kwargs) -> None:
        self.member = access.access_member_declarations(request.user, self.group, kwargs["member_id"])
        self.may_write = access.may_declare_for(request.user, self.member)

    def _lines(self, data=None):
        items = list(self.group.items.select_related("lot"))
        current = {d.item_id: d for d in Declaration.objects.filter(member=self.member).select_related("updated_by")}
        lines = []
        for item in items:
            existing = current.get(item.pk)
            initial = {"version": existing.version if existing else 0}
            if existing:
                initial.update(
                    quantity=plain(existing.quantity),
                    delivery_site=existing.delivery_site,
                    wanted_from=existing.wanted_from,
                    wanted_until=existing.wanted_until,
                    comment=existing.comment,
                )
            form = DeclarationForm(data, prefix=f"item-{item.pk}", initial=initial)
            lines.append({"item": item, "form": form, "current": existing})
        return lines

    def _render(self, lines, conflicts=None):
        refusal = ""
        try:
            actions.check_declarations_open(self.group)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        context = self.context(
            member=self.member,
            lines=lines,
            refusal=refusal,
            conflicts=conflicts or {},
            read_only=bool(refusal) or not self.may_write,
        )
        return render(self.request, self.template_name, context)

    def get(self, request, group_id, member_id):
        return self._render(self._lines())

    def post(self, request, group_id, member_id):
        if not self.may_write:
            raise PermissionDenied
        lines = self._lines(request.POST)
        if not all(line["form"].is_valid() for line in lines):
            messages.error(request, _("Some lines could not be saved: see the messages beside them."))
            return self._render(lines)
        rows = []
        for line in lines:
            form = line["form"]
            if not [name for name in form.changed_data if name != "version"]:
                continue  # a line this buyer did not touch (its version may have moved: someone else's change)
            rows.append({"item": line["item"], **form.cleaned_data})
        try:
            result = actions.do_declare(request.user, self.member, rows, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self._render(lines)
        if result.conflicts:
            conflicts = {conflict.item.pk: conflict for conflict in result.conflicts}
            # The form again: what this buyer typed stays, beside the other change; lines written show as saved.
            fresh = {line["item"].pk: line for line in self._lines()}
            for line in lines:
                if line["item"].pk not in conflicts:
                    line["form"] = fresh[line["item"].pk]["form"]
                else:
                    line["current"] = fresh[line["item"].pk]["current"]
                    line["form"].data = line["form"].data.copy()
                    line["form"].data[line["form"].add_prefix("version")] = (
                        line["current"].version if line["current"] else 0
                    )
            messages.warning(
                request,
                ngettext(
                    "Lines saved: %(saved)s; one line was changed by someone else meanwhile: check it and save again.",
                    "Lines saved: %(saved)s; %(count)s lines were changed by someone else meanwhile: "
                    "check them and save again.",
                    len(conflicts),
                )
                % {"saved": result.saved + result.removed, "count": len(conflicts)},
            )
            return self._render(lines, conflicts=conflicts)
        if result.saved or result.removed:
            messages.success(
                request,
                ngettext("%(count)s line saved.", "%(count)s lines saved.", result.saved + result.removed)
                % {"count": result.saved + result.removed},
            )
        else:
            messages.info(request, _("Nothing was changed."))
        return HttpResponseRedirect(request.path)


class TableView(GroupView):
    """The consolidated table: totals per lot and per item for the coordinator and the members; the table by
    member for the coordinator (and the members, when it shares the detail)."""

    template_name = "procurement/groups/table.html"

    def get(self, request, group_id):
        user = request.user
        if not access.can_see_totals(user, self.group):
            raise PermissionDenied
        details = access.can_see_all_details(user, self.group)
        consolidation = actions.consolidate(self.group, member_ids=[])  # totals only: no line by line here
        return render(
            request,
            self.template_name,
            self.context(consolidation=consolidation, details=details),
        )


class ExportView(GroupView):
    def get(self, request, group_id, extension):
        if not access.can_see_all_details(request.user, self.group):
            raise PermissionDenied
        consolidation = actions.consolidate(self.group)
        name = groups_export.filename(self.group, extension)
        if extension == "csv":
            response = HttpResponse(groups_export.csv_text(consolidation), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                groups_export.xlsx_bytes(consolidation),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CreateNoticeView(GroupView):
    coordinator_only = True

    def post(self, request, group_id):
        try:
            notice = actions.do_create_notice(request.user, self.group, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back()
        messages.success(
            request,
            _("The draft call for tender %(reference)s is created: complete its dates and publish it.")
            % {"reference": notice.reference},
        )
        return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[notice.pk]))


class AwardedPricesView(GroupView):
    coordinator_only = True
    template_name = "procurement/groups/prices.html"

    def _forms(self, data=None):
        return [
            (item, AwardedPriceForm(data, prefix=f"item-{item.pk}", initial={"price": plain(item.awarded_unit_price)}))
            for item in self.group.items.select_related("lot")
        ]

    def _render(self, forms, error=""):
        refusal = ""
        if self.group.notice is None or not actions.notice_awarded(self.group.notice):
            refusal = _("Awarded prices can be entered once the call for tender is awarded.")
        return render(self.request, self.template_name, self.context(forms=forms, refusal=refusal, error=error))

    def get(self, request, group_id):
        return self._render(self._forms())

    def post(self, request, group_id):
        forms = self._forms(request.POST)
        if not all(form.is_valid() for _item, form in forms):
            return self._render(forms)
        prices = {item.pk: form.cleaned_data["price"] for item, form in forms if form.has_changed()}
        try:
            changed = actions.do_set_awarded_prices(request.user, self.group, prices, request=request)
        except ValidationError as error:
            return self._render(forms, error=" ".join(error.messages))
        messages.success(
            request, ngettext("%(count)s price saved.", "%(count)s prices saved.", changed) % {"count": changed}
        )
        return self.back()


class OpenWorkspaceView(GroupView):
    coordinator_only = True

    def post(self, request, group_id):
        try:
            workspace = actions.do_open_workspace(request.user, self.group, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.back()
        messages.success(request, _("The group's workspace is open to the members' buyers."))
        return HttpResponseRedirect(workspace.get_absolute_url())
