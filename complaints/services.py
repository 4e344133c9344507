"""Every write of a complaint: filing from any channel, the complainant's additions, handling
(status, assignment, referral, links), the referral's answer and escalation of what is overdue.

Each step is on the complaint's timeline (``ComplaintEvent``) and announces itself through the
outbox (core.outbox), which never blocks or rolls back the step.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency, Employer, FieldRecruiter
from core import clock
from core.crypto import keyed_hash
from core.errors import DomainError, InvalidInput
from core.events import record_event
from core.files import sniff_upload
from core.models import OutboundMessage
from core.outbox import queue_message, queue_messages
from core.permissions import (
    is_agency_user,
    is_village_officer,
    may_act_for_company,
    may_handle_complaints,
    may_take_hotline_calls,
)
from core.recheck import request_recheck
from core.roles import Role
from placement.models import Placement
from recruitment.models import Country, Mission, Worker
from villages.models import area_for_code
from villages.nik import parse_nik

from .choices import (
    HIGH_CATEGORIES,
    OPEN_STATUSES,
    TRANSITIONS,
    URGENT_CATEGORIES,
    Category,
    Channel,
    ComplaintEventKind,
    Level,
    Priority,
    ReferralTarget,
    Status,
)
from .models import Complaint, ComplaintAttachment, ComplaintEvent, ComplaintReferral, DeadlineSetting

# Used when an administrator has not set a priority's deadlines (the admin shows and changes them).
DEFAULT_DEADLINES = {
    Priority.URGENT: {"acknowledge_hours": 24, "resolve_days": 7, "company_answer_days": 2},
    Priority.HIGH: {"acknowledge_hours": 72, "resolve_days": 14, "company_answer_days": 5},
    Priority.NORMAL: {"acknowledge_hours": 120, "resolve_days": 30, "company_answer_days": 10},
}
# Crockford's base32 without I, L, O, U: read over the phone without confusion.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
SECRET_LENGTH = 12  # 60 bits: guessing is hopeless even before the public page's throttle
MAX_ATTACHMENTS = 5


def _random(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d-%m-%Y %H:%M}"


def secret_digest(secret: str, *, key: str | None = None) -> str:
    """A keyed hash of the secret: a high-entropy secret needs no slow hash, and the key keeps a
    stolen table useless."""
    normalised = secret.strip().upper().replace("-", "").replace(" ", "")
    key = settings.SECRET_KEY if key is None else key
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def deadlines_for(priority: str) -> dict:
    setting = DeadlineSetting.objects.filter(priority=priority).first()
    if setting is None:
        return DEFAULT_DEADLINES[Priority(priority)]
    return {
        "acknowledge_hours": setting.acknowledge_hours,
        "resolve_days": setting.resolve_days,
        "company_answer_days": setting.company_answer_days,
    }


def priority_of(category: str, *, involves_minor: bool) -> str:
    """Urgent for trafficking, violence, illness or death, or a child; high for lost contact,
    documents held and unpaid wages; normal otherwise."""
    if category in URGENT_CATEGORIES or involves_minor:
        return Priority.URGENT
    if category in HIGH_CATEGORIES:
        return Priority.HIGH
    return Priority.NORMAL


def _channel_allowed(actor, channel: str) -> bool:
    if channel == Channel.WEB:
        return True  # the public, signed in or not
    if channel == Channel.HOTLINE:
        return may_take_hotline_calls(actor)
    if channel == Channel.VILLAGE:
        return is_village_officer(actor)
    if channel == Channel.COMPANY:
        return is_agency_user(actor) and actor.agency_id is not None
    if channel == Channel.MISSION:
        return getattr(actor, "role", None) == Role.MISSION_OFFICER and actor.mission_id is not None
    return False


def _check_attachment(upload) -> tuple[str, int]:
    try:
        return sniff_upload(upload)
    except DomainError as error:
        raise InvalidInput(error.code, error.message, fields={"attachments": [error.message]}) from error


def _notify_complainant(complaint: Complaint, text: str) -> None:
    """Tell the complainant by SMS and e-mail, when they left a way to reach them."""
    about = f"complaint:{complaint.pk}"
    queue_message(channel=OutboundMessage.Channel.SMS, recipient=complaint.complainant_phone, body=text, about=about)
    queue_message(
        channel=OutboundMessage.Channel.EMAIL,
        recipient=complaint.complainant_email,
        subject=_("Your complaint %(code)s") % {"code": complaint.tracking_code},
        body=text,
        about=about,
    )


def _officials_of(complaint: Complaint, level: str):
    """The people who handle a complaint at ``level`` in its area: complaint officers of the
    province (or national ones) and the officials of that level."""
    province, _sep, _rest = complaint.area_code.partition(".")
    regency = ".".join(complaint.area_code.split(".")[:2])
    users = User.objects.filter(is_active=True)
    if level == Level.REGENCY:
        return users.filter(role=Role.REGENCY_OFFICIAL, regency_id=regency)
    if level == Level.PROVINCE:
        return users.filter(role__in=[Role.PROVINCE_OFFICIAL, Role.COMPLAINT_OFFICER], province_id=province)
    return users.filter(role__in=[Role.MINISTRY_OFFICIAL, Role.COMPLAINT_OFFICER], province__isnull=True)


def _official_notices(complaint: Complaint, level: str, text: str, *, known: dict | None = None) -> list[dict]:
    """The e-mails to the officials of ``level`` in the complaint's area; ``known`` remembers each
    area's recipients across many complaints (the escalation job), so each area is read once."""
    parts = complaint.area_code.split(".")
    area = {Level.REGENCY: ".".join(parts[:2]), Level.PROVINCE: parts[0]}.get(level, "")
    known = {} if known is None else known
    if (level, area) not in known:
        known[(level, area)] = list(_officials_of(complaint, level).exclude(email="").values_list("email", flat=True))
    subject = f"[SISKOP2MI] {complaint.tracking_code}: {complaint.get_priority_display()}"
    return [
        {
            "channel": OutboundMessage.Channel.EMAIL,
            "recipient": email,
            "subject": subject,
            "body": text,
            "about": f"complaint:{complaint.pk}",
        }
        for email in known[(level, area)]
    ]


