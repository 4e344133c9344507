"""Village officers' reports over the API: what the phone's outbox sends when the signal returns.

One entry per request, identified by the ``client_id`` the phone made when the officer wrote it:
the first arrival answers 201, any resend 200 with the same body (``Idempotent-Replayed: true``)
and nothing new. An edit names the version it was made on; made on a stale copy it answers 409
``edit_conflict`` with the current version, so the phone can show both. Errors are problem+json
like the partner API's: 400 for input to fix (the phone's "Perlu diperbaiki"), 409 for a refusal
given the records. Signed in with the portal's session (the page's CSRF token).
"""

from __future__ import annotations

import base64
import binascii
import re

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission

from complaints.choices import Category, Channel, ComplainantRelation
from complaints.models import Complaint
from complaints.services import complaint_file
from core.api.exceptions import PROBLEM_CONTENT_TYPE
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.filters import SEARCH_ACTION
from core.api.views import PartnerViewSet, SearchInBodyMixin, search_schema
from core.permissions import is_village_officer, may_see_village_reports
from core.personal_data import mask_number
from recruitment.choices import ConsentRelation, Education, MaritalStatus, Sex
from recruitment.models import Country, Worker
from recruitment.services import CONSENT_LETTER_MAX_BYTES, village_intent_record
from villages.filtersets import VillageReportFilterSet
from villages.models import ReturnNeed, VillageReport, VillageReportKind
from villages.services import EDITABLE_FIELDS, village_report_create, village_report_update

REPLAYED_HEADER = "Idempotent-Replayed"
# A data URL of a JPEG or PNG photo: "data:image/jpeg;base64,...".
DATA_URL = re.compile(r"^data:image/(jpeg|png);base64,(?P<data>[A-Za-z0-9+/=\s]+)$")


