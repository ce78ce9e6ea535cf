"""The notice form of the Wagtail admin: who it is for, CPV codes, dates, lots and amendments."""

import re
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminPageForm

from procurement.actions.publication import LOT_FIELDS, describe_changes, notice_snapshot, snapshot
from procurement.models import BuyerNoticesPage, CPVCode, NoticePage, Procedure
from procurement.templatetags.procurement_tags import paris_datetime

CPV_FULL = re.compile(r"^\d{8}-\d$")
CPV_NINE_DIGITS = re.compile(r"^\d{9}$")
CPV_EIGHT_DIGITS = re.compile(r"^\d{8}$")


def _split(text: str) -> list[str]:
    return [code for code in re.split(r"[\s,;]+", text or "") if code]


class CPVResolver:
    """Resolves typed CPV codes against the reference table in one query.

    Accepted: "45233140-2", "452331402", and "45233140" (no check digit) when exactly one code has
    these digits."""

    def __init__(self, typed: list[str]):
        self.by_code: dict[str, str] = {}
        self.by_digits: dict[str, list[str]] = {}
        self.loaded = CPVCode.objects.exists()
        full = set()
        digits = set()
        for code in typed:
            if CPV_FULL.match(code):
                full.add(code)
            elif CPV_NINE_DIGITS.match(code):
                full.add(f"{code[:8]}-{code[8]}")
            elif CPV_EIGHT_DIGITS.match(code):
                digits.add(code)
        if self.loaded and (full or digits):
            matches = CPVCode.objects.filter(Q(code__in=full) | Q(digits__in=digits))
            for code, code_digits in matches.values_list("code", "digits"):
                self.by_code[code] = code
                self.by_digits.setdefault(code_digits, []).append(code)

    def resolve(self, typed: str) -> str | None:
        if CPV_FULL.match(typed):
            return self.by_code.get(typed)
        if CPV_NINE_DIGITS.match(typed):
            return self.by_code.get(f"{typed[:8]}-{typed[8]}")
        if CPV_EIGHT_DIGITS.match(typed):
            matches = self.by_digits.get(typed, [])
            return matches[0] if len(matches) == 1 else None
        return None

    def check(self, typed_codes: list[str]) -> tuple[list[str], str | None]:
        """The codes normalized, and an error naming the unknown ones (or None)."""
        if not self.loaded:
            return typed_codes, _(
                "The list of CPV codes is not loaded, so codes cannot be checked: "
                "ask the administrator to run “manage.py load_reference_data”."
            )
        resolved, unknown = [], []
        for code in typed_codes:
            full = self.resolve(code)
            if full is None:
                unknown.append(code)
            else:
                resolved.append(full)
        if unknown:
            return typed_codes, ngettext(
                "Unknown CPV code: %(codes)s. Type the full code with its check digit, e.g. 45233140-2.",
                "Unknown CPV codes: %(codes)s. Type the full codes with their check digit, e.g. 45233140-2.",
                len(unknown),
            ) % {"codes": ", ".join(unknown)}
        return resolved, None


TEXTAREA_FIELDS = ("award_criteria", "amendment_reason")


