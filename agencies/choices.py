from django.db import models
from django.utils.translation import gettext_lazy as _


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Written warning")
    SUSPENSION = "suspension", _("Suspension of business activity")
    REVOCATION = "revocation", _("Licence revocation")


class LicenceEventKind(models.TextChoices):
    SANCTIONED = "sanctioned", _("Sanction imposed")
    WARNED = "warned", _("Written warning")
    SUSPENDED = "suspended", _("Licence suspended")
    REVOKED = "revoked", _("Licence revoked")
    REINSTATED = "reinstated", _("Company licence reinstated")
    EXPIRED = "expired", _("Licence expired")


class Sector(models.TextChoices):
    FORMAL = "formal", _("Formal (company employer)")
    INFORMAL = "informal", _("Informal (individual employer)")
