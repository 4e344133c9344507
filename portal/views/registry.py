"""The national registry of people: a page to put a person on it (or reach them again).

A regency official (the LTSA/Disnaker counter) registers a person living in the regency; a
company's staff register a candidate for their company with the candidate's consent; the
ministry may do either. The answer for a person already on the registry whose name and birth
date agree is the same as for a new one, and a refusal reveals nothing (see
``recruitment.services.worker_register``). A refused POST writes nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.forms import form_add_refusal
from core.permissions import is_agency_user, may_register_people
from recruitment.choices import Education, MaritalStatus, Sex
from recruitment.models import Worker
from recruitment.services import worker_register
from villages.models import Regency, Village

DATE_INPUT = {"type": "date", "class": "form-control"}


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _date():
    return forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")


def _select():
    return forms.Select(attrs={"class": "form-select"})


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village: Village) -> str:
        return f"{village.name} – {village.district.name}"


class WorkerRegisterForm(forms.Form):
    nik = forms.RegexField(
        r"^[0-9]{16}$",
        label=gettext_lazy("NIK"),
        max_length=16,
        help_text=gettext_lazy("All 16 digits, as on the identity card (KTP)."),
        error_messages={"invalid": gettext_lazy("A NIK must be exactly 16 digits.")},
        widget=_text(inputmode="numeric", autocomplete="off", pattern="[0-9]{16}"),
    )
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, widget=_text(autocomplete="off"))
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=Sex.choices, widget=_select())
    birth_date = forms.DateField(label=gettext_lazy("Birth date"), widget=_date())
    birth_place = forms.CharField(label=gettext_lazy("Birth place"), max_length=100, widget=_text())
    village = VillageChoiceField(
        label=gettext_lazy("Village of domicile"),
        queryset=Village.objects.none(),
        empty_label=gettext_lazy("Choose the village"),
        widget=_select(),
    )
    education = forms.ChoiceField(label=gettext_lazy("Education"), choices=Education.choices, widget=_select())
    marital_status = forms.ChoiceField(
        label=gettext_lazy("Marital status"), choices=MaritalStatus.choices, widget=_select()
    )
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False, widget=_text(type="tel"))
    next_of_kin_name = forms.CharField(label=gettext_lazy("Next of kin"), max_length=150, widget=_text())
    next_of_kin_relation = forms.CharField(
        label=gettext_lazy("Relationship"), max_length=60, required=False, widget=_text()
    )
    next_of_kin_phone = forms.CharField(
        label=gettext_lazy("Next of kin's phone"), max_length=30, required=False, widget=_text(type="tel")
    )
    family_consent_on = forms.DateField(
        label=gettext_lazy("Family consent acknowledged by the village head on"), required=False, widget=_date()
    )
    consent_on = forms.DateField(
        label=gettext_lazy("Candidate's consent to the company given on"),
        help_text=gettext_lazy("The company registers a person only with their consent."),
        widget=_date(),
    )

    def __init__(self, *args, villages, for_company: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        if not for_company:
            del self.fields["consent_on"]


def _villages_for(user, regency_code: str | None):
    """The villages to choose from: a regency official's own regency; for others, the regency chosen."""
    code = user.regency_id or regency_code
    if not code:
        return Village.objects.none(), None
    regency = Regency.objects.filter(code=code).first()
    if regency is None:
        return Village.objects.none(), None
    villages = Village.objects.filter(code__startswith=regency.code + ".").select_related("district")
    return villages.order_by("district__name", "name"), regency


@login_required
def worker_register_view(request):
    user = request.user
    if not may_register_people(user):
        raise PermissionDenied
    agency = user.agency if is_agency_user(user) else None
    regency_code = (request.POST.get("regency") or request.GET.get("regency") or "").strip()
    villages, regency = _villages_for(user, regency_code)
    form = WorkerRegisterForm(
        request.POST if request.method == "POST" else None, villages=villages, for_company=agency is not None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            worker = worker_register(actor=user, agency=agency, **data)
        except DomainError as error:
            form_add_refusal(form, error)
        else:
            messages.success(request, _("%(name)s is on the national registry.") % {"name": worker.full_name})
            if Worker.objects.visible_to(user).filter(pk=worker.pk).exists():
                return redirect("portal:worker_detail", pk=worker.pk)
            return redirect("portal:worker_list")
    context = {
        "form": form,
        "for_company": agency is not None,
        "agency": agency,
        "regency": regency,
        "choose_regency": not user.regency_id,
        "regencies": Regency.objects.select_related("province").order_by("province__name", "name")
        if not user.regency_id
        else [],
    }
    return render(request, "portal/worker_register.html", context)