def _notify_officials(complaint: Complaint, level: str, text: str) -> None:
    queue_messages(_official_notices(complaint, level, text))


def _link_from_nik(worker_nik: str):
    """The registry's person with this NIK and their latest placement, if any."""
    worker = Worker.objects.filter(nik_hash=keyed_hash(worker_nik)).first() if worker_nik else None
    placement = None
    if worker is not None:
        placement = (
            Placement.objects.filter(worker=worker).select_related("job_order").order_by("-created_at", "-id").first()
        )
    return worker, placement


def _auto_assignee(area_code: str):
    """The complaint officer of the area's province with the fewest open complaints, else none."""
    province = area_code.split(".")[0] if area_code else None
    if not province:
        return None
    from django.db.models import Count, Q

    return (
        User.objects.filter(is_active=True, role=Role.COMPLAINT_OFFICER, province_id=province)
        .annotate(load=Count("assigned_complaints", filter=Q(assigned_complaints__status__in=OPEN_STATUSES)))
        .order_by("load", "id")
        .first()
    )


@transaction.atomic
def complaint_file(
    *,
    actor,
    channel: str,
    category: str,
    description: str,
    occurred_on: date | None = None,
    involves_minor: bool = False,
    area_code: str = "",
    country: Country | None = None,
    anonymous: bool = False,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    complainant_relation: str = "",
    identity_shared_with_company: bool = False,
    worker_name: str = "",
    worker_nik: str = "",
    placement: Placement | None = None,
    agency: Agency | None = None,
    employer: Employer | None = None,
    attachments=(),
    client_id: uuid.UUID | str | None = None,
) -> tuple[Complaint, str]:
    """File a complaint from any channel; returns it and its secret (shown once, never stored).

    A village officer's entry sent again with the same ``client_id`` returns the first
    complaint and an empty secret."""
    if client_id:
        try:
            client_id = client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
        except ValueError as error:
            raise InvalidInput("invalid_client_id", _("The entry id is not valid.")) from error
        existing = Complaint.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.filed_by_id != getattr(actor, "pk", None):
                raise InvalidInput("client_id_taken", _("This entry id is already used. Make a new entry."))
            existing.replayed = True
            return existing, ""
    if channel not in Channel.values or not _channel_allowed(actor, channel):
        raise DomainError("forbidden", _("You may not file complaints through this channel."))
    errors: dict[str, list] = {}
    if category not in Category.values:
        errors["category"] = [_("Choose what the complaint is about.")]
    description = (description or "").strip()
    if len(description) < 10:
        errors["description"] = [_("Tell what happened in a few words (at least 10 letters).")]
    if occurred_on is not None and occurred_on > clock.today():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    worker_nik = (worker_nik or "").strip()
    if worker_nik:
        try:
            parse_nik(worker_nik)
        except DomainError as error:
            errors["worker_nik"] = [error.message]
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = [_("At most %(count)s files.") % {"count": MAX_ATTACHMENTS}]
    if anonymous:
        complainant_name = complainant_phone = complainant_email = ""
        identity_shared_with_company = False
    elif channel == Channel.WEB and not ((complainant_phone or "").strip() or (complainant_email or "").strip()):
        message = _("Leave a phone number or an e-mail address, or choose to complain anonymously.")
        errors["complainant_phone"] = [message]
    # Where it belongs: the linked placement's or person's village, else the area given.
    worker, linked_placement = _link_from_nik(worker_nik) if not placement else (placement.worker, placement)
    placement = placement or linked_placement
    if channel == Channel.VILLAGE:
        area_code = actor.village_id
    if channel == Channel.COMPANY:
        agency = actor.agency
        if placement is not None and placement.agency_id != actor.agency_id:
            placement = worker = None  # a company complains only about its own placements
    if channel == Channel.MISSION and country is not None and country.pk not in actor.mission_country_codes:
        errors["country"] = [_("Choose one of your mission's countries.")]
    if worker is not None and not area_code:
        area_code = worker.village_id
    if area_code and area_for_code(area_code) is None:
        errors["area_code"] = [_("Choose the regency or village from the list.")]
    if not area_code and channel in (Channel.WEB, Channel.HOTLINE):
        errors["area_code"] = [_("Choose the worker's home regency.")]
    if errors:
        raise InvalidInput("invalid_complaint", next(iter(errors.values()))[0], fields=errors)
    for upload in attachments:
        _check_attachment(upload)
    if placement is not None:
        agency = agency or placement.agency
        employer = employer or placement.job_order.employer
        country = country or placement.job_order.country
    priority = priority_of(category, involves_minor=involves_minor)
    deadlines = deadlines_for(priority)
    now = clock.now()
    secret = _random(SECRET_LENGTH)
    complaint = Complaint(
        secret_hash=secret_digest(secret),
        channel=channel,
        category=category,
        priority=priority,
        description=description,
        occurred_on=occurred_on,
        involves_minor=involves_minor,
        area_code=area_code or "",
        country=country,
        anonymous=anonymous,
        complainant_name=(complainant_name or "").strip(),
        complainant_phone=(complainant_phone or "").strip(),
        complainant_email=(complainant_email or "").strip(),
        complainant_relation=complainant_relation or "",
        identity_shared_with_company=identity_shared_with_company,
        worker_name=(worker_name or "").strip(),
        worker_nik=worker_nik,
        worker_nik_hash=keyed_hash(worker_nik),
        worker=worker,
        placement=placement,
        agency=agency,
        employer=employer,
        assigned_to=_auto_assignee(area_code),
        acknowledge_due_at=now + timedelta(hours=deadlines["acknowledge_hours"]),
        resolve_due_at=now + timedelta(days=deadlines["resolve_days"]),
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        client_id=client_id or None,
        filed_at=now,
    )
    for _attempt in range(5):  # a clash of random codes is rare; draw again
        complaint.tracking_code = f"ADU-{_random(4)}-{_random(4)}"
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:
            existing = Complaint.objects.filter(client_id=client_id).first() if client_id else None
            if existing is not None:
                # The same entry arriving twice at once (a phone's retry racing its first send).
                if existing.filed_by_id != getattr(actor, "pk", None):
                    raise InvalidInput(
                        "client_id_taken", _("This entry id is already used. Make a new entry.")
                    ) from None
                existing.replayed = True
                return existing, ""
            complaint.pk = None
    else:  # pragma: no cover - five clashes of 40-bit codes in a row
        raise DomainError("code_exhausted", _("Could not make a tracking code; try again."))
    for upload in attachments:
        content_type, size = sniff_upload(upload)
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=upload,
            content_type=content_type,
            size=size,
            added_by=complaint.filed_by,
            added_at=now,
        )
    record_event(
        ComplaintEvent,
        complaint=complaint,
        kind=ComplaintEventKind.FILED,
        actor=complaint.filed_by,
        to_status=Status.RECEIVED,
        public=True,
        data={"channel": channel, "priority": priority},
    )
    if channel == Channel.VILLAGE:
        # The family who came to the village office is gone when an entry written offline is
        # finally sent: nobody reads a secret off the screen, so the SMS carries it too.
        received = _(
            "SISKOP2MI: your complaint is received. Code %(code)s, secret %(secret)s: keep both to follow it. "
            "We answer by %(due)s."
        )
    else:
        received = _(
            "SISKOP2MI: your complaint is received. Code %(code)s. Keep the secret given on the screen to "
            "follow it. We answer by %(due)s."
        )
    _notify_complainant(
        complaint,
        received
        % {
            "code": complaint.tracking_code,
            "secret": secret,
            "due": f"{timezone.localtime(complaint.acknowledge_due_at):%d-%m-%Y %H:%M}",
        },
    )
    if priority == Priority.URGENT:
        _notify_officials(
            complaint,
            Level.REGENCY,
            _("An urgent complaint (%(category)s) came in: %(code)s.")
            % {"category": complaint.get_category_display(), "code": complaint.tracking_code},
        )
    request_recheck(agency=complaint.agency_id, employer=complaint.employer_id)  # COMPLAINT_HOTSPOT
    complaint.replayed = False
    return complaint, secret


