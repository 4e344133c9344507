"""Officials' pages for what village officers reported: a list of the events in the jurisdiction
(two officers' reports of one event are one row with two sources), a report's page with its
sources, timeline, flags and outcome, and closing or reopening it with a note.

Who may read: officials, the national oversight roles, complaint officers and village officers
(their own village): ``may_see_village_reports``; companies and missions get 403. Every page
starts from ``VillageReport.objects.visible_to(user)``: a report outside it is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import form_add_refusal
from core.listing import list_page
from core.permissions import may_close_village_reports, may_see_village_reports
from core.personal_data import mask_number
from oversight.evidence import describe_evidence
from oversight.rules import RULES_BY_CODE
from oversight.selectors import SEVERITY_RANK, open_flags, recruiters_matching_broker
from portal.selectors import TimelineEntry, village_report_flags, village_report_outcomes
from recruitment.models import Country, FamilyConsent
from villages.filtersets import VillageReportFilterSet
from villages.models import (
    ReturnNeed,
    VillageReport,
    VillageReportEvent,
    VillageReportEventKind,
    VillageReportKind,
    VillageReportStatus,
)
from villages.selectors import report_events
from villages.services import village_report_close, village_report_reopen


class CloseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("How was it dealt with?"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Say how the report was dealt with.")},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why reopen it?"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=2000,
        error_messages={"required": gettext_lazy("Say why the report is reopened.")},
    )


def _require_reader(user) -> None:
    if not may_see_village_reports(user):
        raise PermissionDenied


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@login_required
def village_report_list(request):
    user = request.user
    _require_reader(user)
    reports = report_events(
        user, VillageReport.objects.visible_to(user).select_related("village__district__regency", "reported_by")
    )
    listing = list_page(request, reports, VillageReportFilterSet, default_sort="-occurred_on")
    rows = list(listing.page.object_list)
    village_report_outcomes(user, rows)
    for report in rows:
        report.masked_nik = mask_number(report.person_nik)  # a list never shows a full NIK
    return render(request, "portal/village_report_list.html", {"listing": listing, "rows": rows})


def _facts(report) -> list[tuple[str, str]]:
    """The facts of the report's kind, as (label, value), without the empty ones."""
    field = VillageReport._meta.get_field
    facts = []
    if report.kind == VillageReportKind.INTENT:
        country = Country.objects.filter(pk=report.destination_country).first() if report.destination_country else None
        facts += [
            (field("destination_country").verbose_name, country.name if country else report.destination_country),
            (field("hoped_work").verbose_name, report.hoped_work),
        ]
    elif report.kind == VillageReportKind.RETURN_SEEN:
        facts.append((field("needs").verbose_name, ", ".join(_label(ReturnNeed, need) for need in report.needs)))
    elif report.kind == VillageReportKind.DEATH_OR_REPATRIATION:
        facts += [
            (field("contact_name").verbose_name, report.contact_name),
            (field("contact_phone").verbose_name, report.contact_phone),
        ]
    elif report.kind == VillageReportKind.SUSPECTED_RECRUITER:
        facts += [
            (field("broker_name").verbose_name, report.broker_name),
            (field("broker_nickname").verbose_name, report.broker_nickname),
            (field("broker_phones").verbose_name, ", ".join(report.broker_phones)),
            (field("broker_vehicle").verbose_name, report.broker_vehicle),
            (field("seen_at_place").verbose_name, report.seen_at_place),
            (field("approached").verbose_name, report.approached),
            (field("claimed_company").verbose_name, report.claimed_company),
        ]
    return [(str(label), value) for label, value in facts if value]


def _event_detail(event, sources: dict) -> str:
    data = event.data or {}
    parts = []
    if event.kind == VillageReportEventKind.SECOND_SOURCE:
        source = sources.get(data.get("report"))
        if source is not None:
            by = {"officer": source.reported_by, "village": source.village}
            parts.append(_("by %(officer)s of %(village)s") % by)
    elif event.kind == VillageReportEventKind.EDITED and data.get("fields"):
        names = []
        for name in data["fields"]:
            try:
                names.append(str(VillageReport._meta.get_field(name).verbose_name))
            except Exception:  # noqa: BLE001 - a field since renamed: show its name
                names.append(name)
        parts.append(_("changed: %(fields)s") % {"fields": ", ".join(names)})
    if event.reason:
        parts.append(event.reason)
    return " · ".join(parts)


