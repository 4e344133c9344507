"""Forms of a placement's page."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE_ATTRS = {"type": "date", "class": "form-control"}


class FeeForm(forms.Form):
    """A fee the worker paid: recorded by the company, or found by an official (with its source)."""

    amount_idr = forms.DecimalField(
        label=_("Amount (IDR)"),
        max_digits=14,
        decimal_places=0,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric", "min": "1", "step": "1"}),
        error_messages={"min_value": _("The amount must be positive.")},
    )
    description = forms.CharField(
        label=_("What for"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": _("Say what the fee was for.")},
    )
    paid_on = forms.DateField(
        label=_("Paid on"), initial=timezone.localdate, widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d")
    )
    paid_to = forms.CharField(
        label=_("Paid to"), max_length=150, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    source = forms.CharField(
        label=_("Source of the finding"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Where the official learnt of it, e.g. a complaint (temuan pengaduan) or an inspection."),
    )

    def __init__(self, *args, finding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not finding:  # the company records what it charged; only an official records a finding's source
            del self.fields["source"]


class ArrivalForm(forms.Form):
    """The worker's arrival in the destination country and their report to the mission (lapor diri)."""

    arrived_on = forms.DateField(
        label=_("Arrived on"), initial=timezone.localdate, widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d")
    )
    reported_on = forms.DateField(
        label=_("Reported to the mission on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"),
    )
