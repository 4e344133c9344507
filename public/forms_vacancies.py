"""The public's vacancy filters and the report of a fake offer or a broker.

The report becomes a complaint (complaints.services.complaint_file); this form only reads what
was typed and composes the complaint's description from it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.choices import Sector
from complaints.choices import Category
from recruitment.choices import Sex
from recruitment.models import Country, Occupation
from villages.models import Regency

from .forms import CountryChoiceField, GuardedForm, regency_choices
from .vacancies import DEFAULT_SORT

SORT_CHOICES = (
    ("newest", _("Newest first")),
    ("salary", _("Highest salary (within each currency)")),
    ("quota", _("Most places left")),
)


def area_choices() -> list:
    """Provinces and their regencies in one select (one query): a province's code picks every
    regency in it, a regency's code that regency only."""
    groups: dict[tuple[str, str], list] = {}
    rows = Regency.objects.order_by("province__name", "name").values_list(
        "code", "name", "province_id", "province__name"
    )
    for code, name, province_code, province_name in rows:
        group = groups.setdefault((province_code, province_name), [])
        if not group:
            group.append((province_code, _("All of %(province)s") % {"province": province_name}))
        group.append((code, name))
    return [("", _("Anywhere in Indonesia")), *((name, options) for (_code, name), options in groups.items())]


class OccupationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, occupation: Occupation) -> str:
        return occupation.name


class VacancyFilterForm(forms.Form):
    """Filters of the vacancy board, read from the URL (GET): every field may be empty."""

    area = forms.ChoiceField(
        label=_("Where you live"),
        help_text=_("Shows only job orders allowed to recruit there."),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    country = CountryChoiceField(
        label=_("Destination country"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("Any country"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=[("", _("Any sector")), *Sector.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    occupation = OccupationChoiceField(
        label=_("Occupation"),
        queryset=Occupation.objects.order_by("name"),
        required=False,
        empty_label=_("Any occupation"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sex = forms.ChoiceField(
        label=_("Places for"),
        choices=[("", _("Women and men")), (Sex.FEMALE, _("Women")), (Sex.MALE, _("Men"))],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    min_salary = forms.DecimalField(
        label=_("Lowest monthly salary"),
        help_text=_("In the destination country's currency: choose the country too."),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric", "min": "0"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=SORT_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()

    def clean(self):
        data = super().clean()
        if data.get("min_salary") is not None and not data.get("country"):
            self.add_error("min_salary", _("Choose the destination country: salaries are in its currency."))
        return data

    def selection(self) -> dict:
        """The keyword arguments of public.vacancies.open_vacancies (valid fields only)."""
        data = self.cleaned_data if self.is_bound else {}
        country, occupation = data.get("country"), data.get("occupation")
        return {
            "country": country.pk if country else "",
            "sector": data.get("sector") or "",
            "occupation": occupation.pk if occupation else "",
            "sex": data.get("sex") or "",
            "area_code": data.get("area") or "",
            "min_salary": data.get("min_salary") if country else None,
            "sort": data.get("sort") or DEFAULT_SORT,
        }


# What a person reports, in plain words, and the complaint category each becomes.
REPORT_KINDS = (
    ("fees", _("A job offer abroad that asks for money"), Category.ILLEGAL_FEES),
    ("fake_offer", _("A job offer that I think is fake"), Category.OTHER),
    ("broker", _("A broker (calo) recruiting people without a licensed company"), Category.OTHER),
    ("trafficking", _("Someone was sent or taken abroad against their will, or is held"), Category.TRAFFICKING),
)
REPORT_CATEGORY = {key: category for key, _label, category in REPORT_KINDS}


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


class ReportForm(GuardedForm):
    kind = forms.ChoiceField(
        label=_("What do you report?"),
        choices=[(key, label) for key, label, _category in REPORT_KINDS],
        error_messages={"required": _("Choose what you report.")},
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    offer = forms.CharField(
        label=_("What did they offer or do?"),
        help_text=_(
            "The job, the country, the salary, when you would leave, what they asked of you. At least 10 letters."
        ),
        min_length=10,
        max_length=3000,
        error_messages={
            "required": _("Tell what they offered or did in a few words (at least 10 letters)."),
            "min_length": _("Tell what they offered or did in a few words (at least 10 letters)."),
        },
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
    )
    offered_by = forms.CharField(
        label=_("Who offered it? (optional)"),
        help_text=_("A name, a nickname, or how people know them."),
        max_length=200,
        required=False,
        widget=_text(autocomplete="off"),
    )
    phones = forms.CharField(
        label=_("Their phone or WhatsApp numbers (optional)"),
        max_length=200,
        required=False,
        widget=_text(inputmode="tel", autocomplete="off"),
    )
    company_claimed = forms.CharField(
        label=_("The company they said they work for (optional)"),
        help_text=_("Check it first under “Check a company”: a name that is not there has no licence."),
        max_length=200,
        required=False,
        widget=_text(autocomplete="off"),
    )
    money_asked = forms.DecimalField(
        label=_("Money they asked for, in rupiah (optional)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric", "min": "0"}),
    )
    country = CountryChoiceField(
        label=_("The country they offered (optional)"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("Not known"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    area_code = forms.ChoiceField(
        label=_("Where did it happen? (regency or city)"),
        help_text=_("Decides which office looks into it."),
        error_messages={"required": _("Choose the regency or city where it happened.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    anonymous = forms.BooleanField(
        label=_("Report anonymously"),
        help_text=_(
            "We then keep no phone or e-mail and cannot contact you: follow the report with its code and secret."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    complainant_phone = forms.CharField(
        label=_("Your phone number"),
        help_text=_("For an SMS when the report moves."),
        max_length=30,
        required=False,
        widget=_text(type="tel", inputmode="tel", autocomplete="tel"),
    )
    complainant_email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = regency_choices()

    def description(self) -> str:
        """The complaint's text, in the portal's language (the officers'), whatever the page's."""
        data = self.cleaned_data
        label = dict((key, label) for key, label, _category in REPORT_KINDS)[data["kind"]]
        with translation.override(settings.LANGUAGE_CODE):
            lines = [gettext("Report of a fake offer or a broker, sent through the public form."), ""]
            lines.append(gettext("Reported: %(kind)s") % {"kind": label})
            lines.append(gettext("What they offered or did: %(text)s") % {"text": data["offer"].strip()})
            facts = (
                (gettext("Offered by: %(value)s"), data.get("offered_by", "").strip()),
                (gettext("Their phone numbers: %(value)s"), data.get("phones", "").strip()),
                (gettext("Company they claimed: %(value)s"), data.get("company_claimed", "").strip()),
                (
                    gettext("Money asked: Rp %(value)s"),
                    f"{data['money_asked']:,.0f}".replace(",", ".") if data.get("money_asked") else "",
                ),
            )
            lines.extend(template % {"value": value} for template, value in facts if value)
        return "\n".join(lines)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "category": REPORT_CATEGORY[data["kind"]],
            "description": self.description(),
            "area_code": data["area_code"],
            "country": data["country"],
            "anonymous": data["anonymous"],
            "complainant_phone": data["complainant_phone"],
            "complainant_email": data["complainant_email"],
            "complainant_relation": "",
        }
