from django.db import models
from django.utils.translation import gettext_lazy as _

# The roles are a fact every layer needs: defined in core, named here for the accounts app.
from core.roles import AGENCY_ROLES, NATIONAL_ROLES, OFFICIAL_ROLES, Role  # noqa: E402,F401


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGIN_LOCKED_OUT = "login_locked_out", _("Login locked after too many failures")
    LOGIN_UNLOCKED = "login_unlocked", _("Login lock lifted")
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Second factor set up")
    SECOND_FACTOR_VERIFIED = "second_factor_verified", _("Second factor verified")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
    RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    USER_CREATED = "user_created", _("User created")
    API_KEY_CREATED = "api_key_created", _("API key created")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
    LICENCE_REINSTATED = "licence_reinstated", _("Company licence reinstated")
    PERSONAL_DATA_VIEWED = "personal_data_viewed", _("Personal numbers viewed")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal numbers exported")
    OCCUPATION_ZERO_COST_SET = "occupation_zero_cost", _("Zero-cost flag of an occupation changed")
    MORATORIUM_CREATED = "moratorium_created", _("Moratorium declared")
    MORATORIUM_ENDED = "moratorium_ended", _("Moratorium ended")
    EMPLOYER_BLACKLIST_SET = "employer_blacklist", _("Employer blacklist changed")