def complaint_for_code(code: str, secret: str) -> Complaint | None:
    """The complaint this code and secret open, or None (the same answer for a wrong code or a
    wrong secret, compared in constant time)."""
    code = (code or "").strip().upper()
    complaint = Complaint.objects.filter(tracking_code=code).first() if code else None
    expected = complaint.secret_hash if complaint else secret_digest("-")
    # A secret given before the SECRET_KEY was rotated still opens its complaint (SECRET_KEY_FALLBACKS).
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    matches = False
    for key in keys:
        matches |= hmac.compare_digest(expected, secret_digest(secret or "", key=key))
    return complaint if complaint is not None and matches else None


@transaction.atomic
def complaint_add_information(*, complaint_id: int, text: str, attachments=()) -> ComplaintEvent:
    """The complainant adds what they learned since, on the public page (no account)."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    if complaint.status in (Status.CLOSED, Status.REJECTED):
        raise DomainError("complaint_closed", _("This complaint is closed; file a new one if something new happened."))
    text = (text or "").strip()
    attachments = list(attachments or [])
    if not text and not attachments:
        message = _("Write what you want to add, or attach a file.")
        raise InvalidInput("information_missing", message, fields={"text": [message]})
    if complaint.attachments.count() + len(attachments) > MAX_ATTACHMENTS * 2:
        message = _("This complaint has as many files as it can take.")
        raise InvalidInput("too_many_files", message, fields={"attachments": [message]})
    for upload in attachments:
        _check_attachment(upload)
    now = clock.now()
    for upload in attachments:
        content_type, size = sniff_upload(upload)
        ComplaintAttachment.objects.create(
            complaint=complaint, file=upload, content_type=content_type, size=size, added_by=None, added_at=now
        )
    event = record_event(
        ComplaintEvent,
        complaint=complaint,
        kind=ComplaintEventKind.INFORMATION_ADDED,
        actor=None,
        reason=text,
        public=True,
        data={"files": len(attachments)},
    )
    complaint.save(update_fields=["updated_at"])
    return event


def _handled(actor, complaint_id: int) -> Complaint:
    """The complaint, locked, if the actor handles complaints and it is in their scope (else 404)."""
    complaint = Complaint.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=complaint_id).first()
    if complaint is None or not may_handle_complaints(actor):
        raise DomainError("not_found", _("No such complaint in your jurisdiction."))
    return complaint


# What the complainant reads about each status on the public page.
NEXT_STEP = {
    Status.RECEIVED: _("An officer will check the complaint and contact you if needed."),
    Status.VERIFIED: _("The complaint is checked; an officer is taking it up."),
    Status.IN_PROGRESS: _("Officers are working on it with those who must act."),
    Status.RESOLVED: _("Officers consider it resolved; it closes unless something new comes in."),
    Status.CLOSED: _("The complaint is closed."),
    Status.REJECTED: _("The complaint was not taken up; the reason is below."),
}


@transaction.atomic
def complaint_transition(
    *, actor, complaint_id: int, to_status: str, note: str = "", outcome: str = "", reason: str = ""
) -> Complaint:
    """Move a complaint to ``to_status`` (see choices.TRANSITIONS): verifying acknowledges it,
    resolving and closing need the outcome, rejecting needs the reason; going back is allowed
    where the work may need it (a resolution that did not hold, a rejection reconsidered)."""
    complaint = _handled(actor, complaint_id)
    from_status = complaint.status
    if to_status not in TRANSITIONS.get(from_status, ()):
        raise DomainError(
            "transition_not_allowed",
            _("A complaint that is “%(from)s” cannot become “%(to)s”.")
            % {
                "from": Status(from_status).label,
                "to": Status(to_status).label if to_status in Status.values else to_status,
            },
        )
    now = clock.now()
    outcome, reason = (outcome or "").strip(), (reason or "").strip()
    if to_status in (Status.RESOLVED, Status.CLOSED):
        outcome = outcome or complaint.outcome
        if not outcome:
            message = _("Write the outcome: what was done and what the worker got.")
            raise InvalidInput("outcome_missing", message, fields={"outcome": [message]})
        complaint.outcome = outcome
    if to_status == Status.REJECTED:
        if not reason:
            message = _("Write why the complaint is rejected.")
            raise InvalidInput("reason_missing", message, fields={"reason": [message]})
        complaint.rejection_reason = reason
    if to_status == Status.VERIFIED and complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
    if to_status == Status.RESOLVED:
        complaint.resolved_at = now
    if to_status == Status.CLOSED:
        complaint.closed_at = now
    if from_status == Status.RESOLVED and to_status == Status.IN_PROGRESS:
        complaint.resolved_at = None
    if from_status == Status.REJECTED:
        complaint.rejection_reason = ""
    complaint.status = to_status
    complaint.save()
    if Status.REJECTED in (from_status, to_status):  # a rejected complaint does not count for COMPLAINT_HOTSPOT
        request_recheck(agency=complaint.agency_id, employer=complaint.employer_id)
    record_event(
        ComplaintEvent,
        complaint=complaint,
        kind=ComplaintEventKind.STATUS,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason or outcome or (note or "").strip(),
        public=True,
    )
    _notify_complainant(
        complaint,
        _("SISKOP2MI: your complaint %(code)s is now “%(status)s”. %(next)s")
        % {"code": complaint.tracking_code, "status": Status(to_status).label, "next": NEXT_STEP[Status(to_status)]},
    )
    return complaint


@transaction.atomic
def complaint_assign(*, actor, complaint_id: int, assignee) -> Complaint:
    """Give the complaint to an officer who may handle it and sees its area."""
    complaint = _handled(actor, complaint_id)
    if (
        not may_handle_complaints(assignee)
        or not Complaint.objects.visible_to(assignee).filter(pk=complaint.pk).exists()
    ):
        message = _("Choose an officer whose area includes this complaint.")
        raise InvalidInput("assignee_outside_area", message, fields={"assignee": [message]})
    previous = complaint.assigned_to
    complaint.assigned_to = assignee
    complaint.save(update_fields=["assigned_to", "updated_at"])
    record_event(
        ComplaintEvent,
        complaint=complaint,
        kind=ComplaintEventKind.ASSIGNED,
        actor=actor,
        data={"from": getattr(previous, "pk", None), "to": assignee.pk},
    )
    return complaint


@transaction.atomic
def complaint_refer(
    *,
    actor,
    complaint_id: int,
    target: str,
    note: str,
    agency: Agency | None = None,
    mission: Mission | None = None,
    police_unit: str = "",
) -> ComplaintReferral:
    """Send the complaint to who must act: the company (answers by its deadline), the mission
    abroad, or the police for suspected trafficking."""
    complaint = _handled(actor, complaint_id)
    if complaint.status in (Status.CLOSED, Status.REJECTED):
        raise DomainError("complaint_closed", _("A closed or rejected complaint is not referred."))
    note = (note or "").strip()
    errors: dict[str, list] = {}
    if not note:
        errors["note"] = [_("Write what is asked of them.")]
    if target == ReferralTarget.COMPANY and agency is None:
        errors["agency"] = [_("Choose the company.")]
    if target == ReferralTarget.MISSION and mission is None:
        errors["mission"] = [_("Choose the mission.")]
    if target == ReferralTarget.POLICE and not police_unit.strip():
        errors["police_unit"] = [_("Name the police unit.")]
    if target not in ReferralTarget.values:
        errors["target"] = [_("Choose whom to refer it to.")]
    if errors:
        raise InvalidInput("invalid_referral", next(iter(errors.values()))[0], fields=errors)
    if (
        target == ReferralTarget.COMPANY
        and complaint.referrals.filter(agency=agency, answered_at__isnull=True).exists()
    ):
        raise DomainError("referral_open", _("The company has not answered the last referral yet."))
    now = clock.now()
    due_at = None
    if target == ReferralTarget.COMPANY:
        due_at = now + timedelta(days=deadlines_for(complaint.priority)["company_answer_days"])
    referral = ComplaintReferral.objects.create(
        complaint=complaint,
        target=target,
        agency=agency if target == ReferralTarget.COMPANY else None,
        mission=mission if target == ReferralTarget.MISSION else None,
        police_unit=police_unit.strip() if target == ReferralTarget.POLICE else "",
        note=note,
        due_at=due_at,
        referred_by=actor,
        referred_at=now,
    )
    if complaint.status in (Status.RECEIVED, Status.VERIFIED):
        # Referring is taking it up: the complaint is in progress from here.
        if complaint.acknowledged_at is None:
            complaint.acknowledged_at = now
        from_status, complaint.status = complaint.status, Status.IN_PROGRESS
        complaint.save(update_fields=["status", "acknowledged_at", "updated_at"])
        record_event(
            ComplaintEvent,
            complaint=complaint,
            kind=ComplaintEventKind.STATUS,
            actor=actor,
            from_status=from_status,
            to_status=Status.IN_PROGRESS,
            public=True,
        )
    record_event(
        ComplaintEvent,
        complaint=complaint,
        kind=ComplaintEventKind.REFERRED,
        actor=actor,
        reason=note,
        data={"referral": referral.pk, "target": target, "agency": getattr(agency, "pk", None)},
    )
    if target == ReferralTarget.COMPANY:
        recipients = User.objects.filter(
            is_active=True, agency=agency, role__in=[Role.AGENCY_ADMIN, Role.AGENCY_STAFF]
        ).exclude(email="")
        for email in recipients.values_list("email", flat=True):
            queue_message(
                channel=OutboundMessage.Channel.EMAIL,
                recipient=email,
                subject=_("Complaint %(code)s referred to your company") % {"code": complaint.tracking_code},
                body=_("Answer by %(due)s in the portal or through the API.") % {"due": _when(due_at)},
                about=f"complaint:{complaint.pk}",
            )
    return referral


@transaction.atomic
def referral_answer(*, actor, referral_id: int, answer: str) -> ComplaintReferral:
    """The company (or the mission) answers a referral: what it did about the complaint."""
    referral = ComplaintReferral.objects.select_for_update().select_related("complaint").filter(pk=referral_id).first()
    allowed = referral is not None and (
        (
            referral.target == ReferralTarget.COMPANY
            and is_agency_user(actor)
            and may_act_for_company(actor, referral.agency_id)
        )
        or (
            referral.target == ReferralTarget.MISSION
            and getattr(actor, "role", None) == Role.MISSION_OFFICER
            and actor.mission_id == referral.mission_id
        )
    )
    if not allowed:
        raise DomainError("not_found", _("No such referral for you."))
    if referral.answered_at is not None:
        raise DomainError("referral_answered", _("This referral is already answered."))
    answer = (answer or "").strip()
    if len(answer) < 10:
        message = _("Write what your company did (at least 10 letters).")
        raise InvalidInput("answer_missing", message, fields={"answer": [message]})
    referral.answer, referral.answered_at, referral.answered_by = answer, clock.now(), actor
    referral.save(update_fields=["answer", "answered_at", "answered_by"])
    record_event(
        ComplaintEvent,
        complaint=referral.complaint,
        kind=ComplaintEventKind.REFERRAL_ANSWERED,
        actor=actor,
        reason=answer,
        data={"referral": referral.pk},
    )
    return referral


@transaction.atomic
def complaint_link(
    *,
    actor,
    complaint_id: int,
    worker: Worker | None = None,
    placement: Placement | None = None,
    agency: Agency | None = None,
    employer: Employer | None = None,
    recruiter: FieldRecruiter | None = None,
) -> Complaint:
    """Link the complaint to the records it is about (found by NIK, name or number)."""
    complaint = _handled(actor, complaint_id)
    before = {"agency": complaint.agency_id, "employer": complaint.employer_id}
    changed = {}
    if placement is not None:
        worker = worker or placement.worker
        agency = agency or placement.agency
        employer = employer or placement.job_order.employer
    for name, value in (
        ("worker", worker),
        ("placement", placement),
        ("agency", agency),
        ("employer", employer),
        ("recruiter", recruiter),
    ):
        if value is not None and getattr(complaint, f"{name}_id") != value.pk:
            setattr(complaint, name, value)
            changed[name] = value.pk
    if not changed:
        return complaint
    if worker is not None and not complaint.area_code:
        complaint.area_code = worker.village_id
    complaint.save()
    # COMPLAINT_HOTSPOT counts by company and employer: the ones it left and the ones it joined.
    request_recheck(**{kind: sorted({before[kind], getattr(complaint, f"{kind}_id")} - {None}) for kind in before})
    record_event(ComplaintEvent, complaint=complaint, kind=ComplaintEventKind.LINKED, actor=actor, data=changed)
    return complaint


ESCALATE = """
WITH due AS (
    SELECT c.id, c.level AS from_level,
           CASE
             WHEN c.resolve_due_at < %(now)s THEN 'ministry'
             WHEN c.status = 'received' AND c.acknowledge_due_at < %(now)s
                  AND c.acknowledge_due_at + (c.acknowledge_due_at - c.filed_at) < %(now)s THEN 'ministry'
             WHEN c.status = 'received' AND c.acknowledge_due_at < %(now)s THEN 'province'
           END AS to_level
    FROM complaints_complaint c
    WHERE c.status IN ('received', 'verified', 'in_progress') AND c.level <> 'ministry'
      AND (c.resolve_due_at < %(now)s OR (c.status = 'received' AND c.acknowledge_due_at < %(now)s))
), raised AS (
    UPDATE complaints_complaint c SET level = due.to_level, escalated_at = %(now)s, updated_at = %(now)s
    FROM due
    WHERE c.id = due.id AND due.to_level IS NOT NULL
      AND (due.to_level = 'ministry' OR c.level = 'regency')
    RETURNING c.id, due.from_level, due.to_level
), logged AS (
    INSERT INTO complaints_complaintevent
        (complaint_id, at, actor_id, reason, data, kind, from_status, to_status, public)
    SELECT id, %(now)s, NULL, '', jsonb_build_object('from', from_level, 'to', to_level), 'escalated', '', '', false
    FROM raised
)
SELECT id, to_level FROM raised
"""


def complaints_escalate_overdue(*, now: datetime | None = None) -> int:
    """Raise every open complaint past a deadline one level up (regency -> province when not
    acknowledged in time; -> ministry when the resolve deadline or twice the acknowledge window
    passed), in one statement, and tell the officials of the new level. Returns how many rose."""
    now = now or clock.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(ESCALATE, {"now": now})
            raised = cursor.fetchall()
        by_id = Complaint.objects.in_bulk([row[0] for row in raised]) if len(raised) <= 1000 else {}
        notices, known = [], {}
        for complaint_id, level in raised:
            complaint = by_id.get(complaint_id)
            if complaint is None:
                continue  # a mass escalation (a backlog) notifies through the queue's figures instead
            text = _("Complaint %(code)s is overdue and now handled at the %(level)s level.") % {
                "code": complaint.tracking_code,
                "level": Level(level).label,
            }
            notices += _official_notices(complaint, level, text, known=known)
        queue_messages(notices)
    return len(raised)


def time_left_tone(complaint: Complaint, *, now: datetime | None = None) -> str:
    """Red when the next deadline passed, amber in its last quarter, green otherwise (the queue's colours)."""
    now = now or clock.now()
    if complaint.status not in OPEN_STATUSES:
        return "secondary"
    if complaint.status == Status.RECEIVED:
        start, due = complaint.filed_at, complaint.acknowledge_due_at
    else:
        start, due = complaint.filed_at, complaint.resolve_due_at
    if due <= now:
        return "danger"
    return "warning" if (due - now) < (due - start) / 4 else "success"