def _timeline(report, sources: list) -> list[TimelineEntry]:
    """The event's timeline: the first report's events and each other source's, oldest first."""
    by_id = {source.pk: source for source in sources}
    events = VillageReportEvent.objects.filter(report_id__in=list(by_id)).select_related("actor").order_by("at", "id")
    entries = []
    for event in events:
        title = event.get_kind_display()
        if event.report_id != report.pk:
            if event.kind == VillageReportEventKind.RECORDED:
                continue  # told on the first report's timeline as "reported again by another officer"
            title = _("%(event)s (another officer's report)") % {"event": title}
        entries.append(TimelineEntry(at=event.at, title=title, detail=_event_detail(event, by_id), actor=event.actor))
    return entries


def _flags(user, report_ids: list[int]) -> list:
    """Open flags the user may see about the event: on one of its reports, or naming one in their
    evidence (a broker reported in several villages), most severe first, each in words."""
    flags = list(open_flags(user).filter(village_report_flags(report_ids)).order_by(SEVERITY_RANK.desc(), "-last_seen"))
    for flag in flags:
        flag.rule = RULES_BY_CODE.get(flag.rule_code)
        flag.facts = describe_evidence(flag.rule_code, flag.evidence)
        flag.url = reverse("oversight:flag_detail", args=[flag.pk])
    return flags


def _detail_context(request, report, *, close_form=None, reopen_form=None) -> dict:
    user = request.user
    others = VillageReport.objects.visible_to(user).filter(same_event_as=report).values("pk")
    # A first report outside the jurisdiction (this one is its second source) is named, not opened.
    sources = list(
        VillageReport.objects.filter(Q(pk=report.pk) | Q(pk__in=others) | Q(pk=report.same_event_as_id or 0))
        .select_related("village", "reported_by")
        .order_by("created_at", "id")
    )
    for source in sources:
        source.masked_nik = mask_number(source.person_nik)
        source.is_this = source.pk == report.pk
        source.outside = source.pk == report.same_event_as_id
    village_report_outcomes(user, [report])
    consent = None
    if report.kind == VillageReportKind.INTENT:
        consent = FamilyConsent.objects.visible_to(user).filter(village_report=report).select_related("worker").first()
    recruiters = []
    if report.kind == VillageReportKind.SUSPECTED_RECRUITER:  # registered recruiters it may name
        recruiters = recruiters_matching_broker(report)
    may_close = may_close_village_reports(user)
    return {
        "report": report,
        "masked_nik": mask_number(report.person_nik),
        "facts": _facts(report),
        "sources": sources,
        "timeline": _timeline(report, sources),
        "flags": _flags(user, [source.pk for source in sources]),
        "consent": consent,
        "recruiters": recruiters,
        "may_close": may_close and report.status == VillageReportStatus.OPEN,
        "may_reopen": may_close and report.status == VillageReportStatus.CLOSED,
        "close_form": close_form or CloseForm(),
        "reopen_form": reopen_form or ReopenForm(),
    }


def _visible_report(request, pk: int):
    _require_reader(request.user)
    return get_object_or_404(
        VillageReport.objects.visible_to(request.user).select_related(
            "village__district__regency__province", "reported_by", "same_event_as"
        ),
        pk=pk,
    )


@login_required
def village_report_detail(request, pk: int):
    report = _visible_report(request, pk)
    visible = VillageReport.objects.visible_to(request.user)
    if report.same_event_as_id and visible.filter(pk=report.same_event_as_id).exists():
        # One event, one page: another officer's report of it opens the event, where it is a source.
        return redirect("portal:village_report_detail", pk=report.same_event_as_id)
    return render(request, "portal/village_report_detail.html", _detail_context(request, report))


def _decide(request, pk: int, form_class, service, field: str, done: str, failed: str, form_key: str):
    report = _visible_report(request, pk)
    if not may_close_village_reports(request.user):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, report_id=report.pk, **{field: form.cleaned_data[field]})
        except DomainError as error:
            if not error.fields:  # about the report's state, not the form
                messages.error(request, error.message)
                return redirect("portal:village_report_detail", pk=report.pk)
            form_add_refusal(form, error)
        else:
            messages.success(request, done)
            return redirect("portal:village_report_detail", pk=report.pk)
    messages.error(request, failed)
    context = _detail_context(request, report, **{form_key: form})
    return render(request, "portal/village_report_detail.html", context, status=400)


@login_required
@require_POST
def village_report_close_view(request, pk: int):
    return _decide(
        request,
        pk,
        CloseForm,
        village_report_close,
        "note",
        _("The report is closed."),
        _("The report was not closed: correct the form below."),
        "close_form",
    )


@login_required
@require_POST
def village_report_reopen_view(request, pk: int):
    return _decide(
        request,
        pk,
        ReopenForm,
        village_report_reopen,
        "reason",
        _("The report is open again."),
        _("The report was not reopened: correct the form below."),
        "reopen_form",
    )
