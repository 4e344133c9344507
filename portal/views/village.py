"""A village officer's pages: the village at a glance and the forms of what the village saw.

Every form here works as plain HTML without JavaScript, on a cheap phone at 360 px. With
JavaScript on, static/js/village-offline.js serialises the same form (the same field names, the
"one vocabulary" of the village API) into the phone's outbox instead. Without it, the form posts
here: the server made the entry id (``client_id``) when it served the form, so a form sent twice
(a double tap, a resend after a lost answer) still makes one row. A refused entry comes back with
the service's messages on its fields, nothing written.
"""

from __future__ import annotations

import uuid
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from complaints.choices import Category, Channel, ComplainantRelation
from complaints.models import Complaint
from complaints.services import complaint_file
from core.errors import DomainError
from core.forms import form_add_refusal
from core.permissions import is_village_officer
from core.personal_data import mask_number
from portal.selectors import village_at_glance
from recruitment.choices import ConsentRelation, Education, MaritalStatus, Sex
from recruitment.models import Country, Worker
from recruitment.services import village_intent_record
from villages.models import ReturnNeed, VillageReport, VillageReportKind, VillageReportStatus
from villages.services import village_report_create, village_report_update

# The form of each kind, at the path an officer reads (Bahasa Indonesia).
SLUG_KINDS = {
    "niat": VillageReportKind.INTENT,
    "keberangkatan": VillageReportKind.DEPARTURE_SEEN,
    "kepulangan": VillageReportKind.RETURN_SEEN,
    "kematian": VillageReportKind.DEATH_OR_REPATRIATION,
    "calo": VillageReportKind.SUSPECTED_RECRUITER,
}
KIND_SLUGS = {kind: slug for slug, kind in SLUG_KINDS.items()}
# A complaint the family brings to the village office: a village form too, but not a report.
COMPLAINT_SLUG = "pengaduan"
COMPLAINT_LABEL = gettext_lazy("A complaint of a family")
BROKER_PHONE_INPUTS = 3

# The date each kind asks for, and its help in plain words.
OCCURRED_ON = {
    VillageReportKind.INTENT: (
        gettext_lazy("Date of this report"),
        gettext_lazy("The day you met the person or the family."),
    ),
    VillageReportKind.DEPARTURE_SEEN: (
        gettext_lazy("Date the person left"),
        gettext_lazy("If you do not know the exact day, give the closest day you know."),
    ),
    VillageReportKind.RETURN_SEEN: (
        gettext_lazy("Date the person came home"),
        gettext_lazy("If you do not know the exact day, give the closest day you know."),
    ),
    VillageReportKind.DEATH_OR_REPATRIATION: (
        gettext_lazy("Date the family heard the news"),
        gettext_lazy("The day of the death or of the return home, if you know it."),
    ),
    VillageReportKind.SUSPECTED_RECRUITER: (
        gettext_lazy("Date the broker was seen"),
        gettext_lazy("The last day the broker was seen or heard of in the village."),
    ),
}


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _date():
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _select():
    return forms.Select(attrs={"class": "form-select"})


CHOOSE = gettext_lazy("Choose")
NOT_IN_THE_LIST = gettext_lazy("Not in the list")


def _choose(choices, empty=CHOOSE):
    return [("", empty), *choices]


def _textarea(rows=3):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


class BrokerPhonesField(forms.Field):
    """Up to three inputs all named ``broker_phones`` (the API takes a list under the same name):
    the numbers typed, blanks dropped; the service normalises and checks them."""

    class Widget(forms.Widget):
        def value_from_datadict(self, data, files, name):
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            return [values] if isinstance(values, str) else list(values)

    widget = Widget

    def to_python(self, value):
        return [str(phone).strip() for phone in value or [] if str(phone).strip()]


