"""The public's forms: a complaint, the code and secret that open it, and information added later.

The service (complaints.services) checks the facts; these forms only read what was typed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.choices import Category, ComplainantRelation
from recruitment.models import Country
from villages.models import Regency

ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
ATTACHMENT_FIELDS = ("attachment_1", "attachment_2", "attachment_3")


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _file():
    return forms.ClearableFileInput(attrs={"class": "form-control", "accept": ACCEPTED_FILES})


def _check():
    return forms.CheckboxInput(attrs={"class": "form-check-input"})


def regency_choices() -> list:
    """Regencies and cities grouped by province, for a select with optgroups."""
    groups: dict[str, list] = {}
    for code, name, province in Regency.objects.order_by("province__name", "name").values_list(
        "code", "name", "province__name"
    ):
        groups.setdefault(province, []).append((code, name))
    return [("", _("Choose the regency or city")), *groups.items()]


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, country: Country) -> str:
        return country.name


class GuardedForm(forms.Form):
    """A public form's bot checks (public/guard.py): the honeypot and the signed time stamp."""

    # Hidden from people (public.css, aria-hidden, out of the tab order): only a script fills it.
    website = forms.CharField(  # guard.HONEYPOT_FIELD
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)


class ComplaintForm(GuardedForm):
    category = forms.ChoiceField(
        label=_("What is the complaint about?"),
        choices=[("", _("Choose one")), *Category.choices],
        error_messages={"required": _("Choose what the complaint is about.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_("Who, where, since when, and what you ask for. At least 10 letters."),
        max_length=5000,
        error_messages={"required": _("Tell what happened in a few words (at least 10 letters).")},
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 6}),
    )
    occurred_on = forms.DateField(
        label=_("When did it happen? (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    worker_name = forms.CharField(label=_("The worker's name"), max_length=150, required=False, widget=_text())
    worker_nik = forms.CharField(
        label=_("The worker's NIK (optional)"),
        help_text=_("The 16 digits on the identity card (KTP), if you know them."),
        max_length=16,
        required=False,
        widget=_text(inputmode="numeric", autocomplete="off"),
    )
    area_code = forms.ChoiceField(
        label=_("The worker's home regency or city"),
        help_text=_("Decides which office handles the complaint."),
        error_messages={"required": _("Choose the worker's home regency.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    country = CountryChoiceField(
        label=_("Country where it happened"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("Not known or in Indonesia"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    involves_minor = forms.BooleanField(label=_("A child (under 18) is involved"), required=False, widget=_check())
    anonymous = forms.BooleanField(
        label=_("Complain anonymously"),
        help_text=_(
            "We then keep no name, phone or e-mail, and cannot contact you: follow the complaint with "
            "its code and secret."
        ),
        required=False,
        widget=_check(),
    )
    complainant_name = forms.CharField(
        label=_("Your name"), max_length=150, required=False, widget=_text(autocomplete="name")
    )
    complainant_phone = forms.CharField(
        label=_("Your phone number"),
        help_text=_("For an SMS when the complaint moves."),
        max_length=30,
        required=False,
        widget=_text(type="tel", inputmode="tel", autocomplete="tel"),
    )
    complainant_email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )
    complainant_relation = forms.ChoiceField(
        label=_("You are"),
        choices=[("", _("Choose one")), *ComplainantRelation.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    identity_shared_with_company = forms.BooleanField(
        label=_("The placement company may see my name and contact"),
        help_text=_("Without this, the company is told of the complaint but not who made it."),
        required=False,
        widget=_check(),
    )
    attachment_1 = forms.FileField(label=_("File 1"), required=False, widget=_file())
    attachment_2 = forms.FileField(label=_("File 2"), required=False, widget=_file())
    attachment_3 = forms.FileField(label=_("File 3"), required=False, widget=_file())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = regency_choices()

    def attachments(self) -> list:
        return [self.cleaned_data[name] for name in ATTACHMENT_FIELDS if self.cleaned_data.get(name)]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "description": data["description"],
            "occurred_on": data["occurred_on"],
            "involves_minor": data["involves_minor"],
            "area_code": data["area_code"],
            "country": data["country"],
            "anonymous": data["anonymous"],
            "complainant_name": data["complainant_name"],
            "complainant_phone": data["complainant_phone"],
            "complainant_email": data["complainant_email"],
            "complainant_relation": data["complainant_relation"],
            "identity_shared_with_company": data["identity_shared_with_company"],
            "worker_name": data["worker_name"],
            "worker_nik": data["worker_nik"],
            "attachments": self.attachments(),
        }


# Codes and secrets use Crockford's alphabet (no I, L, O or U): read back what a person may type.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _readable(value: str) -> str:
    return "".join(value.upper().split()).replace("-", "").translate(_LOOKALIKES)


def normalise_code(value: str) -> str:
    """ "adu 7k3p q9xm", "ADU-7K3P-Q9XM" and "7K3PQ9XM" are the same code."""
    compact = "".join(value.upper().split()).replace("-", "")
    compact = _readable(compact.removeprefix("ADU"))
    if len(compact) == 8:
        return f"ADU-{compact[:4]}-{compact[4:]}"
    return value.strip().upper()


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        help_text=_("Like ADU-7K3P-Q9XM."),
        max_length=20,
        widget=_text(autocomplete="off", autocapitalize="characters", spellcheck="false"),
    )
    secret = forms.CharField(
        label=_("Secret"),
        help_text=_("The 12 letters and digits shown once when the complaint was sent."),
        max_length=40,
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "off", "autocapitalize": "characters"}
        ),
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])

    def clean_secret(self) -> str:
        return _readable(self.cleaned_data["secret"])


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("What do you want to add?"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
    )
    file = forms.FileField(label=_("A file (optional)"), required=False, widget=_file())
