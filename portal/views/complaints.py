"""The pages of those who handle complaints: the queue coloured by time left, a complaint's page
with its timeline and the steps that may be taken (each a small POST form calling
complaints.services), the hotline entry, and the referrals a company or a mission answers.

Who may read: ``may_handle_complaints`` (complaint officers and officials) for the queue and a
complaint's page, companies and missions for what was referred to them; every page starts from
``visible_to`` and an object outside it is a 404. The complainant's name, phone and e-mail are
shown only to complaint officers (``may_see_complainants``); a company sees them only when the
complainant agreed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import User
from agencies.models import Agency, Employer, FieldRecruiter
from complaints import services
from complaints.choices import OPEN_STATUSES, TRANSITIONS, Channel, ComplaintEventKind, Level, ReferralTarget, Status
from complaints.filtersets import NEXT_DUE, ComplaintFilterSet, overdue_condition
from complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, ComplaintReferral
from core import clock
from core.crypto import keyed_hash
from core.errors import DomainError
from core.forms import form_add_refusal
from core.listing import list_page
from core.permissions import (
    is_agency_user,
    is_mission_officer,
    may_handle_complaints,
    may_see_complainants,
    may_take_hotline_calls,
)
from core.personal_data import mask_number
from placement.models import Placement
from portal.complaint_forms import (
    AnswerForm,
    AssignForm,
    ComplaintEntryForm,
    LinkSearchForm,
    ReferForm,
    TransitionForm,
)
from portal.selectors import TimelineEntry
from recruitment.models import Worker
from villages.models import Regency, Village

HOME_ROWS = 10
LINK_RESULTS = 8
FILE_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

# The words beside each colour, so the queue never speaks by colour alone.
TONE_LABELS = {
    "danger": gettext_lazy("Overdue"),
    "warning": gettext_lazy("Due soon"),
    "success": gettext_lazy("On time"),
    "secondary": gettext_lazy("No deadline running"),
}

# What each button says, by (from, to); TRANSITIONS decides which are offered.
TRANSITION_LABELS = {
    (Status.RECEIVED, Status.VERIFIED): gettext_lazy("Verify (acknowledge)"),
    (Status.VERIFIED, Status.IN_PROGRESS): gettext_lazy("Start work"),
    (Status.IN_PROGRESS, Status.RESOLVED): gettext_lazy("Resolve"),
    (Status.RESOLVED, Status.CLOSED): gettext_lazy("Close"),
    (Status.RECEIVED, Status.REJECTED): gettext_lazy("Reject"),
    (Status.VERIFIED, Status.REJECTED): gettext_lazy("Reject"),
    (Status.VERIFIED, Status.RECEIVED): gettext_lazy("Back to received"),
    (Status.IN_PROGRESS, Status.VERIFIED): gettext_lazy("Back to verified"),
    (Status.RESOLVED, Status.IN_PROGRESS): gettext_lazy("Reopen: back to in progress"),
    (Status.REJECTED, Status.RECEIVED): gettext_lazy("Reconsider: back to received"),
}
# Which field each target asks for besides the optional note.
NEEDS = {Status.RESOLVED: "outcome", Status.CLOSED: "outcome", Status.REJECTED: "reason"}
# The steps back (a verification undone, a resolution that did not hold), drawn as secondary buttons.
BACKWARD = {
    (Status.VERIFIED, Status.RECEIVED),
    (Status.IN_PROGRESS, Status.VERIFIED),
    (Status.RESOLVED, Status.IN_PROGRESS),
    (Status.REJECTED, Status.RECEIVED),
}

NIK = re.compile(r"^[0-9]{16}$")


def _require_handler(user) -> None:
    if not may_handle_complaints(user):
        raise PermissionDenied


def add_tone(complaint: Complaint, now) -> Complaint:
    """The row's colour and its words, and the deadline it works against."""
    complaint.tone = services.time_left_tone(complaint, now=now)
    complaint.tone_label = TONE_LABELS[complaint.tone]
    if complaint.status == Status.RECEIVED:
        complaint.due_label, complaint.due_at = _("Acknowledge by"), complaint.acknowledge_due_at
    elif complaint.status in OPEN_STATUSES:
        complaint.due_label, complaint.due_at = _("Resolve by"), complaint.resolve_due_at
    else:
        complaint.due_label, complaint.due_at = "", None
    return complaint


def _queue_queryset(user):
    return Complaint.objects.visible_to(user).select_related("assigned_to", "country")