class VillageEntryForm(forms.Form):
    """What every entry has: the phone's entry id, the kind, the day it happened, more in words."""

    kind = forms.CharField(widget=forms.HiddenInput)
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    occurred_on = forms.DateField(widget=_date())
    details = forms.CharField(
        label=gettext_lazy("What happened, in your words"),
        help_text=gettext_lazy("Anything else the officials should know."),
        required=False,
        max_length=4000,
        widget=_textarea(),
    )

    # The facts the services take, in the order of the page; sections are (title, names).
    sections: list = []

    def __init__(self, *args, kind: str, officer, report: VillageReport | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.officer = officer
        self.report = report
        label, help_text = OCCURRED_ON[kind]
        self.fields["occurred_on"].label = label
        self.fields["occurred_on"].help_text = help_text
        self.fields["kind"].initial = kind
        if report is not None:  # an edit: the version it was made on, no new entry id
            del self.fields["client_id"]
            self.fields["base_version"] = forms.IntegerField(widget=forms.HiddenInput)
            for name in self.create_only:
                del self.fields[name]
        else:
            self.fields["client_id"].initial = uuid.uuid4()
            self.fields["occurred_on"].initial = timezone.localdate()

    create_only: tuple = ()

    def clean_kind(self):
        if self.cleaned_data["kind"] != self.kind:
            raise ValidationError(_("Choose what is being reported."))
        return self.kind

    def fact_names(self) -> list[str]:
        return [name for _title, names in self.sections for name in names if name in self.fields]

    def grouped(self):
        """The sections with their bound fields, for the template."""
        for title, names in self.sections:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield title, fields

    def facts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fact_names()}


def _country_choices():
    return _choose(list(Country.objects.order_by("name").values_list("code", "name")), gettext_lazy("Not known yet"))


