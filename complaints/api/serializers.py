"""Partner API for complaints: what a company files, and the referrals it must answer.

A company sees a complaint only through a referral to it, and the complainant's identity only
when the complainant consented to share it with the company (never for an anonymous complaint);
the worker's NIK is masked. Writes are parsed here and done by complaints.services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Employer
from core import clock
from core.api.fields import ScopedPrimaryKeyRelatedField
from placement.models import Placement
from recruitment.models import Country

from ..choices import Category, ComplainantRelation
from ..models import Complaint, ComplaintReferral


class ComplaintCreateSerializer(serializers.Serializer):
    """A complaint the company files (channel ``company``): an employer's problem, a worker's."""

    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=5000, help_text=_("What happened, in a few sentences."))
    occurred_on = serializers.DateField(required=False, allow_null=True)
    involves_minor = serializers.BooleanField(required=False, default=False)
    placement = ScopedPrimaryKeyRelatedField(
        Placement,
        required=False,
        allow_null=True,
        help_text=_("One of your company's placements the complaint is about (its worker, employer and country)."),
    )
    employer = ScopedPrimaryKeyRelatedField(Employer, required=False, allow_null=True)
    country = serializers.PrimaryKeyRelatedField(
        queryset=Country.objects.all(), required=False, allow_null=True, help_text=_("ISO code, e.g. MY.")
    )
    area_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=13,
        help_text=_("The worker's home village or regency code (taken from the placement when one is given)."),
    )
    worker_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    worker_nik = serializers.CharField(required=False, allow_blank=True, max_length=16)
    complainant_name = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text=_("Who at your company officers may contact.")
    )
    complainant_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    complainant_email = serializers.EmailField(required=False, allow_blank=True)
    complainant_relation = serializers.ChoiceField(
        choices=ComplainantRelation.choices, required=False, allow_blank=True
    )


class ComplaintFiledSerializer(serializers.ModelSerializer):
    """The answer to a complaint filed: its tracking code, and the secret shown this once."""

    secret = serializers.SerializerMethodField(
        help_text=_("With the tracking code, opens the complaint's public page. Shown only in this answer.")
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_code",
            "secret",
            "channel",
            "category",
            "priority",
            "status",
            "placement",
            "employer",
            "country",
            "area_code",
            "acknowledge_due_at",
            "resolve_due_at",
            "filed_at",
        ]
        read_only_fields = fields

    def get_secret(self, complaint) -> str:
        return self.context.get("secret", "")


class Complainant(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    relation = serializers.CharField()


class ReferredComplaintSerializer(serializers.ModelSerializer):
    """The complaint as the company it is referred to sees it."""

    masked_worker_nik = serializers.CharField(read_only=True)
    placement = serializers.SerializerMethodField()
    complainant = serializers.SerializerMethodField(
        help_text=_("Only when the complainant agreed to show it to your company; null otherwise.")
    )

    class Meta:
        model = Complaint
        fields = [
            "tracking_code",
            "category",
            "priority",
            "status",
            "description",
            "occurred_on",
            "involves_minor",
            "country",
            "employer",
            "placement",
            "worker_name",
            "masked_worker_nik",
            "complainant",
            "filed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_placement(self, complaint):
        # The placement's id only when it is the company's own (the referral's company).
        agency_id = self.context.get("agency_id")
        if complaint.placement_id and complaint.placement is not None and complaint.placement.agency_id == agency_id:
            return complaint.placement_id
        return None

    @extend_schema_field(Complainant(allow_null=True))
    def get_complainant(self, complaint):
        if complaint.anonymous or not complaint.identity_shared_with_company:
            return None
        return {
            "name": complaint.complainant_name,
            "phone": complaint.complainant_phone,
            "email": complaint.complainant_email,
            "relation": complaint.complainant_relation,
        }


class ReferralSerializer(serializers.ModelSerializer):
    """A complaint referred to your company, what is asked, and your answer once given."""

    complaint = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(help_text=_("Not answered and past its deadline."))

    class Meta:
        model = ComplaintReferral
        fields = ["id", "complaint", "note", "due_at", "overdue", "answer", "answered_at", "referred_at"]
        read_only_fields = fields

    @extend_schema_field(ReferredComplaintSerializer)
    def get_complaint(self, referral):
        context = {**self.context, "agency_id": referral.agency_id}
        return ReferredComplaintSerializer(referral.complaint, context=context).data

    def get_overdue(self, referral) -> bool:
        return referral.answered_at is None and referral.due_at is not None and referral.due_at < clock.now()


class ReferralAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000, help_text=_("What your company did about the complaint."))
