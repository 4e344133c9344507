"""The public's complaint pages: no account, no login anywhere.

- ``complaint_new``: the form (works without JavaScript, on a phone); a budget per client
  address, a honeypot field and a signed time stamp keep scripts out without a third-party
  service. On success the code and the secret are shown once (post/redirect/get: the secret
  waits in the session only until that page is drawn).
- ``complaint_track``: the code and the secret are posted, never put in a URL (so no log keeps
  them); a wrong code and a wrong secret get the same 404; wrong attempts count against a budget
  per address. The opened complaint's id stays in the session for
  PUBLIC_TRACK_SESSION_SECONDS, so adding information does not ask for the secret again.
- The status page shows only what the complainant may read: the status, the next step, the
  deadline that applies and the public timeline; no names, NIK, officers or company answers.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaints.choices import OPEN_STATUSES, Channel, ComplaintEventKind, Status
from complaints.models import Complaint
from complaints.services import NEXT_STEP, complaint_add_information, complaint_file, complaint_for_code
from core.errors import DomainError
from core.forms import form_add_refusal

from .forms import ATTACHMENT_FIELDS, AddInformationForm, ComplaintForm, TrackForm
from .guard import (
    HONEYPOT_FIELD,
    additions_budget,
    client_address,
    filing_budget,
    make_stamp,
    stamp_problem,
    tracking_budget,
)

FILED_KEY = "public_complaint_filed"  # the code and secret, until the "filed" page shows them once
OPENED_KEY = "public_complaint_opened"  # {"id": ..., "until": epoch seconds}


def _too_many(request):
    response = render(request, "public/too_many.html", status=429)
    response["Retry-After"] = "3600"
    return response


def _refusal_of_bot_check(problem: str) -> str:
    if problem == "too_fast":
        return _(
            "The form was sent faster than a person can fill it in. If you are a person, check your "
            "entries and press “Send the complaint” again."
        )
    if problem == "expired":
        return _("The form was open for too long. Check your entries and press “Send the complaint” again.")
    return _("The complaint could not be sent. Check your entries and press “Send the complaint” again.")


def _add_service_refusal(form, error: DomainError) -> None:
    """The service names ``attachments``; the form has three file fields: the first carries it."""
    if "attachments" in error.fields:
        for message in error.fields["attachments"]:
            form.add_error(ATTACHMENT_FIELDS[0], message)
        error = DomainError(
            error.code, error.message, fields={k: v for k, v in error.fields.items() if k != "attachments"}
        )
        if not error.fields:
            return
    form_add_refusal(form, error)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    if request.method != "POST":
        form = ComplaintForm(initial={"stamp": make_stamp()})
        return render(request, "public/complaint_new.html", {"form": form})
    address = client_address(request)
    budget = filing_budget()
    if budget.spent(address):
        return _too_many(request)
    problem = "honeypot" if request.POST.get(HONEYPOT_FIELD) else stamp_problem(request.POST.get("stamp", ""))
    if problem:
        budget.count(address)  # a script's attempt spends the budget as a complaint would
        data = request.POST.copy()
        data["stamp"], data[HONEYPOT_FIELD] = make_stamp(), ""
        context = {
            "form": ComplaintForm(data),
            "refusal": _refusal_of_bot_check(problem),
            "files_dropped": bool(request.FILES),
        }
        return render(request, "public/complaint_new.html", context, status=400)
    form = ComplaintForm(request.POST, request.FILES)
    if form.is_valid():
        actor = request.user if request.user.is_authenticated else None
        try:
            complaint, secret = complaint_file(actor=actor, channel=Channel.WEB, **form.service_arguments())
        except DomainError as error:
            _add_service_refusal(form, error)
        else:
            budget.count(address)
            request.session[FILED_KEY] = {"id": complaint.pk, "secret": secret}
            return redirect("public:complaint_filed")
    context = {"form": form, "files_dropped": bool(request.FILES)}
    return render(request, "public/complaint_new.html", context, status=400)


@never_cache
def complaint_filed(request):
    """The code and the secret, shown once: a reload finds them gone and goes to the tracking form."""
    filed = request.session.pop(FILED_KEY, None)
    complaint = Complaint.objects.filter(pk=filed["id"]).first() if filed else None
    if complaint is None:
        return redirect("public:complaint_track")
    context = {
        "code": complaint.tracking_code,
        "secret": filed["secret"],
        "acknowledge_due_at": complaint.acknowledge_due_at,
        "told_by_message": bool(complaint.complainant_phone or complaint.complainant_email),
    }
    return render(request, "public/complaint_filed.html", context)


def _opened(request) -> Complaint | None:
    """The complaint this browser opened with its code and secret, while that lasts."""
    opened = request.session.get(OPENED_KEY)
    if not opened or opened.get("until", 0) < time.time():
        request.session.pop(OPENED_KEY, None)
        return None
    return Complaint.objects.filter(pk=opened["id"]).first()


# What the public timeline says for each kind of step; status changes name the statuses only.
def _timeline(complaint: Complaint) -> list[dict]:
    entries = []
    events = (
        complaint.events.filter(public=True)
        .order_by("at", "id")
        .only("at", "kind", "from_status", "to_status", "reason", "data", "complaint_id")
    )
    for event in events:
        entry = {"at": event.at, "kind": event.kind, "text": "", "files": 0}
        if event.kind == ComplaintEventKind.FILED:
            entry["title"] = _("Complaint received")
        elif event.kind == ComplaintEventKind.STATUS:
            entry["title"] = _("Status: %(status)s") % {"status": Status(event.to_status).label}
        elif event.kind == ComplaintEventKind.INFORMATION_ADDED:
            entry["title"] = _("You added information")
            entry["text"] = event.reason  # the complainant's own words
            entry["files"] = int((event.data or {}).get("files") or 0)
        else:
            entry["title"] = ComplaintEventKind(event.kind).label
        entries.append(entry)
    return entries


def _status_page(request, complaint: Complaint, add_form=None, status: int = 200):
    context = {
        "complaint": complaint,
        "status_label": Status(complaint.status).label,
        "next_step": NEXT_STEP[Status(complaint.status)],
        "is_open": complaint.status in OPEN_STATUSES,
        "awaiting_acknowledgement": complaint.status == Status.RECEIVED and complaint.acknowledged_at is None,
        "may_add": complaint.status not in (Status.CLOSED, Status.REJECTED),
        "timeline": _timeline(complaint),
        "add_form": add_form or AddInformationForm(),
    }
    return render(request, "public/complaint_status.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_track(request):
    if request.method != "POST":
        complaint = _opened(request)
        if complaint is not None:
            return _status_page(request, complaint)
        return render(request, "public/complaint_track.html", {"form": TrackForm()})
    address = client_address(request)
    budget = tracking_budget()
    if budget.spent(address):
        return _too_many(request)
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "public/complaint_track.html", {"form": form}, status=400)
    complaint = complaint_for_code(form.cleaned_data["code"], form.cleaned_data["secret"])
    if complaint is None:
        budget.count(address)
        return render(request, "public/complaint_not_found.html", status=404)
    request.session.cycle_key()  # a new session id once it opens a complaint
    request.session[OPENED_KEY] = {"id": complaint.pk, "until": time.time() + settings.PUBLIC_TRACK_SESSION_SECONDS}
    return redirect("public:complaint_track")


@never_cache
@require_POST
def complaint_add_information_view(request):
    complaint = _opened(request)
    if complaint is None:
        messages.info(request, _("Open the complaint again with its code and secret."))
        return redirect("public:complaint_track")
    address, budget = client_address(request), additions_budget()
    if budget.spent(address):
        return _too_many(request)
    form = AddInformationForm(request.POST, request.FILES)
    if form.is_valid():
        attachments = [form.cleaned_data["file"]] if form.cleaned_data.get("file") else []
        try:
            complaint_add_information(
                complaint_id=complaint.pk, text=form.cleaned_data["text"], attachments=attachments
            )
        except DomainError as error:
            if "attachments" in error.fields:
                error.fields["file"] = error.fields.pop("attachments")
            form_add_refusal(form, error)
        else:
            budget.count(address)
            messages.success(request, _("Thank you: your information is added to the complaint."))
            return redirect("public:complaint_track")
    return _status_page(request, complaint, add_form=form, status=400)


@require_POST
def complaint_track_close(request):
    """Forget the opened complaint on this device (a shared phone)."""
    request.session.pop(OPENED_KEY, None)
    messages.info(request, _("You left the complaint on this device."))
    return redirect("public:complaint_track")
