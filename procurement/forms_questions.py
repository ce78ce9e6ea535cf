"""Forms of questions and answers and of the lifecycle actions. They parse what people type;
procurement.actions validate again and write. Errors say the limit and keep what was typed."""

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from procurement.actions.lifecycle import REASON_MAX_LENGTH, SUPPLIER_NAME_MAX_LENGTH
from procurement.actions.questions import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH


def _markdown_help(limit: int) -> str:
    return _("Markdown is accepted: *italics*, **bold**, lists, links. At most %(limit)s characters.") % {
        "limit": number_format(limit, force_grouping=True)
    }


class QuestionForm(forms.Form):
    body = forms.CharField(
        label=_("Your question"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _(
            "The question and its answer will be published to all companies, without your name or your company's. "
        ) + _markdown_help(QUESTION_MAX_LENGTH)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), strip=False, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].help_text = _(
            "Published on the notice page to everyone, numbered and dated. "
        ) + _markdown_help(ANSWER_MAX_LENGTH)


class InformationForm(forms.Form):
    body = forms.CharField(label=_("Question or subject"), strip=False, widget=forms.Textarea(attrs={"rows": 4}))
    answer = forms.CharField(label=_("Information"), strip=False, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _markdown_help(QUESTION_MAX_LENGTH)
        self.fields["answer"].help_text = _markdown_help(ANSWER_MAX_LENGTH)


class ConfirmForm(forms.Form):
    """No field: the confirmation is the POST itself."""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Published on the notice page and sent to the companies following it. At most %(limit)s characters."
        )
        % {"limit": REASON_MAX_LENGTH},
    )


class AwardForm(forms.Form):
    supplier_name = forms.CharField(
        label=_("Awardee's name"),
        max_length=SUPPLIER_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    supplier_siret = forms.CharField(
        label=_("Awardee's SIRET"),
        max_length=30,
        help_text=_("14 digits; spaces are allowed."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    value = forms.DecimalField(
        label=_("Awarded value (€ excl. VAT)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    awarded_on = forms.DateField(
        label=_("Date of the award"),
        required=False,
        help_text=_("Leave empty for today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"awarded_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