class IntentForm(VillageEntryForm):
    nik = forms.RegexField(
        r"^[0-9]{16}$",
        label=gettext_lazy("NIK"),
        max_length=16,
        help_text=gettext_lazy("All 16 digits, as on the identity card (KTP)."),
        error_messages={"invalid": gettext_lazy("A NIK must be exactly 16 digits.")},
        widget=_text(inputmode="numeric", autocomplete="off", pattern="[0-9]{16}", maxlength="16"),
    )
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        help_text=gettext_lazy("As on the identity card."),
        max_length=150,
        widget=_text(autocomplete="off"),
    )
    birth_date = forms.DateField(label=gettext_lazy("Birth date"), widget=_date())
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=_choose(Sex.choices), widget=_select())
    birth_place = forms.CharField(label=gettext_lazy("Birth place"), max_length=100, widget=_text())
    education = forms.ChoiceField(label=gettext_lazy("Education"), choices=_choose(Education.choices), widget=_select())
    marital_status = forms.ChoiceField(
        label=gettext_lazy("Marital status"), choices=_choose(MaritalStatus.choices), widget=_select()
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        help_text=gettext_lazy("The person's own number, if they have one."),
        max_length=30,
        required=False,
        widget=_text(type="tel", inputmode="tel", autocomplete="off"),
    )
    destination_country = forms.ChoiceField(
        label=gettext_lazy("Country hoped for"), choices=(), required=False, widget=_select()
    )
    hoped_work = forms.CharField(
        label=gettext_lazy("Work hoped for"),
        help_text=gettext_lazy("For example: factory worker, caregiver, plantation worker."),
        max_length=120,
        required=False,
        widget=_text(),
    )
    consenter_name = forms.CharField(
        label=gettext_lazy("Who in the family gave consent"),
        help_text=gettext_lazy("The name of the husband or wife, father or mother, or guardian."),
        max_length=150,
        widget=_text(autocomplete="off"),
    )
    consent_relation = forms.ChoiceField(
        label=gettext_lazy("Their relation to the person"),
        choices=_choose(ConsentRelation.choices),
        widget=_select(),
    )
    consent_given_on = forms.DateField(label=gettext_lazy("Date the family gave consent"), widget=_date())
    consent_letter = forms.FileField(
        label=gettext_lazy("Photo of the consent letter"),
        help_text=gettext_lazy("Optional. A clear photo of the signed letter (JPEG or PNG, at most 1 MB)."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "image/*", "capture": "environment"}),
    )

    create_only = (
        "nik",
        "full_name",
        "birth_date",
        "sex",
        "birth_place",
        "education",
        "marital_status",
        "phone",
        "consenter_name",
        "consent_relation",
        "consent_given_on",
        "consent_letter",
    )
    sections = [
        (
            gettext_lazy("The person"),
            ["nik", "full_name", "birth_date", "sex", "birth_place", "education", "marital_status", "phone"],
        ),
        (gettext_lazy("Work abroad hoped for"), ["destination_country", "hoped_work"]),
        (
            gettext_lazy("The family's consent, known to the village head"),
            ["consenter_name", "consent_relation", "consent_given_on", "consent_letter"],
        ),
        (gettext_lazy("The report"), ["occurred_on", "details"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination_country"].choices = _country_choices()


class PersonEventForm(VillageEntryForm):
    """A departure, return or death: a person of the village, chosen from the registry when known."""

    # The person by their registry id, never their NIK: the page is cached on the phone, and a
    # village officer does not see full NIKs. The server turns the id into the NIK.
    person = forms.ChoiceField(
        label=gettext_lazy("Person of the village"),
        help_text=gettext_lazy("Choose the person if they are on the registry; otherwise write the name below."),
        required=False,
        widget=_select(),
    )
    person_name = forms.CharField(
        label=gettext_lazy("Name, if not in the list"),
        help_text=gettext_lazy("The name as the village knows it."),
        max_length=150,
        required=False,
        widget=_text(autocomplete="off"),
    )

    person_section = (gettext_lazy("The person"), ["person", "person_name"])
    # The edit of a report whose person is not (or no longer) in the village's list keeps its NIK.
    KEEP = "keep"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = list(
            Worker.objects.visible_to(self.officer)
            .filter(village_id=self.officer.village_id)
            .order_by("full_name")
            .only("id", "nik", "nik_last4", "full_name")
        )
        self.people = {str(worker.pk): (worker.nik, worker.full_name) for worker in people}
        self.id_of_nik = {worker.nik: str(worker.pk) for worker in people}
        choices = [(str(worker.pk), f"{worker.full_name} ({worker.masked_nik})") for worker in people]
        report = self.report
        if report is not None and report.person_nik and report.person_nik not in self.id_of_nik:
            choices.append((self.KEEP, f"{report.person_name or '?'} ({mask_number(report.person_nik)})"))
        self.fields["person"].choices = _choose(choices, NOT_IN_THE_LIST)

    @classmethod
    def initial_person(cls, report: VillageReport) -> str:
        """The choice of the report's person on its edit form (its NIK is never on the page)."""
        if not report.person_nik:
            return ""
        worker = Worker.objects.filter(nik_hash=report.person_nik_hash, village_id=report.village_id).only("id").first()
        return str(worker.pk) if worker is not None else cls.KEEP

    def person_value(self, nik: str) -> str:
        """The choice that stands for this NIK on the form ("" when none)."""
        if not nik:
            return ""
        return self.id_of_nik.get(nik, self.KEEP)

    def clean(self):
        data = super().clean()
        person = data.get("person") or ""
        if person == self.KEEP and self.report is not None:
            data["person_nik"] = self.report.person_nik
        elif person in self.people:
            nik, name = self.people[person]
            data["person_nik"] = nik
            # A person chosen from the list is named on the report as the registry names them.
            data["person_name"] = data.get("person_name") or name
        else:
            data["person_nik"] = ""
        return data

    def facts(self) -> dict:
        facts = super().facts()
        facts.pop("person", None)
        facts["person_nik"] = self.cleaned_data.get("person_nik", "")
        return facts


class DepartureForm(PersonEventForm):
    sections = [PersonEventForm.person_section, (gettext_lazy("What was seen"), ["occurred_on", "details"])]


class ReturnForm(PersonEventForm):
    needs = forms.MultipleChoiceField(
        label=gettext_lazy("What the person needs"),
        help_text=gettext_lazy("Tick all that apply."),
        choices=ReturnNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    sections = [PersonEventForm.person_section, (gettext_lazy("What was seen"), ["occurred_on", "needs", "details"])]


class DeathForm(PersonEventForm):
    contact_name = forms.CharField(
        label=gettext_lazy("Family member to contact"),
        max_length=150,
        required=False,
        widget=_text(autocomplete="off"),
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Their phone"),
        max_length=30,
        required=False,
        widget=_text(type="tel", inputmode="tel", autocomplete="off"),
    )
    sections = [
        PersonEventForm.person_section,
        (gettext_lazy("What the family heard"), ["occurred_on", "details"]),
        (gettext_lazy("The family"), ["contact_name", "contact_phone"]),
    ]


class BrokerForm(VillageEntryForm):
    broker_name = forms.CharField(
        label=gettext_lazy("Broker's name"), max_length=150, required=False, widget=_text(autocomplete="off")
    )
    broker_nickname = forms.CharField(
        label=gettext_lazy("Nickname"),
        help_text=gettext_lazy("What people in the village call them."),
        max_length=80,
        required=False,
        widget=_text(autocomplete="off"),
    )
    broker_phones = BrokerPhonesField(
        label=gettext_lazy("Phone numbers"),
        help_text=gettext_lazy("Up to three numbers the broker uses."),
        required=False,
    )
    broker_vehicle = forms.CharField(
        label=gettext_lazy("Vehicle"),
        help_text=gettext_lazy("Kind, colour, number plate."),
        max_length=120,
        required=False,
        widget=_text(),
    )
    seen_at_place = forms.CharField(
        label=gettext_lazy("Where the broker was seen"), max_length=200, required=False, widget=_text()
    )
    approached = forms.CharField(
        label=gettext_lazy("Whom they approached"),
        help_text=gettext_lazy("Names or how many people, and what was promised."),
        required=False,
        max_length=4000,
        widget=_textarea(2),
    )
    claimed_company = forms.CharField(
        label=gettext_lazy("Company they claim to work for"), max_length=200, required=False, widget=_text()
    )
    sections = [
        (gettext_lazy("The broker"), ["broker_name", "broker_nickname", "broker_phones", "broker_vehicle"]),
        (
            gettext_lazy("What was seen"),
            ["occurred_on", "seen_at_place", "approached", "claimed_company", "details"],
        ),
    ]

    def phone_inputs(self) -> list[str]:
        """The values of the three phone inputs (what was typed, or the report's numbers)."""
        if self.is_bound:
            values = self.data.getlist("broker_phones") if hasattr(self.data, "getlist") else []
        else:
            values = list(self.initial.get("broker_phones") or [])
        values = [value for value in values if value][:BROKER_PHONE_INPUTS]
        return values + [""] * (BROKER_PHONE_INPUTS - len(values))


class VillageComplaintForm(forms.Form):
    """A complaint a family brought to the village office (the field names of the village API's
    complaints). Not a village report: it goes to complaints.services.complaint_file, channel village."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(
        label=gettext_lazy("What is the complaint about?"), choices=_choose(Category.choices), widget=_select()
    )
    description = forms.CharField(
        label=gettext_lazy("What happened?"),
        help_text=gettext_lazy("Who, where, since when, and what you ask for. At least 10 letters."),
        max_length=5000,
        widget=_textarea(4),
    )
    occurred_on = forms.DateField(label=gettext_lazy("When it happened"), required=False, widget=_date())
    country = forms.ChoiceField(label=gettext_lazy("Country where it happened"), choices=(), required=False)
    involves_minor = forms.BooleanField(
        label=gettext_lazy("A child (under 18) is involved"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    person = forms.ChoiceField(
        label=gettext_lazy("Person of the village"),
        help_text=gettext_lazy("Choose the person if they are on the registry; otherwise write the name below."),
        required=False,
        widget=_select(),
    )
    worker_name = forms.CharField(
        label=gettext_lazy("Name, if not in the list"), max_length=150, required=False, widget=_text(autocomplete="off")
    )
    complainant_name = forms.CharField(
        label=gettext_lazy("Complainant's name"), max_length=150, required=False, widget=_text(autocomplete="off")
    )
    complainant_phone = forms.CharField(
        label=gettext_lazy("Complainant's phone"),
        help_text=gettext_lazy("The tracking code and the secret are sent to this number by SMS."),
        max_length=30,
        required=False,
        widget=_text(type="tel", inputmode="tel", autocomplete="off"),
    )
    complainant_relation = forms.ChoiceField(
        label=gettext_lazy("The complainant is"),
        choices=_choose(ComplainantRelation.choices),
        required=False,
        widget=_select(),
    )
    identity_shared_with_company = forms.BooleanField(
        label=gettext_lazy("The complainant agrees that the company may see who they are"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    sections = [
        (
            gettext_lazy("The complaint"),
            ["category", "description", "occurred_on", "country", "involves_minor"],
        ),
        (gettext_lazy("The worker"), ["person", "worker_name"]),
        (
            gettext_lazy("Who came to the village office"),
            ["complainant_name", "complainant_phone", "complainant_relation", "identity_shared_with_company"],
        ),
    ]

    def __init__(self, *args, officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer
        self.fields["country"].widget = _select()
        self.fields["country"].choices = _country_choices()
        people = list(
            Worker.objects.visible_to(officer)
            .filter(village_id=officer.village_id)
            .order_by("full_name")
            .only("id", "nik", "nik_last4", "full_name")
        )
        # By registry id, never the NIK: the page is kept on the phone (as on the report forms).
        self.people = {str(worker.pk): worker for worker in people}
        self.fields["person"].choices = _choose(
            [(str(worker.pk), f"{worker.full_name} ({worker.masked_nik})") for worker in people], NOT_IN_THE_LIST
        )
        if not self.is_bound:
            self.fields["client_id"].initial = uuid.uuid4()

    def grouped(self):
        for title, names in self.sections:
            yield title, [self[name] for name in names]

    def service_arguments(self) -> dict:
        """What complaint_file takes: the person chosen becomes the worker's NIK (and name)."""
        data = dict(self.cleaned_data)
        person = self.people.get(data.pop("person") or "")
        data["worker_nik"] = person.nik if person else ""
        if person is not None and not data["worker_name"]:
            data["worker_name"] = person.full_name
        code = data.pop("country")
        data["country"] = Country.objects.filter(pk=code).first() if code else None
        return data


FORMS = {
    VillageReportKind.INTENT: IntentForm,
    VillageReportKind.DEPARTURE_SEEN: DepartureForm,
    VillageReportKind.RETURN_SEEN: ReturnForm,
    VillageReportKind.DEATH_OR_REPATRIATION: DeathForm,
    VillageReportKind.SUSPECTED_RECRUITER: BrokerForm,
}


def village_officer_required(view):
    """The village's own officers only: anyone else is refused (403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_village_officer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def report_links() -> list[tuple[str, str]]:
    """The big buttons of the village home: one form per kind, and the complaint."""
    return [
        *(
            (reverse("portal:village_report_new", args=[slug]), VillageReportKind(kind).label)
            for slug, kind in SLUG_KINDS.items()
        ),
        (reverse("portal:village_report_new", args=[COMPLAINT_SLUG]), COMPLAINT_LABEL),
    ]


# How many of the village's complaints its home lists (the most recent first).
HOME_COMPLAINTS = 10


def village_complaints(user):
    """The complaints the village filed (not what others filed about its people: an anonymous
    complaint about a broker of the village stays out of the village office's sight)."""
    return Complaint.objects.visible_to(user).filter(channel=Channel.VILLAGE, area_code=user.village_id)


@village_officer_required
def village_home(request):
    """A village officer's home: the village's people by stage and its reports, on a light page
    (no chart library, no page scripts) for a cheap phone on a weak link."""
    user = request.user
    complaints = village_complaints(user)
    return render(
        request,
        "portal/village_home.html",
        {
            "village": user.village,
            "report_links": report_links(),
            "complaints": list(
                complaints.only("id", "tracking_code", "category", "status", "filed_at")[:HOME_COMPLAINTS]
            ),
            "complaint_count": complaints.count(),
            **village_at_glance(user, user.village_id),
        },
    )


def _saved_message(request, report: VillageReport) -> None:
    if getattr(report, "replayed", False):
        messages.info(request, _("Already saved: this entry had been sent before, nothing was added."))
    else:
        messages.success(request, _("Saved: %(kind)s.") % {"kind": report.get_kind_display()})


@village_officer_required
def village_report_new(request, slug: str):
    """One form of what the village saw; a refused entry comes back with the messages, nothing written."""
    if slug == COMPLAINT_SLUG:
        return village_complaint_new(request)
    kind = SLUG_KINDS.get(slug)
    if kind is None:
        raise Http404
    user = request.user
    form_class = FORMS[kind]
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, kind=kind, officer=user)
    else:
        form = form_class(kind=kind, officer=user)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == VillageReportKind.INTENT:
                report = village_intent_record(
                    actor=user,
                    village=user.village,
                    client_id=data["client_id"],
                    occurred_on=data["occurred_on"],
                    details=data["details"],
                    **{name: data[name] for name in form.fact_names() if name not in ("occurred_on", "details")},
                )
            else:
                report = village_report_create(
                    actor=user,
                    village=user.village,
                    kind=kind,
                    client_id=data["client_id"],
                    **form.facts(),
                )
        except (DomainError, ValidationError) as error:
            form_add_refusal(form, error)
            refusal = error.message if isinstance(error, DomainError) and error.fields else None
        else:
            _saved_message(request, report)
            return redirect("portal:village_home")
    return render(
        request,
        "portal/village_report_form.html",
        {"form": form, "kind": kind, "kind_label": VillageReportKind(kind).label, "refusal": refusal},
    )


@never_cache
def village_complaint_new(request):
    """A complaint the family brought to the village office. Without JavaScript it is filed at once
    and the answer shows the tracking code and the secret, this once (never in a URL); with
    JavaScript the same form goes to the phone's outbox and the village API (data-api-url), and
    the SMS to the complainant carries both."""
    user = request.user
    if request.method == "POST":
        form = VillageComplaintForm(request.POST, officer=user)
    else:
        form = VillageComplaintForm(officer=user)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            complaint, secret = complaint_file(actor=user, channel=Channel.VILLAGE, **form.service_arguments())
        except DomainError as error:
            form_add_refusal(form, error)
            refusal = error.message if error.fields else None
        else:
            return render(
                request,
                "portal/village_complaint_filed.html",
                {"complaint": complaint, "secret": secret, "replayed": complaint.replayed},
            )
    return render(
        request,
        "portal/village_complaint_form.html",
        {
            "form": form,
            "kind_label": COMPLAINT_LABEL,
            "refusal": refusal,
            "api_url": reverse("api:village-complaint-list"),
        },
    )


def _display(form: VillageEntryForm, name: str, value) -> str:
    """A fact as the officer reads it (choices by their label, lists joined)."""
    field = form.fields[name]
    if value in (None, "", []):
        return "—"
    choices = dict(getattr(field, "choices", None) or [])
    if isinstance(value, list | tuple):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if name == "person":
        return str(choices.get(value, "?"))
    return str(choices.get(value, value))


def _current_value(form: VillageEntryForm, name: str, current: dict, report: VillageReport):
    """A fact of the saved version (the service's snapshot, its NIK masked) in the form's terms;
    the person from the saved report itself."""
    if name == "person":
        return form.person_value(report.person_nik)
    return current.get(name)


def _initial(report: VillageReport) -> dict:
    initial = {
        "kind": report.kind,
        "base_version": report.version,
        **{name: getattr(report, name) for name in FORMS[report.kind].declared_fields if hasattr(report, name)},
        "occurred_on": report.occurred_on,
        "details": report.details,
    }
    if "person" in FORMS[report.kind].declared_fields:
        initial["person"] = PersonEventForm.initial_person(report)
    return initial


@village_officer_required
def village_report_edit(request, pk: int):
    """Change a report of the officer's own village. An edit made on a version someone has changed
    since is not written: the page shows both versions and the officer chooses."""
    user = request.user
    report = get_object_or_404(VillageReport.objects.visible_to(user).filter(village_id=user.village_id), pk=pk)
    form_class = FORMS[report.kind]
    closed = report.status == VillageReportStatus.CLOSED
    conflict = None
    refusal = None
    if request.method == "POST" and not closed:
        form = form_class(request.POST, kind=report.kind, officer=user, report=report)
        if form.is_valid():
            data = form.cleaned_data
            try:
                village_report_update(
                    actor=user, report_id=report.pk, base_version=data["base_version"], **form.facts()
                )
            except (DomainError, ValidationError) as error:
                if isinstance(error, DomainError) and error.code == "edit_conflict":
                    current = error.extra["current"]
                    report.refresh_from_db()
                    conflict = {
                        "version": current["version"],
                        "rows": [
                            {
                                "label": form.fields[name].label,
                                "mine": _display(form, name, data[name]),
                                "saved": _display(form, name, _current_value(form, name, current, report)),
                            }
                            for name in form.fact_names()
                        ],
                    }
                    for row in conflict["rows"]:
                        row["differs"] = row["mine"] != row["saved"]
                    # "Keep mine" sends the same values again, made on the version now saved.
                    values = request.POST.copy()
                    values["base_version"] = str(current["version"])
                    form = form_class(values, kind=report.kind, officer=user, report=report)
                    form.is_valid()
                elif isinstance(error, DomainError) and error.code == "report_closed":
                    closed = True
                    report.refresh_from_db()
                else:
                    form_add_refusal(form, error)
                    refusal = error.message if isinstance(error, DomainError) and error.fields else None
            else:
                messages.success(request, _("The report is changed."))
                return redirect("portal:village_home")
    else:
        form = form_class(initial=_initial(report), kind=report.kind, officer=user, report=report)
    return render(
        request,
        "portal/village_report_edit.html",
        {
            "form": form,
            "report": report,
            "kind": report.kind,
            "kind_label": report.get_kind_display(),
            "closed": closed,
            "conflict": conflict,
            "refusal": refusal,
        },
    )
