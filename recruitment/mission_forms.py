"""Forms for the mission's check of a job order: the company's documents, the mission's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock

from .choices import JobOrderDocumentKind

DATE_ATTRS = {"type": "date", "class": "form-control"}


class JobOrderDocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"),
        choices=JobOrderDocumentKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    number = forms.CharField(
        label=_("Number or reference"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG scan, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={"required": _("Attach the document's file.")},
    )


class JobOrderVerifyForm(forms.Form):
    mission_reference = forms.CharField(
        label=_("The mission's reference number"),
        max_length=80,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={"required": _("The mission's verification reference is required.")},
    )
    verified_on = forms.DateField(
        label=_("Verified on"),
        initial=clock.today,
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"),
        error_messages={
            "required": _("The date of the mission's verification is required."),
            "invalid": _("Enter a valid date."),
        },
    )


class JobOrderRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": _("A reason is required.")},
    )
