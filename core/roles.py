"""The roles of the portal and the groups of them that decide scope: defined once, here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY_OFFICIAL = "ministry_official", _("Ministry official")
    PROVINCE_OFFICIAL = "province_official", _("Province official")
    REGENCY_OFFICIAL = "regency_official", _("Regency official")
    VILLAGE_OFFICER = "village_officer", _("Village officer")
    # An officer of an Indonesian mission abroad (KBRI, KJRI, KDEI Taipei): acts for its countries.
    MISSION_OFFICER = "mission_officer", _("Mission officer abroad")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    AGENCY_STAFF = "agency_staff", _("Agency staff")
    COMPLAINT_OFFICER = "complaint_officer", _("Complaint officer")
    AUDITOR = "auditor", _("Auditor")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# Roles that see the whole country.
NATIONAL_ROLES = frozenset({Role.MINISTRY_OFFICIAL, Role.AUDITOR, Role.SYSTEM_ADMIN})
# Staff of a placement company: they see their company's records only.
AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.AGENCY_STAFF})
# Officials of the ministry, a province or a regency: they act on the cases of their jurisdiction.
OFFICIAL_ROLES = frozenset({Role.MINISTRY_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.REGENCY_OFFICIAL})
# Roles that must confirm a login with a second factor (a TOTP code or a recovery code): those who
# see the personal data of whole areas or run the system. Any staff or superuser account too (see
# needs_second_factor). Village officers and company users are not asked; API keys never are.
SECOND_FACTOR_ROLES = frozenset(
    {
        Role.MINISTRY_OFFICIAL,
        Role.PROVINCE_OFFICIAL,
        Role.REGENCY_OFFICIAL,
        Role.MISSION_OFFICER,
        Role.COMPLAINT_OFFICER,
        Role.AUDITOR,
        Role.SYSTEM_ADMIN,
    }
)


def needs_second_factor(user) -> bool:
    """Whether this logged-in user must confirm the login with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or getattr(user, "role", None) in SECOND_FACTOR_ROLES)
