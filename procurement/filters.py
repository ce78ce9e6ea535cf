"""The notice list's filters: one form validated from GET, applied in SQL (list, feeds) or in Python (alerts).

A saved search stores the list's query string; the same form reads it back, so the list, the feeds and
the alert notifications always agree on what a filter means. Keywords are looked up as the site search looks
them up (`intranet.search`: French analysis, the same query syntax): through the search engine for the list and
the feeds, in a one-document index in memory for an alert checked at a notice's publication.
"""

import dataclasses
import datetime
import logging
import re
from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intranet.search import matching_pks, pk_in, query_terms, text_matcher
from intranet.validators import DEPARTMENT_CHOICES
from procurement.models import ContractNature, NoticePage, Procedure, Status, split_cpv_codes, status_q

logger = logging.getLogger(__name__)
PARIS = timezone.get_default_timezone()
CPV_INPUT = re.compile(r"^(\d{2,8})(?:-\d)?$")

OPEN = "open"
ANY = "any"
STATUS_CHOICES = [
    (OPEN, _("Open (bids accepted)")),
    (Status.PUBLISHED, Status.PUBLISHED.label),
    (Status.QUESTIONS_CLOSED, Status.QUESTIONS_CLOSED.label),
    (Status.BIDS_CLOSED, Status.BIDS_CLOSED.label),
    (Status.OPENED, Status.OPENED.label),
    (Status.AWARDED, Status.AWARDED.label),
    (Status.UNSUCCESSFUL, Status.UNSUCCESSFUL.label),
    (Status.CANCELLED, Status.CANCELLED.label),
    (ANY, _("Any status")),
]
NEWEST, DEADLINE = "newest", "deadline"
SORT_CHOICES = [(NEWEST, _("Newest first")), (DEADLINE, _("Deadline soonest"))]

# Query-string keys, in the order a normalized query lists them; `page` is never part of a search.
FILTER_KEYS = (
    "q",
    "status",
    "nature",
    "procedure",
    "cpv",
    "department",
    "buyer",
    "deadline_from",
    "deadline_to",
    "value_min",
    "value_max",
    "sort",
)


def cpv_prefix(text: str) -> str:
    """ "45233140-2", "45233140" or "4523" → the significant digits "4523314" / "4523314" / "4523":
    a code stands for its whole branch of the CPV tree (trailing zeros are not significant)."""
    digits = CPV_INPUT.match(text).group(1)
    return digits.rstrip("0") if len(digits.rstrip("0")) >= 2 else digits[:2]


class ListSelect(forms.Select):
    """A plain select rendered by one template (Django's includes a template per option, which
    made the list's filter form, with its 101 départements and the buyers, a third of the page's time)."""

    template_name = "procurement/widgets/select.html"


