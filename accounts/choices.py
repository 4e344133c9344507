from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY_OFFICIAL = "ministry_official", _("Ministry official")
    PROVINCE_OFFICIAL = "province_official", _("Province official")
    REGENCY_OFFICIAL = "regency_official", _("Regency official")
    VILLAGE_OFFICER = "village_officer", _("Village officer")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    AGENCY_STAFF = "agency_staff", _("Agency staff")
    COMPLAINT_OFFICER = "complaint_officer", _("Complaint officer")
    AUDITOR = "auditor", _("Auditor")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# Roles that see the whole country.
NATIONAL_ROLES = {Role.MINISTRY_OFFICIAL, Role.AUDITOR, Role.SYSTEM_ADMIN}
AGENCY_ROLES = {Role.AGENCY_ADMIN, Role.AGENCY_STAFF}
OFFICIAL_ROLES = {Role.MINISTRY_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.REGENCY_OFFICIAL}


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    USER_CREATED = "user_created", _("User created")
    API_KEY_CREATED = "api_key_created", _("API key created")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
    LICENCE_REINSTATED = "licence_reinstated", _("Company licence reinstated")
    PERSONAL_DATA_VIEWED = "personal_data_viewed", _("Personal numbers viewed")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal numbers exported")
