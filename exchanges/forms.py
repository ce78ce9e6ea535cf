"""Forms of the exchanges. They check the shape of what is typed; the rules (who, when, uniqueness, the files'
content) are the actions' (`exchanges.actions.acts`), whose errors come back onto these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exchanges.actions.acts import MAX_ACT_SIZE, MAX_FILE_SIZE
from exchanges.models import Act, Authority, Subject
from intranet.models import Organization
from intranet.templatetags.file_sizes import file_size


class ActForm(forms.ModelForm):
    sender = forms.ModelChoiceField(label=_("Sending body"), queryset=Organization.objects.none(), empty_label=None)
    subject = forms.ModelChoiceField(
        label=_("Subject"), queryset=Subject.objects.filter(parent__isnull=False).select_related("parent")
    )
    decision_date = forms.DateField(
        label=_("Date of decision"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    class Meta:
        model = Act
        fields = [
            "sender",
            "authority",
            "nature",
            "subject",
            "number",
            "decision_date",
            "object",
            "signatory",
            "is_public",
        ]
        widgets = {"object": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}

    def __init__(self, *args, senders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Authority.objects.filter(role=Authority.Role.LEGALITY).select_related(
            "organization"
        )
        self.fields["authority"].empty_label = None
        # The second-level subjects grouped under their headings; the queryset still validates the choice.
        headings: dict[str, list] = {}
        for subject in self.fields["subject"].queryset:
            headings.setdefault(str(subject.parent), []).append((subject.pk, str(subject)))
        self.fields["subject"].choices = [("", "---------"), *headings.items()]
        self.fields["number"].validators = []  # the action says what is wrong, in words
        self.fields["number"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})
        if self.instance.pk:
            del self.fields["sender"]
            department = self.instance.sender.department
        else:
            self.fields["sender"].queryset = Organization.objects.filter(pk__in=[o.pk for o in senders])
            department = senders[0].department if senders else ""
            if len(senders) == 1:
                self.fields["sender"].initial = senders[0].pk
        if not self.instance.pk or not self.instance.authority_id:
            serving = [a for a in self.fields["authority"].queryset if a.serves(department)]
            if serving:
                self.fields["authority"].initial = serving[0].pk


class MainDocumentForm(forms.Form):
    main_document = forms.FileField(
        label=_("Main document (the act, PDF)"),
        required=False,
        help_text=_("PDF, at most %(size)s; %(total)s for the act and its annexes together.")
        % {"size": file_size(MAX_FILE_SIZE), "total": file_size(MAX_ACT_SIZE)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


class AnnexForm(forms.Form):
    title = forms.CharField(label=_("Annex title"), max_length=200, required=False)
    annex = forms.FileField(
        label=_("Annex file"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most %(size)s.") % {"size": file_size(MAX_FILE_SIZE)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class MessageForm(forms.Form):
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["message"].label = label


class ObservationsForm(MessageForm):
    letter = forms.FileField(
        label=_("Letter (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Covering message"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
    documents = MultipleFileField(
        label=_("Documents requested (PDF)"),
        required=False,
        help_text=_("One or more PDF files, at most %(size)s each.") % {"size": file_size(MAX_FILE_SIZE)},
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Number, identifier or object"), required=False, max_length=200)
    nature = forms.ChoiceField(label=_("Nature"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, years=(), statuses=Act.Status.choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nature"].choices = [("", _("All")), *Act.Nature.choices]
        self.fields["year"].choices = [("", _("All")), *((year, str(year)) for year in years)]
        self.fields["status"].choices = [("", _("All")), *statuses]


class GrantForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)


class BatchForm(forms.Form):
    sender = forms.ModelChoiceField(label=_("Sending body"), queryset=Organization.objects.none(), empty_label=None)
    authority = forms.ModelChoiceField(
        label=_("Public accountant"), queryset=Authority.objects.none(), empty_label=None
    )
    label = forms.CharField(
        label=_("Label"), required=False, max_length=200, help_text=_("For your register: « Mandats de janvier 2027 ».")
    )
    files = MultipleFileField(
        label=_("PES files (XML)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def __init__(self, *args, senders=(), **kwargs):
        from exchanges.actions.accounting import MAX_FILES, MAX_PES_SIZE

        super().__init__(*args, **kwargs)
        self.fields["sender"].queryset = Organization.objects.filter(pk__in=[o.pk for o in senders])
        if len(senders) == 1:
            self.fields["sender"].initial = senders[0].pk
        accountants = Authority.objects.filter(role=Authority.Role.ACCOUNTING).select_related("organization")
        self.fields["authority"].queryset = accountants
        department = senders[0].department if senders else ""
        serving = [a for a in accountants if a.serves(department)]
        if serving:
            self.fields["authority"].initial = serving[0].pk
        self.fields["files"].help_text = _(
            "Mandates, revenue orders, supporting documents (PES_Aller) or budget documents "
            "(DocumentBudgetaire): well-formed XML, at most %(size)s each, %(count)d files per batch. "
            "If one file is refused, nothing is sent."
        ) % {"size": file_size(MAX_PES_SIZE), "count": MAX_FILES}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accepted", _("Accept")), ("rejected", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    acknowledgement = forms.FileField(
        label=_("Acknowledgement file (PES_ACK XML or PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.pdf"}),
    )
