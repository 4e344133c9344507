"""Forms for recruitment permits (SIP2MI): the company's application, the official's decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from villages.models import Regency

DATE_ATTRS = {"type": "date", "class": "form-control"}
REASON_REQUIRED = {"required": _("A reason is required.")}


def regency_choices() -> list:
    """Every regency, grouped under its province: the select's option groups."""
    groups: dict[str, list] = {}
    for code, name, province in Regency.objects.order_by("code").values_list("code", "name", "province__name"):
        groups.setdefault(province, []).append((code, f"{name} ({code})"))
    return list(groups.items())


class PermitApplyForm(forms.Form):
    quota = forms.IntegerField(
        label=_("Quota"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
        help_text=_("How many workers the permit lets you recruit; at most the job order's positions."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs=DATE_ATTRS))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs=DATE_ATTRS))
    regions = forms.MultipleChoiceField(
        label=_("Recruitment regions"),
        choices=(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 12}),
        error_messages={"required": _("Name at least one recruitment region.")},
        help_text=_("The regencies where you will recruit, grouped by province; hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = regency_choices()

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", _("A permit cannot end before it starts."))
        return data


class PermitIssueForm(forms.Form):
    number = forms.CharField(
        label=_("SIP2MI number"),
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "autocomplete": "off"}),
        error_messages={"required": _("The SIP2MI number is required.")},
    )


class PermitReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
        error_messages=REASON_REQUIRED,
    )
