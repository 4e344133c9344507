"""The facts of a complaint that are defined once: channels, categories, priorities, statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Public web form")
    HOTLINE = "hotline", _("Hotline call taken by an officer")
    VILLAGE = "village", _("Village officer")
    COMPANY = "company", _("Placement company")
    MISSION = "mission", _("Mission abroad")


class Category(models.TextChoices):
    UNPAID_WAGES = "unpaid_wages", _("Unpaid or underpaid wages")
    EXCESSIVE_HOURS = "excessive_hours", _("Excessive working hours")
    VIOLENCE = "violence", _("Violence or abuse")
    DOCUMENTS_HELD = "documents_held", _("Documents held by the employer")
    ILLEGAL_FEES = "illegal_fees", _("Illegal fees or debt")
    CONTRACT_MISMATCH = "contract_mismatch", _("Contract different from what was promised")
    TRAFFICKING = "trafficking", _("Suspected trafficking")
    ILLNESS_OR_DEATH = "illness_or_death", _("Illness or death")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


# Categories that are urgent whatever else is said: a life or liberty at stake.
URGENT_CATEGORIES = frozenset({Category.TRAFFICKING, Category.VIOLENCE, Category.ILLNESS_OR_DEATH})
# Categories that are high unless a fact makes them urgent.
HIGH_CATEGORIES = frozenset({Category.LOST_CONTACT, Category.DOCUMENTS_HELD, Category.UNPAID_WAGES})


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (Status.RECEIVED, Status.VERIFIED, Status.IN_PROGRESS)
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED)

# The allowed moves, both ways where the work may need to go back (a resolution that did not
# hold reopens to in progress; a closed complaint is final).
TRANSITIONS = {
    Status.RECEIVED: (Status.VERIFIED, Status.REJECTED),
    Status.VERIFIED: (Status.IN_PROGRESS, Status.REJECTED, Status.RECEIVED),
    Status.IN_PROGRESS: (Status.RESOLVED, Status.VERIFIED),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
    Status.CLOSED: (),
    Status.REJECTED: (Status.RECEIVED,),
}


class Level(models.TextChoices):
    """Who handles the complaint now: it starts at the regency and climbs when overdue."""

    REGENCY = "regency", _("Regency")
    PROVINCE = "province", _("Province")
    MINISTRY = "ministry", _("Ministry")


NEXT_LEVEL = {Level.REGENCY: Level.PROVINCE, Level.PROVINCE: Level.MINISTRY}


class ComplainantRelation(models.TextChoices):
    SELF = "self", _("The worker themself")
    FAMILY = "family", _("Family")
    OTHER = "other", _("Someone else (a friend, an organisation)")


class ReferralTarget(models.TextChoices):
    COMPANY = "company", _("Placement company")
    MISSION = "mission", _("Mission abroad")
    POLICE = "police", _("Police (suspected trafficking)")


class ComplaintEventKind(models.TextChoices):
    FILED = "filed", _("Filed")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    ESCALATED = "escalated", _("Escalated")
    REFERRED = "referred", _("Referred")
    REFERRAL_ANSWERED = "referral_answered", _("Referral answered")
    INFORMATION_ADDED = "information_added", _("Information added by the complainant")
    LINKED = "linked", _("Linked to a record")
    NOTE = "note", _("Note")
