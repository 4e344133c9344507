"""Partner API: what job orders, workers, applications and enrolments look like, and the input
each write takes. Writes are parsed here and done by recruitment.services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Employer, FieldRecruiter
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.personal_data import note_full_numbers_shown
from villages.models import Village

from ..choices import Education, JobOrderDocumentKind, MaritalStatus, Sex, TrainingKind, TrainingResult
from ..models import (
    Application,
    Country,
    Enrolment,
    JobOrder,
    JobOrderDocument,
    Occupation,
    RecruitmentPermit,
    TrainingProvider,
    Worker,
)


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name", "requires_language_test", "worker_cost_cap_idr"]


class OccupationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["code", "name", "sector", "zero_cost"]


class TrainingProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingProvider
        fields = ["id", "name", "kind", "regency", "accreditation_number"]


class JobOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobOrder
        fields = [
            "id",
            "agency",
            "employer",
            "country",
            "sector",
            "occupation",
            "reference",
            "quota",
            "quota_female",
            "quota_male",
            "salary",
            "currency",
            "contract_months",
            "worker_costs",
            "valid_from",
            "valid_until",
            "status",
            "mission_reference",
            "mission_verified_on",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class JobOrderDocumentSerializer(serializers.ModelSerializer):
    """A paper attached to a job order for the mission's check (the file itself is not returned)."""

    class Meta:
        model = JobOrderDocument
        fields = ["id", "job_order", "kind", "number", "content_type", "size", "created_at"]
        read_only_fields = fields


class JobOrderDocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=JobOrderDocumentKind.choices)
    number = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    file = serializers.FileField(help_text=_("PDF, JPEG or PNG scan, at most 5 MB."))


class PermitSerializer(serializers.ModelSerializer):
    """A recruitment permit (SIP2MI): applied for by the company, then issued (with its number),
    refused or revoked (with the reason) by the ministry or a province. Only an issued permit binds."""

    class Meta:
        model = RecruitmentPermit
        fields = [
            "id",
            "job_order",
            "status",
            "number",
            "quota",
            "valid_from",
            "valid_until",
            "regions",
            "applied_at",
            "decided_at",
            "reason",
        ]
        read_only_fields = fields


class JobOrderCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text=_("Why the job order is cancelled."))


class PermitApplySerializer(serializers.Serializer):
    quota = serializers.IntegerField(min_value=1, max_value=100000)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    regions = serializers.ListField(
        child=serializers.RegexField(r"^[0-9]{2}\.[0-9]{2}$"),
        allow_empty=False,
        max_length=600,
        help_text=_('Regency codes where the company may recruit, e.g. ["52.03", "52.01"]'),
    )


class JobOrderCreateSerializer(serializers.Serializer):
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())
    occupation = serializers.PrimaryKeyRelatedField(queryset=Occupation.objects.all())
    quota = serializers.IntegerField(min_value=1, max_value=100000)
    quota_female = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    quota_male = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    salary = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}$", help_text=_("ISO 4217 code, e.g. MYR"))
    contract_months = serializers.IntegerField(min_value=1, max_value=120)
    worker_costs = serializers.DecimalField(max_digits=14, decimal_places=0, min_value=0, required=False)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True)


@extend_schema_field(OpenApiTypes.INT)
class RegisteringCompanyField(serializers.Field):
    """``agency``: the company through which the caller reaches the person (its own registration),
    never the company that first put them on the national registry."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Your company: you reach a person through your registration of them."))
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, worker):
        request = self.context.get("request")
        return getattr(getattr(request, "user", None), "agency_id", None)


class WorkerSerializer(serializers.ModelSerializer):
    """A person your company registered (with their consent): the NIK is shown."""

    agency = RegisteringCompanyField()

    class Meta:
        model = Worker
        fields = [
            "id",
            "nik",
            "full_name",
            "sex",
            "birth_date",
            "birth_place",
            "village",
            "phone",
            "education",
            "marital_status",
            "next_of_kin_name",
            "next_of_kin_phone",
            "next_of_kin_relation",
            "family_consent_on",
            "agency",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, worker):
        # A company reaches only the people it registered, so it sees their NIK in full; the
        # viewing is audited (one row per response, however many people it holds).
        note_full_numbers_shown(
            self.context.get("request"), model_label=Worker._meta.label_lower, ids=[worker.pk], field="nik"
        )
        return super().to_representation(worker)


class WorkerListSerializer(serializers.ModelSerializer):
    """A worker in a list: the NIK masked (find one by its exact NIK with ``POST /workers/search/``)."""

    nik = serializers.CharField(source="masked_nik", read_only=True)
    agency = RegisteringCompanyField()

    class Meta:
        model = Worker
        fields = ["id", "nik", "full_name", "sex", "birth_date", "village", "agency", "created_at", "updated_at"]
        read_only_fields = fields


class WorkerRegisterSerializer(serializers.Serializer):
    nik = serializers.RegexField(r"^[0-9]{16}$", error_messages={"invalid": _("A NIK must be exactly 16 digits.")})
    full_name = serializers.CharField(max_length=150)
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField()
    birth_place = serializers.CharField(max_length=100)
    village = serializers.PrimaryKeyRelatedField(
        queryset=Village.objects.all(), help_text=_("Village code, e.g. 52.03.01.2001")
    )
    education = serializers.ChoiceField(choices=Education.choices)
    marital_status = serializers.ChoiceField(choices=MaritalStatus.choices)
    next_of_kin_name = serializers.CharField(max_length=150)
    next_of_kin_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    next_of_kin_relation = serializers.CharField(max_length=60, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    family_consent_on = serializers.DateField(required=False, allow_null=True)
    consent_on = serializers.DateField(
        help_text=_("The day the candidate consented to your company registering them (not in the future).")
    )


class ApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = [
            "id",
            "worker",
            "job_order",
            "recruiter",
            "status",
            "selection_notes",
            "applied_on",
            "decided_on",
            "updated_at",
        ]
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    worker = ScopedPrimaryKeyRelatedField(Worker)
    job_order = ScopedPrimaryKeyRelatedField(JobOrder)
    applied_on = serializers.DateField()
    recruiter = ScopedPrimaryKeyRelatedField(FieldRecruiter, required=False, allow_null=True)


class ApplicationDecideSerializer(serializers.Serializer):
    selected = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class EnrolmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrolment
        fields = [
            "id",
            "worker",
            "provider",
            "programme",
            "kind",
            "hours",
            "starts_on",
            "completed_on",
            "result",
            "certificate_number",
            "updated_at",
        ]
        read_only_fields = fields


class EnrolmentCreateSerializer(serializers.Serializer):
    worker = ScopedPrimaryKeyRelatedField(Worker)
    provider = serializers.PrimaryKeyRelatedField(queryset=TrainingProvider.objects.all())
    programme = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    hours = serializers.IntegerField(min_value=1, max_value=5000)
    starts_on = serializers.DateField()
    completed_on = serializers.DateField(required=False, allow_null=True)
    result = serializers.ChoiceField(choices=TrainingResult.choices, required=False)
    certificate_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
