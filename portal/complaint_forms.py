"""The forms of the complaint pages: each parses what a person typed; complaints.services decides."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agencies.models import Agency
from complaints.choices import Category, ComplainantRelation, ReferralTarget
from complaints.models import Complaint
from core.roles import OFFICIAL_ROLES, Role
from recruitment.models import Country, Mission
from villages.models import Regency

TEXTAREA = {"rows": 3, "class": "form-control"}


def _style(form) -> None:
    """Bootstrap classes on every widget (selects, checkboxes, inputs) and errors tied to fields."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        if form.is_bound and name in form.errors:
            widget.attrs["class"] += " is-invalid"
            widget.attrs["aria-invalid"] = "true"


class TransitionForm(forms.Form):
    """One status change; the service says what each needs (an outcome, a reason)."""

    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000, widget=forms.Textarea(TEXTAREA))
    outcome = forms.CharField(
        label=_("Outcome: what was done and what the worker got"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(TEXTAREA),
    )
    reason = forms.CharField(
        label=_("Reason for rejecting it"), required=False, max_length=2000, widget=forms.Textarea(TEXTAREA)
    )


def assignable_officers(complaint: Complaint):
    """Officers who may handle complaints and whose area holds this one (the service checks again)."""
    code = complaint.area_code or ""
    province = code.split(".")[0] if code else None
    regency = ".".join(code.split(".")[:2]) if code.count(".") >= 1 else None
    condition = Q(role=Role.MINISTRY_OFFICIAL) | Q(role=Role.COMPLAINT_OFFICER, province__isnull=True)
    if province:
        condition |= Q(role__in=[Role.PROVINCE_OFFICIAL, Role.COMPLAINT_OFFICER], province_id=province)
    if regency:
        condition |= Q(role=Role.REGENCY_OFFICIAL, regency_id=regency)
    roles = [*OFFICIAL_ROLES, Role.COMPLAINT_OFFICER]
    return User.objects.filter(condition, is_active=True, role__in=roles).order_by("full_name", "username")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Officer"),
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose an officer.")},
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_officers(complaint)
        self.fields["assignee"].label_from_instance = lambda user: f"{user} ({user.get_role_display()})"
        if complaint.assigned_to_id and not self.is_bound:
            self.initial["assignee"] = complaint.assigned_to_id
        _style(self)


class ReferForm(forms.Form):
    target = forms.ChoiceField(label=_("Refer to"), choices=ReferralTarget.choices)
    agency = forms.ModelChoiceField(label=_("Company"), queryset=Agency.objects.none(), required=False)
    mission = forms.ModelChoiceField(label=_("Mission"), queryset=Mission.objects.order_by("name"), required=False)
    police_unit = forms.CharField(label=_("Police unit"), required=False, max_length=200)
    note = forms.CharField(
        label=_("What is asked of them"), required=False, max_length=5000, widget=forms.Textarea(TEXTAREA)
    )

    def __init__(self, *args, user, complaint: Complaint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.visible_to(user).order_by("name")
        self.fields["agency"].empty_label = _("Choose the company")
        self.fields["mission"].empty_label = _("Choose the mission")
        if not self.is_bound and complaint.agency_id:
            self.initial.update(target=ReferralTarget.COMPANY, agency=complaint.agency_id)
        _style(self)


class LinkSearchForm(forms.Form):
    q = forms.CharField(
        label=_("NIK, name or number"),
        max_length=150,
        help_text=_(
            "A NIK (16 digits, exact), a person's name, a placement number, a company's name or SIP3MI number, "
            "an employer or a field recruiter."
        ),
        error_messages={"required": _("Type what to look for.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["autocomplete"] = "off"
        _style(self)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer: what you did about the complaint"),
        max_length=5000,
        widget=forms.Textarea({"rows": 4, "class": "form-control"}),
        error_messages={"required": _("Write what your company did (at least 10 letters).")},
    )


def _regency_choices():
    groups: dict[str, list] = {}
    for regency in Regency.objects.select_related("province").order_by("province__name", "name"):
        groups.setdefault(regency.province.name, []).append((regency.code, regency.name))
    return [("", _("Choose the regency or city")), *groups.items()]


class ComplaintEntryForm(forms.Form):
    """A complaint typed by an officer (hotline), a mission officer abroad or a company."""

    category = forms.ChoiceField(label=_("What is it about?"), choices=[("", "—"), *Category.choices])
    description = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea({"rows": 5}))
    occurred_on = forms.DateField(
        label=_("When it happened"), required=False, widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    involves_minor = forms.BooleanField(label=_("A child is involved"), required=False)
    area_code = forms.ChoiceField(label=_("The worker's home regency or city"), required=False, choices=())
    country = forms.ModelChoiceField(
        label=_("Country where it happened"), queryset=Country.objects.order_by("name"), required=False
    )
    placement = forms.IntegerField(label=_("Placement number"), required=False, min_value=1)
    worker_name = forms.CharField(label=_("Worker's name"), required=False, max_length=150)
    worker_nik = forms.CharField(label=_("Worker's NIK"), required=False, max_length=16)
    anonymous = forms.BooleanField(label=_("The caller wants to stay anonymous"), required=False)
    complainant_name = forms.CharField(label=_("Complainant's name"), required=False, max_length=150)
    complainant_phone = forms.CharField(label=_("Complainant's phone"), required=False, max_length=30)
    complainant_email = forms.EmailField(label=_("Complainant's e-mail"), required=False)
    complainant_relation = forms.ChoiceField(
        label=_("The complainant is"), required=False, choices=[("", "—"), *ComplainantRelation.choices]
    )
    identity_shared_with_company = forms.BooleanField(
        label=_("The complainant agrees that the company may see who they are"), required=False
    )
    attachment = forms.FileField(label=_("A file (photo, PDF)"), required=False)

    def __init__(self, *args, channel: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel == "mission":
            self.fields["country"].queryset = Country.objects.filter(pk__in=user.mission_country_codes).order_by("name")
            self.fields["country"].required = True
            self.fields["anonymous"].label = _("The complainant wants to stay anonymous")
            self.fields["area_code"].label = _("The worker's home regency or city (if known)")
        if channel == "company":
            self.fields["anonymous"].label = _("Do not name the complainant")
            del self.fields["identity_shared_with_company"]
        else:
            del self.fields["placement"]
        if channel == "hotline":
            self.fields["country"].required = False
        self.fields["area_code"].choices = _regency_choices()
        self.fields["country"].empty_label = "—"
        self.fields["worker_nik"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["complainant_phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.fields["description"].widget.attrs["class"] = "form-control"
        _style(self)