@login_required
def complaint_queue(request):
    user = request.user
    _require_handler(user)
    listing = list_page(request, _queue_queryset(user), ComplaintFilterSet, default_sort="next_due")
    now = clock.now()
    rows = [add_tone(complaint, now) for complaint in listing.page.object_list]
    add_area_names(rows)
    return render(request, "portal/complaint_queue.html", {"listing": listing, "rows": rows})


def add_area_names(complaints: list[Complaint]) -> None:
    """Each complaint's area by name (a regency or a village): two queries for the whole page."""
    codes = {complaint.area_code for complaint in complaints if complaint.area_code}
    if not codes:
        return
    names = dict(Regency.objects.filter(code__in=codes).values_list("code", "name"))
    names.update(Village.objects.filter(code__in=codes).values_list("code", "name"))
    for complaint in complaints:
        complaint.area_name = names.get(complaint.area_code, "")


def officer_queue(user, rows: int = HOME_ROWS) -> dict:
    """A complaint officer's home: their open complaints first, the most overdue first."""
    open_ = _queue_queryset(user).filter(status__in=OPEN_STATUSES)
    mine_first = Case(When(assigned_to=user, then=Value(0)), default=Value(1), output_field=IntegerField())
    now = clock.now()
    complaints = [add_tone(c, now) for c in open_.order_by(mine_first, NEXT_DUE.asc(), "id")[:rows]]
    return {
        "complaints": complaints,
        "open_count": open_.count(),
        "mine_count": open_.filter(assigned_to=user).count(),
        "overdue_count": open_.filter(overdue_condition(now)).count(),
    }


# --- A complaint's page ---------------------------------------------------------------------


def _handled_complaint(request, pk: int) -> Complaint:
    _require_handler(request.user)
    return get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related(
            "country", "worker", "placement__job_order", "agency", "employer", "recruiter", "assigned_to", "filed_by"
        ),
        pk=pk,
    )


def _event_detail(event: ComplaintEvent, names: dict) -> str:
    data = event.data or {}
    parts = []
    if event.kind == ComplaintEventKind.STATUS and event.from_status:
        parts.append(f"{Status(event.from_status).label} → {Status(event.to_status).label}")
    elif event.kind == ComplaintEventKind.ESCALATED and data.get("to") in Level.values:
        parts.append(_("now handled at the %(level)s level") % {"level": Level(data["to"]).label})
    elif event.kind == ComplaintEventKind.ASSIGNED and data.get("to"):
        parts.append(_("to %(officer)s") % {"officer": names.get(data["to"], "?")})
    elif event.kind == ComplaintEventKind.FILED and data.get("channel") in Channel.values:
        parts.append(str(Channel(data["channel"]).label))
    elif event.kind == ComplaintEventKind.LINKED:
        fields = [str(Complaint._meta.get_field(name).verbose_name) for name in data if name != "from"]
        parts.append(", ".join(fields))
    if event.reason:
        parts.append(event.reason)
    return " · ".join(parts)


def _timeline(complaint: Complaint) -> list[TimelineEntry]:
    events = list(complaint.events.select_related("actor").order_by("at", "id"))
    ids = {e.data.get("to") for e in events if e.kind == ComplaintEventKind.ASSIGNED and isinstance(e.data, dict)}
    names = {user.pk: str(user) for user in User.objects.filter(pk__in=[i for i in ids if i])} if ids else {}
    return [
        TimelineEntry(at=e.at, title=e.get_kind_display(), detail=_event_detail(e, names), actor=e.actor)
        for e in events
    ]


@dataclass
class Step:
    to_status: str
    label: str
    needs: str  # "outcome", "reason" or ""
    forward: bool
    form: TransitionForm


def _steps(complaint: Complaint, failed: TransitionForm | None) -> list[Step]:
    steps = []
    for to_status in TRANSITIONS.get(Status(complaint.status), ()):
        prefix = f"to-{to_status}"
        if failed is not None and failed.prefix == prefix:
            form = failed
        else:
            initial = {"outcome": complaint.outcome} if to_status == Status.CLOSED else {}
            form = TransitionForm(initial=initial, prefix=prefix)
        steps.append(
            Step(
                to_status=to_status,
                label=TRANSITION_LABELS.get((complaint.status, to_status), Status(to_status).label),
                needs=NEEDS.get(to_status, ""),
                forward=(complaint.status, to_status) not in BACKWARD and to_status != Status.REJECTED,
                form=form,
            )
        )
    return steps