class VillageOfficerOrReader(BasePermission):
    """Reads: whoever may see village reports (scoped to their jurisdiction). Writes: the
    village's own officers (the service checks the village)."""

    message = _("Village reports are written by village officers.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or getattr(view, "action", None) == SEARCH_ACTION:  # a search reads
            return may_see_village_reports(request.user)
        return is_village_officer(request.user)


class PhotoDataUrlField(serializers.CharField):
    """A photo sent as a data URL (the phone shrinks it first), decoded to a file."""

    default_error_messages = {
        "invalid": _("Send the photo as a JPEG or PNG data URL."),
        "too_large": _("The photo is too large (at most 1 MB); take it again."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", True)
        # Base64 is 4/3 of the bytes; refuse a longer string before decoding it.
        kwargs.setdefault("max_length", CONSENT_LETTER_MAX_BYTES * 4 // 3 + 64)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        match = DATA_URL.match(text)
        if match is None:
            self.fail("invalid")
        try:
            raw = base64.b64decode(re.sub(r"\s", "", match["data"]), validate=True)
        except (binascii.Error, ValueError):
            self.fail("invalid")
        if len(raw) > CONSENT_LETTER_MAX_BYTES:
            self.fail("too_large")
        return ContentFile(raw, name=f"letter.{'png' if match.group(1) == 'png' else 'jpg'}")


class VillageReportSerializer(serializers.ModelSerializer):
    """A village report as the officer's phone and officials see it (the NIK masked)."""

    masked_nik = serializers.SerializerMethodField()
    village = serializers.CharField(source="village_id", read_only=True)
    sources = serializers.SerializerMethodField()

    class Meta:
        model = VillageReport
        fields = [
            "id",
            "client_id",
            "kind",
            "village",
            "occurred_on",
            "person_name",
            "masked_nik",
            # The facts of each kind, as the services name them (never the full NIK).
            *(name for name in EDITABLE_FIELDS if name not in ("occurred_on", "person_nik", "person_name")),
            "same_event_as",
            "sources",
            "status",
            "closing_note",
            "version",
            "recorded_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_masked_nik(self, report) -> str:
        return mask_number(report.person_nik)

    def get_sources(self, report) -> int:
        """How many officers' reports make this event (1 + second sources)."""
        counted = getattr(report, "source_count", None)
        return counted if counted is not None else 1 + report.other_sources.count()


class VillageEntryFieldsSerializer(serializers.Serializer):
    """The facts of every kind of entry; which ones count depends on ``kind`` (see docs/village-offline.md)."""

    occurred_on = serializers.DateField(help_text=_("When it happened (the day the intent was stated)."))
    details = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    # departure_seen / return_seen / death_or_repatriation: a person of the village on the registry
    # by id (the officer's pages never carry full NIKs), or a NIK, or only a name.
    person = ScopedPrimaryKeyRelatedField(
        Worker, required=False, allow_null=True, help_text=_("A person of the village on the registry, by id.")
    )
    person_nik = serializers.CharField(required=False, allow_blank=True, max_length=16)
    person_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    needs = serializers.ListField(child=serializers.ChoiceField(choices=ReturnNeed.choices), required=False)
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    # suspected_recruiter
    broker_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    broker_nickname = serializers.CharField(required=False, allow_blank=True, max_length=80)
    broker_phones = serializers.ListField(
        child=serializers.CharField(max_length=30, allow_blank=True), required=False, max_length=5
    )
    broker_vehicle = serializers.CharField(required=False, allow_blank=True, max_length=120)
    seen_at_place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    approached = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    claimed_company = serializers.CharField(required=False, allow_blank=True, max_length=200)
    # intent: where and what
    destination_country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    hoped_work = serializers.CharField(required=False, allow_blank=True, max_length=120)


INTENT_PERSON_FIELDS = (
    "nik",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
    "education",
    "marital_status",
    "consenter_name",
    "consent_relation",
    "consent_given_on",
)


def _person_to_nik(data: dict, user) -> dict:
    """A person chosen by id becomes the report's NIK (and name, unless one was typed)."""
    person = data.pop("person", None)
    if person is not None:
        if person.village_id != user.village_id:
            raise serializers.ValidationError({"person": [_("Choose a person of your village.")]})
        data["person_nik"] = person.nik
        data["person_name"] = data.get("person_name") or person.full_name
    return data


class VillageEntrySerializer(VillageEntryFieldsSerializer):
    """One entry from the phone's outbox (or any client): what was seen, with the id the phone made."""

    client_id = serializers.UUIDField(help_text=_("Made on the phone when the entry was written; a resend reuses it."))
    kind = serializers.ChoiceField(choices=VillageReportKind.choices)
    recorded_at = serializers.DateTimeField(required=False, help_text=_("When the officer wrote it down."))
    # intent: the person and the family's consent known to the village head
    nik = serializers.CharField(required=False, max_length=16)
    full_name = serializers.CharField(required=False, max_length=150)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False)
    birth_place = serializers.CharField(required=False, max_length=100)
    education = serializers.ChoiceField(choices=Education.choices, required=False)
    marital_status = serializers.ChoiceField(choices=MaritalStatus.choices, required=False)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    consenter_name = serializers.CharField(required=False, max_length=150)
    consent_relation = serializers.ChoiceField(choices=ConsentRelation.choices, required=False)
    consent_given_on = serializers.DateField(required=False)
    consent_letter = PhotoDataUrlField(required=False, allow_blank=True)

    def validate(self, data):
        data = super().validate(data)
        if data["kind"] == VillageReportKind.INTENT:
            required = serializers.Field.default_error_messages["required"]  # DRF's own, translated by DRF
            missing = {name: [required] for name in INTENT_PERSON_FIELDS if data.get(name) in (None, "")}
            if missing:
                raise serializers.ValidationError(missing)
        return data


class VillageEntryEditSerializer(VillageEntryFieldsSerializer):
    """An edit of a report: the facts as the officer now has them, made on ``base_version``."""

    base_version = serializers.IntegerField(min_value=1, help_text=_("The version the edit was made on."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "base_version":
                field.required = False


PROBLEM = OpenApiResponse(description=_("A problem+json body: code, detail and, for input, errors per field."))


@extend_schema_view(search=search_schema(VillageReportSerializer, VillageReportFilterSet))
class VillageReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SearchInBodyMixin, PartnerViewSet):
    """Village reports: a village officer sends what the village saw (from the phone's outbox,
    one entry per request) and edits it; officials read those of their jurisdiction."""

    model = VillageReport
    serializer_class = VillageReportSerializer
    permission_classes = [VillageOfficerOrReader]
    filterset_class = VillageReportFilterSet
    input_serializers = {"create": VillageEntrySerializer, "partial_update": VillageEntryEditSerializer}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().select_related("village")

    @extend_schema(
        request=VillageEntrySerializer,
        responses={
            201: VillageReportSerializer,
            200: OpenApiResponse(VillageReportSerializer, description=_("Already received: the same report.")),
            (400, PROBLEM_CONTENT_TYPE): PROBLEM,
            (403, PROBLEM_CONTENT_TYPE): PROBLEM,
            (409, PROBLEM_CONTENT_TYPE): PROBLEM,
        },
    )
    def create(self, request):
        user = request.user
        data = _person_to_nik(dict(self.parsed(request)), user)
        kind = data.pop("kind")
        common = {
            "actor": user,
            "village": user.village,
            "client_id": data.pop("client_id"),
            "recorded_at": data.pop("recorded_at", None),
            "occurred_on": data.pop("occurred_on"),
        }
        if kind == VillageReportKind.INTENT:
            fields = {name: data[name] for name in INTENT_PERSON_FIELDS}
            letter = data.get("consent_letter") or None
            report = village_intent_record(
                **common,
                **fields,
                phone=data.get("phone", ""),
                destination_country=data.get("destination_country", ""),
                hoped_work=data.get("hoped_work", ""),
                details=data.get("details", ""),
                consent_letter=letter,
            )
        else:
            facts = {name: data[name] for name in VillageEntryFieldsSerializer().fields if name in data}
            for name in ("destination_country", "hoped_work"):
                facts.pop(name, None)
            report = village_report_create(kind=kind, **common, **facts)
        if report.replayed:
            return self.output(report, headers={REPLAYED_HEADER: "true"})
        return self.output(report, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=VillageEntryEditSerializer,
        responses={
            200: VillageReportSerializer,
            (400, PROBLEM_CONTENT_TYPE): PROBLEM,
            (404, PROBLEM_CONTENT_TYPE): PROBLEM,
            (409, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                description=_("edit_conflict: the report changed since; the body's `current` is its current version.")
            ),
        },
    )
    def partial_update(self, request, pk=None):
        report = self.get_object()  # 404 outside the caller's village or jurisdiction
        data = _person_to_nik(dict(self.parsed(request)), request.user)
        base_version = data.pop("base_version")
        updated = village_report_update(actor=request.user, report_id=report.pk, base_version=base_version, **data)
        return self.output(updated)


# --- Complaints filed through the village (issue 14, point 1) -------------------------------------


class VillageOfficersOnly(BasePermission):
    """The village's own officers, reading or writing (officials read complaints elsewhere)."""

    message = _("Complaints through the village are filed by village officers.")

    def has_permission(self, request, view):
        return is_village_officer(request.user)


class VillageComplaintEntrySerializer(serializers.Serializer):
    """A complaint the family brought to the village office, as the phone's outbox (or the page) sends it."""

    client_id = serializers.UUIDField(help_text=_("Made on the phone when the entry was written; a resend reuses it."))
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=5000, help_text=_("What happened, in the family's words."))
    occurred_on = serializers.DateField(required=False, allow_null=True)
    involves_minor = serializers.BooleanField(required=False, default=False)
    person = ScopedPrimaryKeyRelatedField(
        Worker,
        required=False,
        allow_null=True,
        help_text=_("The worker, a person of the village on the registry, by id."),
    )
    worker_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    country = serializers.PrimaryKeyRelatedField(
        queryset=Country.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Where it happened: the ISO code of the country (MY, SA, HK...)."),
    )
    complainant_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    complainant_phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=30,
        help_text=_("The tracking code and the secret are sent to this number by SMS."),
    )
    complainant_relation = serializers.ChoiceField(
        choices=ComplainantRelation.choices, required=False, allow_blank=True
    )
    identity_shared_with_company = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        data = super().validate(data)
        person = data.pop("person", None)
        if person is not None:
            if person.village_id != self.context["request"].user.village_id:
                raise serializers.ValidationError({"person": [_("Choose a person of your village.")]})
            data["worker_nik"] = person.nik
            data["worker_name"] = data.get("worker_name") or person.full_name
        return data


class VillageComplaintSerializer(serializers.ModelSerializer):
    """A complaint filed through the village, as its officers read it: no complainant's identity, the
    worker's NIK masked."""

    masked_worker_nik = serializers.CharField(read_only=True)
    country = serializers.CharField(source="country_id", read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "client_id",
            "tracking_code",
            "channel",
            "category",
            "priority",
            "status",
            "level",
            "occurred_on",
            "involves_minor",
            "worker_name",
            "masked_worker_nik",
            "country",
            "acknowledge_due_at",
            "resolve_due_at",
            "filed_at",
        ]
        read_only_fields = fields


class VillageComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartnerViewSet):
    """Complaints a family brought to the village office: the village officer files them (from the
    phone's outbox, one entry per request, like village reports) and reads those of the village.
    The complainant gets the tracking code and the secret by SMS: nobody may be at the screen when
    an entry written offline is finally sent."""

    model = Complaint
    serializer_class = VillageComplaintSerializer
    permission_classes = [VillageOfficersOnly]
    input_serializers = {"create": VillageComplaintEntrySerializer}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        # What the village filed, not what others filed about its people (an anonymous web
        # complaint about a broker of the village stays out of the village office's sight).
        village_id = getattr(self.request.user, "village_id", None)  # None while the schema is drawn
        return super().get_queryset().filter(channel=Channel.VILLAGE, area_code=village_id or "")

    @extend_schema(
        request=VillageComplaintEntrySerializer,
        responses={
            201: VillageComplaintSerializer,
            200: OpenApiResponse(VillageComplaintSerializer, description=_("Already received: the same complaint.")),
            (400, PROBLEM_CONTENT_TYPE): PROBLEM,
            (403, PROBLEM_CONTENT_TYPE): PROBLEM,
        },
        summary="File a complaint through the village",
    )
    def create(self, request):
        data = dict(self.parsed(request))
        complaint, _secret = complaint_file(actor=request.user, channel=Channel.VILLAGE, **data)
        if complaint.replayed:
            return self.output(complaint, headers={REPLAYED_HEADER: "true"})
        return self.output(complaint, status_code=status.HTTP_201_CREATED)