class NoticeFilterForm(forms.Form):
    """The list page's filters. Invalid fields get an error and are left out; the others still apply.

    `buyer_choices` ([(id, name)]) makes the buyer a select of those organizations (the list page);
    without it the buyer is any id (reading a saved search back, with no database query)."""

    q = forms.CharField(
        label=_("Keywords"),
        max_length=200,
        required=False,
        help_text=_(
            "Title, reference, description, buyer, lots. « marchés » also finds « marché »; "
            '"in quotes" for a phrase, a minus sign before a word to leave it out.'
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    nature = forms.ChoiceField(
        label=_("Contract nature"), choices=[("", _("Any nature")), *ContractNature.choices], required=False
    )
    procedure = forms.ChoiceField(
        label=_("Procedure"), choices=[("", _("Any procedure")), *Procedure.choices], required=False
    )
    cpv = forms.CharField(
        label=_("CPV code"),
        max_length=20,
        required=False,
        help_text=_("2 to 8 digits, or a full code such as 45233140-2: the code and all codes under it."),
    )
    department = forms.ChoiceField(
        label=_("Département"),
        choices=[("", _("Any département")), *DEPARTMENT_CHOICES],
        required=False,
        widget=ListSelect,
    )
    buyer = forms.IntegerField(label=_("Buyer"), required=False, min_value=1)
    deadline_from = forms.DateField(
        label=_("Deadline for bids from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_to = forms.DateField(
        label=_("Deadline for bids until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    value_min = forms.DecimalField(
        label=_("Estimated value from (€ excl. VAT)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    value_max = forms.DecimalField(
        label=_("Estimated value up to (€ excl. VAT)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, data=None, *, buyer_choices=None, **kwargs):
        super().__init__(data, **kwargs)
        if buyer_choices is not None:
            self.fields["buyer"] = forms.TypedChoiceField(
                label=_("Buyer"),
                choices=[("", _("Any buyer")), *buyer_choices],
                coerce=int,
                empty_value=None,
                required=False,
                widget=ListSelect,
            )
        self.fields["cpv"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "class": "cpv-input", "data-cpv-picker": ""}
        )
        self.fields["q"].widget.attrs["type"] = "search"

    def clean_q(self):
        value = " ".join(self.cleaned_data["q"].split())
        if value and not query_terms(value):
            raise forms.ValidationError(
                _("Enter at least one word to look for, other than common words such as « le », « de » or « pour »."),
                code="common_words",
            )
        return value

    def clean_cpv(self):
        value = self.cleaned_data["cpv"].strip()
        if value and not CPV_INPUT.match(value):
            raise forms.ValidationError(
                _("Enter 2 to 8 digits or a full CPV code such as 45233140-2."), code="invalid_cpv"
            )
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and end < start:
            self.add_error("deadline_to", _("This date is before the start date."))
        low, high = data.get("value_min"), data.get("value_max")
        if low is not None and high is not None and high < low:
            self.add_error("value_max", _("This value is below the minimum."))
        return data

    def criteria(self) -> "Criteria":
        """The valid filters (errors left out): call after is_valid()."""
        return Criteria.from_cleaned(getattr(self, "cleaned_data", {}))


@dataclass(frozen=True)
class Criteria:
    """Valid filter values, independent of the form: applied in SQL, matched in Python, summarised, encoded."""

    q: str = ""
    status: str = OPEN
    nature: str = ""
    procedure: str = ""
    cpv: str = ""
    department: str = ""
    buyer: int | None = None
    deadline_from: datetime.date | None = None
    deadline_to: datetime.date | None = None
    value_min: object = None
    value_max: object = None
    sort: str = NEWEST

    @classmethod
    def from_cleaned(cls, data: dict) -> "Criteria":
        values = {key: data.get(key) for key in FILTER_KEYS if data.get(key) not in (None, "")}
        if isinstance(values.get("q"), str):
            values["q"] = values["q"].strip()
        return cls(**values)

    # --- SQL ---

    def apply(self, queryset: QuerySet, now=None) -> QuerySet:
        """Filter and sort `queryset` (live notices) by every criterion."""
        now = now or timezone.now()
        if self.status == OPEN:
            queryset = queryset.filter(status_q(Status.PUBLISHED, now) | status_q(Status.QUESTIONS_CLOSED, now))
        elif self.status != ANY:
            queryset = queryset.filter(status_q(self.status, now))
        queryset = queryset.filter(self.static_q())
        if self.q:
            queryset = queryset.filter(self.keywords_q(queryset.db))
        if self.deadline_from:
            queryset = queryset.filter(bids_deadline__gte=_paris_midnight(self.deadline_from))
        if self.deadline_to:
            queryset = queryset.filter(bids_deadline__lt=_paris_midnight(self.deadline_to + datetime.timedelta(1)))
        if self.sort == DEADLINE:
            return queryset.order_by("bids_deadline", "pk")
        return queryset.order_by("-first_published_at", "-pk")

    def keywords_q(self, using: str = "default") -> Q:
        """The notices the search engine finds for the keywords. Should the engine fail (its index missing or
        unreadable), the list still answers: the keywords are then looked for, as typed, in titles and
        references, and the failure is logged."""
        from haystack.exceptions import HaystackError

        try:
            return pk_in(matching_pks(NoticePage, self.q), using)
        except (HaystackError, OSError, ValueError) as error:
            logger.warning("Search is unavailable, keywords matched in titles and references: %s", error)
            return Q(title__icontains=self.q) | Q(reference__icontains=self.q)

    def static_q(self) -> Q:
        """The criteria that do not depend on time, in SQL (keywords go through the search engine: `apply`)."""
        q = Q()
        if self.nature:
            q &= Q(nature=self.nature)
        if self.procedure:
            q &= Q(procedure=self.procedure)
        if self.cpv:
            q &= Q(cpv_index__contains=f" {cpv_prefix(self.cpv)}")
        if self.department:
            q &= Q(department=self.department)
        if self.buyer:
            q &= Q(buyer_id=self.buyer)
        if self.value_min is not None:
            q &= Q(hide_estimated_value=False, estimated_value__gte=self.value_min)
        if self.value_max is not None:
            q &= Q(hide_estimated_value=False, estimated_value__lte=self.value_max)
        return q

    # --- Python, for alerts at publication: the status and deadline filters cannot apply yet ---

    def matches(self, notice: NoticePage, cpv_codes: list[str], found_by=None) -> bool:
        """Whether `notice` (with these CPV codes: main, additional, lots') meets the time-free criteria.

        `found_by(query)` tells whether the keywords find the notice (`notice_keywords`; built here if not given:
        give one built once when checking many searches against one notice)."""
        if self.q:
            if not (found_by or notice_keywords(notice))(self.q):
                return False
        if self.nature and notice.nature != self.nature:
            return False
        if self.procedure and notice.procedure != self.procedure:
            return False
        if self.cpv:
            prefix = cpv_prefix(self.cpv)
            if not any(code.startswith(prefix) for code in cpv_codes):
                return False
        if self.department and notice.department != self.department:
            return False
        if self.buyer and notice.buyer_id != self.buyer:
            return False
        if self.value_min is not None or self.value_max is not None:
            value = None if notice.hide_estimated_value else notice.estimated_value
            if value is None:
                return False
            if self.value_min is not None and value < self.value_min:
                return False
            if self.value_max is not None and value > self.value_max:
                return False
        return True

    # --- query strings and words ---

    def querystring(self) -> str:
        """The normalized query string: valid, non-default values only, in a fixed order."""
        pairs = []
        for key in FILTER_KEYS:
            value = getattr(self, key)
            if value in (None, "") or (key == "status" and value == OPEN) or (key == "sort" and value == NEWEST):
                continue
            pairs.append((key, value.isoformat() if isinstance(value, datetime.date) else str(value)))
        return urlencode(pairs)

    def summary(self, buyer_names: dict[int, str] | None = None) -> list[str]:
        """The filters in words, for the alerts page: ["Status: Any status", "Département: 29 – Finistère"...]."""
        labels = {name: field.label for name, field in NoticeFilterForm.base_fields.items()}
        choices = {
            "status": dict(STATUS_CHOICES),
            "nature": dict(ContractNature.choices),
            "procedure": dict(Procedure.choices),
            "department": dict(DEPARTMENT_CHOICES),
            "sort": dict(SORT_CHOICES),
        }
        parts = []
        for key in FILTER_KEYS:
            value = getattr(self, key)
            if key == "sort" or value in (None, ""):
                continue
            if key in choices:
                shown = choices[key].get(value, value)
            elif key == "buyer":
                shown = (buyer_names or {}).get(value) or gettext("organization no. %(id)s") % {"id": value}
            elif isinstance(value, datetime.date):
                shown = formats.date_format(value, "SHORT_DATE_FORMAT")
            elif key in ("value_min", "value_max"):
                shown = f"{formats.number_format(value, 0, force_grouping=True)} €"
            else:
                shown = value
            parts.append(gettext("%(filter)s: %(value)s") % {"filter": labels[key], "value": shown})
        return parts


def criteria_from_query(query: str) -> Criteria:
    """A saved search's criteria, read back without touching the database (invalid values dropped, except
    keywords: keywords the search cannot look for, common words only, find nothing rather than everything, so
    that an alert saved with them is not told of every notice)."""
    data = QueryDict(query or "")
    form = NoticeFilterForm(data)
    form.is_valid()
    criteria = form.criteria()
    if "q" in form.errors and data.get("q", "").strip():
        criteria = dataclasses.replace(criteria, q=" ".join(data["q"].split()))
    return criteria


def notice_keywords(notice: NoticePage):
    """`query → bool`: whether the list's keywords would find `notice` once indexed (its indexed words, the
    site search's analysis and syntax), checked without the index (two queries: its buyer and lots)."""
    from procurement.search_indexes import notice_text

    return text_matcher(notice_text(notice))


def notice_cpv_codes(notice: NoticePage, lot_codes=()) -> list[str]:
    """The codes a notice is classified under: main, additional and its lots' (blanks dropped)."""
    return [code for code in [notice.main_cpv, *split_cpv_codes(notice.additional_cpv), *lot_codes] if code]


def _paris_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), PARIS)