def _identity(complaint: Complaint, user, *, for_company: bool = False) -> dict:
    """The complainant as this user may see them: in full, hidden, or anonymous."""
    if complaint.anonymous:
        return {"state": "anonymous"}
    shown = complaint.identity_shared_with_company if for_company else may_see_complainants(user)
    if not shown:
        return {"state": "hidden"}
    return {
        "state": "shown",
        "name": complaint.complainant_name,
        "phone": complaint.complainant_phone,
        "email": complaint.complainant_email,
        "relation": complaint.get_complainant_relation_display(),
    }


def _detail_context(request, complaint: Complaint, **forms) -> dict:
    user = request.user
    referrals = list(complaint.referrals.select_related("agency", "mission", "referred_by", "answered_by"))
    now = clock.now()
    for referral in referrals:
        referral.overdue = referral.due_at is not None and referral.answered_at is None and referral.due_at <= now
    add_tone(complaint, now)
    add_area_names([complaint])
    return {
        "complaint": complaint,
        "identity": _identity(complaint, user),
        "masked_nik": mask_number(complaint.worker_nik),
        "timeline": _timeline(complaint),
        "referrals": referrals,
        "attachments": list(complaint.attachments.all()),
        "steps": _steps(complaint, forms.get("transition_form")),
        "assign_form": forms.get("assign_form") or AssignForm(complaint=complaint),
        "refer_form": forms.get("refer_form") or ReferForm(user=user, complaint=complaint),
        "may_refer": complaint.status not in (Status.CLOSED, Status.REJECTED),
        "link_form": forms.get("link_form") or LinkSearchForm(),
        "link_results": forms.get("link_results"),
    }


@login_required
def complaint_detail(request, pk: int):
    complaint = _handled_complaint(request, pk)
    return render(request, "portal/complaint_detail.html", _detail_context(request, complaint))


def _refused(request, complaint, error_message: str, **forms):
    messages.error(request, _("Nothing was recorded: %(reason)s") % {"reason": error_message})
    return render(request, "portal/complaint_detail.html", _detail_context(request, complaint, **forms), status=400)


def _done(request, complaint, message: str):
    messages.success(request, message)
    return redirect("portal:complaint_detail", pk=complaint.pk)


@login_required
@require_POST
def complaint_transition_view(request, pk: int):
    complaint = _handled_complaint(request, pk)
    to_status = request.POST.get("to_status", "")
    if to_status not in Status.values:
        return _refused(request, complaint, _("choose one of the steps offered."))
    form = TransitionForm(request.POST, prefix=f"to-{to_status}")
    if not form.is_valid():
        return _refused(request, complaint, _("correct the form below."), transition_form=form)
    try:
        services.complaint_transition(
            actor=request.user, complaint_id=complaint.pk, to_status=to_status, **form.cleaned_data
        )
    except DomainError as error:
        form_add_refusal(form, error)
        return _refused(request, complaint, error.message, transition_form=form)
    label = Status(to_status).label
    return _done(request, complaint, _("The complaint is now “%(status)s”.") % {"status": label})


@login_required
@require_POST
def complaint_assign_view(request, pk: int):
    complaint = _handled_complaint(request, pk)
    form = AssignForm(request.POST, complaint=complaint)
    if not form.is_valid():
        return _refused(request, complaint, _("choose an officer from the list."), assign_form=form)
    assignee = form.cleaned_data["assignee"]
    try:
        services.complaint_assign(actor=request.user, complaint_id=complaint.pk, assignee=assignee)
    except DomainError as error:
        form_add_refusal(form, error)
        return _refused(request, complaint, error.message, assign_form=form)
    return _done(request, complaint, _("The complaint is assigned to %(officer)s.") % {"officer": assignee})


@login_required
@require_POST
def complaint_refer_view(request, pk: int):
    complaint = _handled_complaint(request, pk)
    form = ReferForm(request.POST, user=request.user, complaint=complaint)
    if not form.is_valid():
        return _refused(request, complaint, _("correct the form below."), refer_form=form)
    try:
        referral = services.complaint_refer(actor=request.user, complaint_id=complaint.pk, **form.cleaned_data)
    except DomainError as error:
        form_add_refusal(form, error)
        return _refused(request, complaint, error.message, refer_form=form)
    return _done(request, complaint, _("The complaint is referred to %(target)s.") % {"target": _target(referral)})


def _target(referral: ComplaintReferral) -> str:
    if referral.target == ReferralTarget.COMPANY:
        return str(referral.agency)
    if referral.target == ReferralTarget.MISSION:
        return str(referral.mission)
    return referral.police_unit


