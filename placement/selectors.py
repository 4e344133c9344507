"""Reads of a placement the portal reuses: its stepper, what the next stage needs, its events in words.

What is missing comes from placement.requirements, the very functions the services
call before a transition, so the page and the refusal always agree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core.personal_data import may_see_full_nik

from .choices import ADVANCEABLE_STAGES, IDENTITY_DOCUMENTS, DocumentKind, EventKind, ReturnReason, Stage
from .models import Placement
from .requirements import job_order_problems, missing_for, missing_for_departure


def may_download_document_file(user, document, *, agency_id: int | None) -> bool:
    """Whether ``user``, who sees the document's placement, may download its scan: an identity
    document's scan shows its number in full, so only to whom may see full numbers."""
    return document.kind not in IDENTITY_DOCUMENTS or may_see_full_nik(user, agency_id=agency_id)


def with_download_permission(user, documents, *, agency_of_placement: dict[int, int | None]) -> list:
    """The documents, each told whether ``user`` may download its file (``file_downloadable``)."""
    for document in documents:
        document.file_downloadable = may_download_document_file(
            user, document, agency_id=agency_of_placement.get(document.placement_id)
        )
    return documents


# The stages a placement walks through, in order (cancellation is not a step).
LIFECYCLE = [stage for stage in Stage if stage != Stage.CANCELLED]


def stage_steps(placement: Placement, *, events) -> list[dict]:
    """Each lifecycle stage with its state, read from the placement's ``events``, oldest first.

    "done": the placement was in that stage (an event took it there or out of it);
    "current": it is there now; "cancelled": it was cancelled there; "skipped": an earlier
    stage it never passed through (returned home before reporting its arrival, or recorded
    as one jump, as an import that starts at a later stage); "todo": not reached yet.
    A stage is never drawn as done because of its number alone.
    """
    reached = {event.to_stage for event in events} | {event.from_stage for event in events}
    cancelled = placement.stage == Stage.CANCELLED
    if cancelled:
        where = next((e.from_stage for e in reversed(events) if e.kind == EventKind.CANCELLED), None)
    else:
        where = placement.stage
    steps = []
    for stage in LIFECYCLE:
        if stage == where:
            state = "cancelled" if cancelled else "done" if stage == Stage.RETURNED else "current"
        elif where is not None and stage < where:
            state = "done" if stage in reached else "skipped"
        else:
            state = "todo"
        steps.append({"number": int(stage), "label": stage.label, "state": state})
    return steps


def next_stage_requirements(placement: Placement, *, on: date | None = None) -> tuple[Stage | None, list[str]]:
    """The stage that comes next and what it still lacks (empty: the company may move it on).

    ``placement`` needs its worker, application, documents and its job order's agency,
    employer and country loaded (select_related / prefetch_related), as the services do.
    """
    today = on or timezone.localdate()
    stage = placement.stage
    if stage + 1 in ADVANCEABLE_STAGES:
        return Stage(stage + 1), missing_for(placement, stage + 1, on=today)
    if stage == Stage.READY:
        day = placement.planned_departure_on
        missing = [] if day else [_("a planned departure date")]
        missing += job_order_problems(placement.job_order, on=day or today)
        missing += missing_for_departure(placement, day or today)
        return Stage.DEPARTED, missing
    if stage == Stage.DEPARTED:
        return Stage.WORKING, [_("the arrival date and the arrival report to the Indonesian mission (lapor diri)")]
    return None, []


def _day(value) -> str:
    try:
        return date_format(date.fromisoformat(value), "j F Y")
    except (TypeError, ValueError):
        return str(value or "")


def _amount(value) -> str:
    try:
        return number_format(Decimal(value), decimal_pos=0, force_grouping=True)
    except (TypeError, ValueError, InvalidOperation):
        return str(value or "")


def _document_label(kind) -> str:
    return str(DocumentKind(kind).label) if kind in DocumentKind.values else str(kind or "")


def describe_event(event) -> str:
    """One line saying what an event recorded, in words (no personal numbers)."""
    data = event.data or {}
    kind = event.kind
    if kind in (EventKind.ADVANCED, EventKind.CREATED) and event.to_stage:
        if event.from_stage:
            return _("from “%(from)s” to “%(to)s”") % {
                "from": Stage(event.from_stage).label,
                "to": Stage(event.to_stage).label,
            }
        return _("at “%(stage)s”") % {"stage": Stage(event.to_stage).label}
    if kind in (EventKind.DOCUMENT_ADDED, EventKind.DOCUMENT_VERIFIED):
        return _document_label(data.get("document_kind"))
    if kind == EventKind.FACTS_RECORDED:
        parts = []
        if "worker_costs" in data:
            parts.append(
                _("placement agreement signed on %(day)s, costs borne by the worker Rp %(amount)s")
                % {"day": _day(data.get("signed_on")), "amount": _amount(data["worker_costs"])}
            )
        if "salary" in data:
            parts.append(
                _("employment contract signed on %(day)s, salary %(salary)s")
                % {"day": _day(data.get("contract_signed_on")), "salary": _amount(data["salary"])}
            )
        if "planned_departure_on" in data:
            parts.append(_("departure planned for %(day)s") % {"day": _day(data["planned_departure_on"])})
        return "; ".join(parts)
    if kind == EventKind.FEE_RECORDED:
        amount = _("Rp %(amount)s") % {"amount": _amount(data.get("amount_idr"))}
        return _("%(amount)s, found by an official") % {"amount": amount} if data.get("finding") else amount
    if kind == EventKind.DEPARTED:
        return _("on %(day)s from %(point)s, %(flight)s") % {
            "day": _day(data.get("departed_on")),
            "point": data.get("embarkation_point", ""),
            "flight": data.get("flight", ""),
        }
    if kind == EventKind.ARRIVED:
        return _("arrived on %(arrived)s, reported to the mission on %(reported)s") % {
            "arrived": _day(data.get("arrived_on")),
            "reported": _day(data.get("reported_on")),
        }
    if kind == EventKind.RETURNED:
        reason = data.get("return_reason")
        label = ReturnReason(reason).label if reason in ReturnReason.values else str(reason or "")
        return _("on %(day)s: %(reason)s") % {"day": _day(data.get("returned_on")), "reason": label}
    if kind == EventKind.CANCELLED and event.from_stage:
        return _("while at “%(stage)s”") % {"stage": Stage(event.from_stage).label}
    return ""
