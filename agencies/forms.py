"""Officials' forms for supervising placement companies."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import SanctionKind

REASON_REQUIRED = {"required": _("A reason is required.")}
DATE_ATTRS = {"type": "date", "class": "form-control"}


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Sanction"), choices=SanctionKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages=REASON_REQUIRED,
        help_text=_("What the company did; it is recorded and shown in the company's history."),
    )
    starts_on = forms.DateField(label=_("From"), initial=timezone.localdate, widget=forms.DateInput(attrs=DATE_ATTRS))
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs=DATE_ATTRS),
        help_text=_("For a suspension with a set end; leave empty until it is lifted."),
    )

    def clean(self):
        data = super().clean()
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A sanction cannot end before it starts."))
        return data


class ReinstateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages=REASON_REQUIRED,
        help_text=_("Why the suspension is lifted, e.g. the findings were corrected."),
    )