@dataclass
class Found:
    kind: str  # the complaint_link argument: worker, placement, agency, employer, recruiter
    kind_label: str
    pk: int
    label: str


def link_candidates(user, text: str) -> list[Found]:
    """Records the user may see that match: a NIK exactly, a placement by its number, a person,
    company (or its SIP3MI number), employer (or its registration number) or recruiter by name."""
    text = text.strip()
    found: list[Found] = []
    if NIK.match(text):
        for worker in Worker.objects.visible_to(user).filter(nik_hash=keyed_hash(text))[:LINK_RESULTS]:
            found.append(Found("worker", _("Person"), worker.pk, f"{worker.full_name} · {worker.masked_nik}"))
        for recruiter in FieldRecruiter.objects.visible_to(user).filter(nik_hash=keyed_hash(text))[:LINK_RESULTS]:
            found.append(Found("recruiter", _("Field recruiter"), recruiter.pk, recruiter.full_name))
        return found
    if text.isdigit():
        placements = Placement.objects.visible_to(user).filter(pk=int(text)).select_related("worker", "agency")
        for placement in placements:
            label = f"#{placement.pk} · {placement.worker.full_name} · {placement.agency.name}"
            found.append(Found("placement", _("Placement"), placement.pk, label))
    if len(text) < 3:
        return found
    for worker in (
        Worker.objects.visible_to(user).filter(full_name__icontains=text).order_by("full_name")[:LINK_RESULTS]
    ):
        found.append(Found("worker", _("Person"), worker.pk, f"{worker.full_name} · {worker.masked_nik}"))
    agencies = Agency.objects.visible_to(user).filter(name__icontains=text) | Agency.objects.visible_to(user).filter(
        licence_number__iexact=text
    )
    for agency in agencies.order_by("name")[:LINK_RESULTS]:
        found.append(Found("agency", _("Company"), agency.pk, f"{agency.name} · {agency.licence_number or '–'}"))
    employers = Employer.objects.visible_to(user).filter(name__icontains=text) | Employer.objects.visible_to(
        user
    ).filter(registration_number__iexact=text)
    for employer in employers.select_related("country").order_by("name")[:LINK_RESULTS]:
        found.append(Found("employer", _("Employer"), employer.pk, f"{employer.name} · {employer.country}"))
    recruiters = FieldRecruiter.objects.visible_to(user).filter(full_name__icontains=text).select_related("agency")
    for recruiter in recruiters.order_by("full_name")[:LINK_RESULTS]:
        company = recruiter.agency.name if recruiter.agency else _("no company")
        found.append(Found("recruiter", _("Field recruiter"), recruiter.pk, f"{recruiter.full_name} · {company}"))
    return found


@login_required
@require_POST
def complaint_link_search(request, pk: int):
    """Find what to link (a POST, so a NIK never travels in a URL)."""
    complaint = _handled_complaint(request, pk)
    form = LinkSearchForm(request.POST)
    if not form.is_valid():
        return _refused(request, complaint, _("type what to look for."), link_form=form)
    results = link_candidates(request.user, form.cleaned_data["q"])
    context = _detail_context(request, complaint, link_form=form, link_results=results)
    return render(request, "portal/complaint_detail.html", context)


LINKABLE = {
    "worker": Worker,
    "placement": Placement,
    "agency": Agency,
    "employer": Employer,
    "recruiter": FieldRecruiter,
}


@login_required
@require_POST
def complaint_link_view(request, pk: int):
    complaint = _handled_complaint(request, pk)
    kind = request.POST.get("kind", "")
    model = LINKABLE.get(kind)
    try:
        target_pk = int(request.POST.get("target", ""))
    except ValueError:
        target_pk = None
    if model is None or target_pk is None:
        return _refused(request, complaint, _("choose a record from the search results."))
    target = get_object_or_404(model.objects.visible_to(request.user), pk=target_pk)
    try:
        services.complaint_link(actor=request.user, complaint_id=complaint.pk, **{kind: target})
    except DomainError as error:
        return _refused(request, complaint, error.message)
    return _done(request, complaint, _("The complaint is linked to %(record)s.") % {"record": target})


@login_required
def complaint_attachment(request, pk: int):
    """Stream an attachment to someone who handles the complaint; 404 for anyone else."""
    _require_handler(request.user)
    visible = Complaint.objects.visible_to(request.user).values("pk")
    attachment = get_object_or_404(ComplaintAttachment.objects.filter(complaint__in=visible), pk=pk)
    if not attachment.file:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{attachment.complaint_id}-{attachment.pk}.{FILE_EXTENSIONS.get(attachment.content_type, 'bin')}",
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Entry by an officer (hotline), a mission abroad or a company ---------------------------------