def unix_line_endings(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def minimum_period_days(procedure: str) -> int:
    return int(getattr(settings, "PROCUREMENT_MINIMUM_PERIOD_DAYS", {}).get(procedure, 15))


def publication_date(notice: NoticePage, go_live_at=None):
    """When the notice is (or will be) published: its first publication, its scheduled one, or now."""
    return notice.first_published_at or go_live_at or timezone.now()


def short_period_warning(notice: NoticePage) -> str | None:
    """For an adapted procedure (MAPA): a period under the advised one is allowed, with a warning."""
    if notice.procedure != Procedure.ADAPTED or not notice.bids_deadline:
        return None
    advised = int(getattr(settings, "PROCUREMENT_ADVISED_MAPA_PERIOD_DAYS", 10))
    period = notice.bids_deadline - publication_date(notice, notice.go_live_at)
    if period >= timedelta(days=advised):
        return None
    return ngettext(
        "The period for bids is shorter than the %(days)s day advised for an adapted procedure: "
        "make sure companies have enough time to prepare their bids.",
        "The period for bids is shorter than the %(days)s days advised for an adapted procedure: "
        "make sure companies have enough time to prepare their bids.",
        advised,
    ) % {"days": advised}


class NoticePageForm(WagtailAdminPageForm):
    """Checks what a buyer types before a notice is saved; every refusal says what to change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.buyer_id is None and isinstance(getattr(self.parent_page, "specific", None), BuyerNoticesPage):
            # A notice belongs to the body whose section it is added to: no choice to make, none to forge.
            self.instance.buyer_id = self.parent_page.specific.organization_id
        if self.instance.first_published_at is None:
            # Nothing was announced yet, so nothing can be amended: the reason field comes with the first publication.
            self.fields.pop("amendment_reason", None)
        if "amendment_reason" in self.fields and not self.is_bound:
            # Each amendment has its own reason: the previous one's is not offered again, unless it
            # belongs to a draft not yet published.
            if not self.instance.has_unpublished_changes or not self.instance.pk:
                self.initial["amendment_reason"] = ""

    # --- fields -------------------------------------------------------------------------------

    # --- the whole form -----------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        lot_forms = self._lot_forms()
        self._clean_line_endings(cleaned, lot_forms)
        self._clean_reference(cleaned)
        self._clean_cpv(cleaned, lot_forms)
        self._clean_lot_numbers(lot_forms)
        self._clean_dates(cleaned)
        self._clean_amendment(cleaned, lot_forms)
        if cleaned.get("expire_at") and "expire_at" in self.fields:
            # The worker would unpublish it: a published notice stays on the record, it is cancelled.
            self.add_error(
                "expire_at",
                _("A call for tender is never withdrawn from publication: cancel it from its page instead."),
            )
        return cleaned

    def _lot_forms(self) -> list:
        """The lot forms that will be saved (not deleted, not left blank)."""
        formset = self.formsets.get("lots")
        if formset is None:
            return []
        formset.is_valid()  # cleans the lot forms now, so that their values can be checked together
        kept = []
        for form in formset.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if formset.can_delete and formset._should_delete_form(form):
                continue
            kept.append(form)
        return kept

    def _clean_line_endings(self, cleaned, lot_forms):
        """Browsers send textareas with CRLF line endings: stored with LF, as notices written in code are."""
        for name in TEXTAREA_FIELDS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = unix_line_endings(cleaned[name])
        for form in lot_forms:
            if isinstance(form.cleaned_data.get("description"), str):
                form.cleaned_data["description"] = unix_line_endings(form.cleaned_data["description"])
                form.instance.description = form.cleaned_data["description"]  # built before this check

    def _clean_reference(self, cleaned):
        buyer, reference = self.instance.buyer, (cleaned.get("reference") or "").strip()
        if not buyer or not reference:
            return
        cleaned["reference"] = reference
        taken = NoticePage.objects.filter(buyer=buyer, reference=reference)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            self.add_error(
                "reference",
                _("%(buyer)s already has a notice with the reference %(reference)s: choose another reference.")
                % {"buyer": buyer.name, "reference": reference},
            )

    def _clean_cpv(self, cleaned, lot_forms):
        main = (cleaned.get("main_cpv") or "").strip()
        additional = _split(cleaned.get("additional_cpv") or "")
        lot_codes = [(form, (form.cleaned_data.get("cpv") or "").strip()) for form in lot_forms]
        typed = ([main] if main else []) + additional + [code for _form, code in lot_codes if code]
        if not typed:
            return
        resolver = CPVResolver(typed)
        if main:
            (code,), error = resolver.check([main])
            if error:
                self.add_error("main_cpv", error)
            else:
                cleaned["main_cpv"] = code
        if additional:
            codes, error = resolver.check(additional)
            if error:
                self.add_error("additional_cpv", error)
            else:
                cleaned["additional_cpv"] = ", ".join(dict.fromkeys(codes))
        elif "additional_cpv" in cleaned:
            cleaned["additional_cpv"] = ""
        for form, typed_code in lot_codes:
            if not typed_code:
                continue
            (code,), error = resolver.check([typed_code])
            if error:
                form.add_error("cpv", error)
            else:
                form.cleaned_data["cpv"] = code
                form.instance.cpv = code  # the lot's instance was built before this check

    def _clean_lot_numbers(self, lot_forms):
        seen, duplicated = set(), []
        for form in lot_forms:
            number = form.cleaned_data.get("number")
            if number is None:
                continue
            if number in seen and number not in duplicated:
                duplicated.append(number)
            seen.add(number)
        if duplicated:
            message = ngettext(
                "Each lot needs its own number: %(numbers)s is used more than once.",
                "Each lot needs its own number: %(numbers)s are used more than once.",
                len(duplicated),
            ) % {"numbers": ", ".join(str(n) for n in duplicated)}
            self.formsets["lots"].non_form_errors().append(message)
            for form in lot_forms:
                if form.cleaned_data.get("number") in duplicated:
                    form.add_error("number", _("This number is used by another lot."))

    def _clean_dates(self, cleaned):
        questions, bids = cleaned.get("questions_deadline"), cleaned.get("bids_deadline")
        opening = cleaned.get("opening_date")
        now = timezone.now()
        published = self.instance.first_published_at is not None
        publication = publication_date(self.instance, cleaned.get("go_live_at"))
        if questions and bids and bids <= questions:
            self.add_error("bids_deadline", _("The deadline for bids must be after the deadline for questions."))
        if questions and not published and questions <= publication:
            self.add_error(
                "questions_deadline",
                _("The deadline for questions must be after the publication date (%(date)s).")
                % {"date": paris_datetime(publication)},
            )
        if bids and opening and opening < bids:
            self.add_error("opening_date", _("Bids cannot be opened before the deadline for bids."))
        if not bids or published:
            return
        if bids <= now:
            self.add_error("bids_deadline", _("The deadline for bids is in the past."))
            return
        if bids <= publication:
            self.add_error(
                "bids_deadline",
                _("The deadline for bids must be after the publication date (%(date)s).")
                % {"date": paris_datetime(publication)},
            )
            return
        procedure = cleaned.get("procedure")
        days = minimum_period_days(procedure) if procedure else 0
        if days and bids - publication < timedelta(days=days):
            self.add_error(
                "bids_deadline",
                ngettext(
                    "This procedure needs at least %(days)s day between publication and the deadline for bids; "
                    "the earliest possible deadline is %(date)s.",
                    "This procedure needs at least %(days)s days between publication and the deadline for bids; "
                    "the earliest possible deadline is %(date)s.",
                    days,
                )
                % {"days": days, "date": paris_datetime(publication + timedelta(days=days))},
            )

    def _clean_amendment(self, cleaned, lot_forms):
        """Once published, a change of announced details is an amendment: it needs a reason, and the
        deadline for bids may only move later."""
        if not self.instance.pk or self.instance.first_published_at is None:
            return
        live = NoticePage.objects.filter(pk=self.instance.pk).first()
        if live is None:
            return
        announced = self.instance.announced or notice_snapshot(live)
        bids = cleaned.get("bids_deadline")
        # The form's dates are to the minute: a deadline announced at 12:00:30 is kept by typing 12:00.
        if bids and live.bids_deadline and bids < live.bids_deadline.replace(second=0, microsecond=0):
            self.add_error(
                "bids_deadline",
                _(
                    "The deadline for bids already announced is %(date)s: an amendment may postpone it, "
                    "never bring it forward."
                )
                % {"date": paris_datetime(live.bids_deadline)},
            )
        values = {name: cleaned.get(name, getattr(self.instance, name)) for name in NoticePage.AMENDABLE_FIELDS}
        lots = [form.cleaned_data for form in lot_forms]
        if "lots" not in self.formsets:
            lots = [{name: getattr(lot, name) for name in LOT_FIELDS} for lot in self.instance.lots.all()]
        changes = describe_changes(announced, snapshot(values, lots))
        if changes and not (cleaned.get("amendment_reason") or "").strip():
            self.add_error(
                "amendment_reason",
                _("This notice is published: say why you change %(fields)s (it is shown in the amendment).")
                % {"fields": ", ".join(change["label"] for change in changes)},
            )
