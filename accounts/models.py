from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet, Scoping, UserScope

from .choices import AGENCY_ROLES, NATIONAL_ROLES, AuditAction, Role


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    """Django's user manager (create_user, create_superuser) with visible_to()."""


def _only(*fields_set: str) -> Q:
    """Exactly these jurisdiction fields are filled, the others empty."""
    condition = Q()
    for field in ("province", "regency", "village", "agency", "mission"):
        lookup = {f"{field}__isnull": field not in fields_set}
        condition &= Q(**lookup)
    return condition


class User(AbstractUser):
    """A person who logs in. Carries a role and the jurisdiction or agency it acts for."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    province = models.ForeignKey(
        "villages.Province", verbose_name=_("province"), on_delete=models.PROTECT, null=True, blank=True
    )
    regency = models.ForeignKey(
        "villages.Regency", verbose_name=_("regency/city"), on_delete=models.PROTECT, null=True, blank=True
    )
    village = models.ForeignKey(
        "villages.Village", verbose_name=_("village"), on_delete=models.PROTECT, null=True, blank=True
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("placement company"), on_delete=models.PROTECT, null=True, blank=True
    )
    mission = models.ForeignKey(
        "recruitment.Mission", verbose_name=_("mission abroad"), on_delete=models.PROTECT, null=True, blank=True
    )

    objects = ScopedUserManager()
    # Officials see the users of their jurisdiction; an agency its own staff.
    scoping = Scoping(area=("village__code", "regency__code", "province__code"), agency="agency_id")

    REQUIRED_FIELDS = ["full_name", "email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_jurisdiction_matches_role",
                condition=(
                    (Q(role__in=sorted(NATIONAL_ROLES)) & _only())
                    | (Q(role=Role.PROVINCE_OFFICIAL) & _only("province"))
                    | (Q(role=Role.REGENCY_OFFICIAL) & _only("regency"))
                    | (Q(role=Role.VILLAGE_OFFICER) & _only("village"))
                    | (Q(role__in=sorted(AGENCY_ROLES)) & _only("agency"))
                    | (Q(role=Role.MISSION_OFFICER) & _only("mission"))
                    | (Q(role=Role.COMPLAINT_OFFICER) & (_only() | _only("province")))
                ),
                violation_error_message=_("The jurisdiction or company does not fit the role."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    @property
    def scope(self) -> UserScope:
        if not self.is_active or not self.role:
            return UserScope()
        if self.role in NATIONAL_ROLES or (self.role == Role.COMPLAINT_OFFICER and not self.province_id):
            return UserScope(everything=True)
        if self.role in AGENCY_ROLES:
            return UserScope(agency_id=self.agency_id)
        if self.role == Role.MISSION_OFFICER:
            return UserScope(country_codes=self.mission_country_codes)
        return UserScope(area_code=self.jurisdiction_code)

    @cached_property
    def mission_country_codes(self) -> frozenset[str]:
        """The destination countries the user's mission answers for (asked once per request)."""
        if self.mission_id is None:
            return frozenset()
        return frozenset(self.mission.countries.values_list("code", flat=True))

    @property
    def jurisdiction_code(self) -> str | None:
        return self.village_id or self.regency_id or self.province_id

    @property
    def jurisdiction(self):
        """The area or company this user acts for, or None for national roles."""
        return self.village or self.regency or self.province or self.agency or self.mission

    @property
    def is_agency_user(self) -> bool:
        return self.role in AGENCY_ROLES


class AuditEntry(models.Model):
    """Append-only record of account events (logins, password changes).

    Partitioned by month on ``at`` in PostgreSQL, like placement events (migration 0008,
    core.partitions): the database's primary key is (id, at)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, null=True, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    # For a failed login the attempted username, never the password.
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class ApiKeyScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiKey(models.Model):
    """A company's key to the partner API. Only a hash is stored; the key is shown once.

    Each key acts through a service account of its own (``user``: agency staff of the
    key's company, no password), so the API's writes go through the same services and
    scoping as the portal's and every event names the key that made it.
    """

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("company"), on_delete=models.PROTECT, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the key, shown in lists so a key can be recognised without being known.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=16, choices=ApiKeyScope.choices, default=ApiKeyScope.READ)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(agency="agency_id")

    class Meta:
        db_table = "agencies_apikey"  # created by the agencies app before keys moved beside users
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == ApiKeyScope.READ_WRITE