def entry_channel(user) -> str | None:
    if may_take_hotline_calls(user):
        return Channel.HOTLINE
    if is_mission_officer(user) and user.mission_id:
        return Channel.MISSION
    if is_agency_user(user) and user.agency_id:
        return Channel.COMPANY
    return None


@login_required
@never_cache
def complaint_hotline(request):
    """An officer types a call; a mission officer or a company files one. The code and the secret
    are shown once, on the answer to the POST (never in a URL), to be read back to the caller."""
    user = request.user
    channel = entry_channel(user)
    if channel is None:
        raise PermissionDenied
    if request.method == "POST":
        form = ComplaintEntryForm(request.POST, request.FILES, channel=channel, user=user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            attachment = data.pop("attachment", None)
            placement_id = data.pop("placement", None)
            placement = None
            if placement_id:
                placement = Placement.objects.visible_to(user).filter(pk=placement_id).first()
                if placement is None:
                    form.add_error("placement", _("No such placement of your company."))
            if not form.errors:
                try:
                    complaint, secret = services.complaint_file(
                        actor=user,
                        channel=channel,
                        placement=placement,
                        attachments=[attachment] if attachment else [],
                        **data,
                    )
                except DomainError as error:
                    form_add_refusal(form, error)
                else:
                    context = {
                        "complaint": complaint,
                        "secret": secret,
                        "channel": channel,
                        "may_open": Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()
                        and may_handle_complaints(user),
                    }
                    return render(request, "portal/complaint_filed.html", context)
        messages.error(request, _("The complaint was not filed: correct the form below."))
        status = 400
    else:
        initial = {}
        if channel == Channel.COMPANY and request.GET.get("placement", "").isdigit():
            initial["placement"] = int(request.GET["placement"])
        form = ComplaintEntryForm(initial=initial, channel=channel, user=user)
        status = 200
    return render(request, "portal/complaint_new.html", {"form": form, "channel": channel}, status=status)


# --- Referrals a company or a mission answers ------------------------------------------------------


def _referrals_for(user):
    """What was referred to the user's company, or to the user's mission; others may not look."""
    referrals = ComplaintReferral.objects.visible_to(user)
    if is_agency_user(user) and user.agency_id:
        return referrals.filter(target=ReferralTarget.COMPANY, agency_id=user.agency_id)
    if is_mission_officer(user) and user.mission_id:
        return referrals.filter(target=ReferralTarget.MISSION, mission_id=user.mission_id)
    raise PermissionDenied


def _with_view(referral: ComplaintReferral, now) -> ComplaintReferral:
    complaint = referral.complaint
    referral.identity = _identity(complaint, None, for_company=True)
    referral.masked_nik = mask_number(complaint.worker_nik)
    referral.overdue = referral.answered_at is None and referral.due_at is not None and referral.due_at <= now
    return referral


@login_required
def complaint_referrals(request):
    referrals = _referrals_for(request.user).select_related("complaint__country", "referred_by")
    open_first = Case(When(answered_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    page = Paginator(referrals.order_by(open_first, "due_at", "-referred_at", "-id"), 25).get_page(
        request.GET.get("page")
    )
    now = clock.now()
    rows = [_with_view(referral, now) for referral in page.object_list]
    may_file = entry_channel(request.user) is not None
    return render(request, "portal/complaint_referrals.html", {"page": page, "rows": rows, "may_file": may_file})


@login_required
def complaint_referral_detail(request, pk: int):
    referral = get_object_or_404(
        _referrals_for(request.user).select_related("complaint__country", "referred_by", "answered_by"), pk=pk
    )
    form = AnswerForm()
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.referral_answer(actor=request.user, referral_id=referral.pk, **form.cleaned_data)
            except DomainError as error:
                form_add_refusal(form, error)
            else:
                messages.success(request, _("Your answer was sent to the complaint officers."))
                return redirect("portal:complaint_referral_detail", pk=referral.pk)
        messages.error(request, _("The answer was not sent: correct the form below."))
        status = 400
    complaint = referral.complaint
    context = {
        "referral": _with_view(referral, clock.now()),
        "complaint": complaint,
        "form": form,
    }
    return render(request, "portal/complaint_referral_detail.html", context, status=status)
