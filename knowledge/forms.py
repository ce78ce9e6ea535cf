"""Readers' forms under a guide: "was this helpful?", comments, outdated-content reports.

They parse what people type; knowledge.actions validates again and writes. Length errors say the
limit and what was typed; nothing typed is lost (the views re-render the bound form).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from knowledge.actions import check_length
from knowledge.models import COMMENT_MAX_LENGTH, FEEDBACK_COMMENT_MAX_LENGTH


def _limit_help(limit: int):
    return _("At most %(limit)s characters.") % {"limit": number_format(limit, force_grouping=True)}


class _LengthCheckedForm(forms.Form):
    """Checks lengths with the actions' message (Django's own says "Ensure this value has at most...")."""

    limits: dict[str, int] = {}

    def clean(self):
        cleaned = super().clean()
        for field, limit in self.limits.items():
            try:
                check_length(field, cleaned.get(field) or "", limit)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class FeedbackForm(_LengthCheckedForm):
    prefix = "feedback"
    limits = {"comment": FEEDBACK_COMMENT_MAX_LENGTH}

    helpful = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please answer yes or no."),
            "invalid_choice": _("Please answer yes or no."),
        },
    )
    comment = forms.CharField(
        label=_("Your comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _(
            "What was missing or unclear? Only the guide's editors read it. %(limit)s"
        ) % {"limit": _limit_help(FEEDBACK_COMMENT_MAX_LENGTH)}

    @classmethod
    def initial_for(cls, feedback) -> dict:
        if feedback is None:
            return {}
        return {"helpful": "yes" if feedback.helpful else "no", "comment": feedback.comment}


class CommentForm(_LengthCheckedForm):
    prefix = "comment"
    limits = {"source": COMMENT_MAX_LENGTH}

    source = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write your comment.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].help_text = _("Markdown is accepted: *italics*, **bold**, lists, links. %(limit)s") % {
            "limit": _limit_help(COMMENT_MAX_LENGTH)
        }


class OutdatedReportForm(_LengthCheckedForm):
    prefix = "report"
    limits = {"reason": FEEDBACK_COMMENT_MAX_LENGTH}

    reason = forms.CharField(
        label=_("What is out of date?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please say what is out of date.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _(
            "For example a threshold, a rule or a screen of the platform that has changed. %(limit)s"
        ) % {"limit": _limit_help(FEEDBACK_COMMENT_MAX_LENGTH)}
