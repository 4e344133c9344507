"""Partner API: placements, their documents and events, and the input of each stage action."""

import json

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from core.personal_data import masked_nik_from_last_digits
from recruitment.models import Application

from ..choices import ADVANCEABLE_STAGES, DocumentKind, ReturnReason, Stage
from ..models import Document, EmbarkationPoint, Fee, Placement, PlacementEvent

MAX_BATCH_DOCUMENTS = 20


class EmbarkationPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmbarkationPoint
        fields = ["code", "name", "kind", "regency", "official"]


def _day(value):
    return value.isoformat() if value is not None else None


def _decimal(value):
    return str(value) if value is not None else None


# The fields of a placement as the API answers them, in order; the four derived ones come from the
# worker, the job order or a label, the others are the placement's own columns (a foreign key by its
# name: its id). A list row is a dict of those columns and the three it takes from the worker and the
# job order (``.values()``).
PLACEMENT_FIELDS = [
    "id",
    "worker",
    "worker_name",
    "worker_nik",
    "job_order",
    "application",
    "agency",
    "country",
    "stage",
    "stage_label",
    "stage_changed_at",
    "planned_departure_on",
    "agreement_signed_on",
    "agreement_worker_costs",
    "contract_signed_on",
    "contract_salary",
    "departed_on",
    "embarkation_point",
    "flight",
    "arrived_on",
    "arrival_reported_on",
    "returned_on",
    "return_reason",
    "cancellation_reason",
    "version",
    "created_at",
    "updated_at",
]
DERIVED_FIELDS = {"worker_name", "worker_nik", "country", "stage_label"}
ROW_PLACEMENT_FIELDS = [name for name in PLACEMENT_FIELDS if name not in DERIVED_FIELDS]
ROW_COLUMNS = [*ROW_PLACEMENT_FIELDS, "worker__full_name", "worker__nik_last4", "job_order__country"]
_ROW_ATTNAMES = [(name, Placement._meta.get_field(name).attname) for name in ROW_PLACEMENT_FIELDS]


def placement_row(placement: Placement) -> dict:
    """A placement read as a model (with its worker and job order) as the row a list reads."""
    row = {name: getattr(placement, attname) for name, attname in _ROW_ATTNAMES}
    row["worker__full_name"] = placement.worker.full_name
    row["worker__nik_last4"] = placement.worker.nik_last4
    row["job_order__country"] = placement.job_order.country_id
    return row


class PlacementSerializer(serializers.ModelSerializer):
    """The fields below document the schema; ``render_row`` renders them directly from a row of
    plain values, because DRF's field-by-field rendering, and building three models per row, were
    most of a list page's time (bench/api.py). A test checks both renderings agree."""

    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    worker_name = serializers.CharField(source="worker.full_name", read_only=True)
    worker_nik = serializers.CharField(source="worker.masked_nik", read_only=True)
    country = serializers.CharField(source="job_order.country_id", read_only=True)
    # Blank until the placement has returned.
    return_reason = serializers.ChoiceField(choices=ReturnReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Placement
        fields = PLACEMENT_FIELDS
        read_only_fields = fields

    def to_representation(self, placement):
        return self.render_row(placement_row(placement))

    def render_row(self, row: dict) -> dict:
        """One placement from its row (``ROW_COLUMNS``). The time zone and the stages' labels are
        looked up once per serializer, which lives for one response: per row they cost more than
        the rest of the row."""
        if not hasattr(self, "_zone"):
            self._zone = timezone.get_current_timezone()
            self._stage_labels = {stage: str(label) for stage, label in Stage.choices}
        return {
            "id": row["id"],
            "worker": row["worker"],
            "worker_name": row["worker__full_name"],
            "worker_nik": masked_nik_from_last_digits(row["worker__nik_last4"]),
            "job_order": row["job_order"],
            "application": row["application"],
            "agency": row["agency"],
            "country": row["job_order__country"],
            "stage": row["stage"],
            "stage_label": self._stage_labels[row["stage"]],
            "stage_changed_at": self._moment(row["stage_changed_at"]),
            "planned_departure_on": _day(row["planned_departure_on"]),
            "agreement_signed_on": _day(row["agreement_signed_on"]),
            "agreement_worker_costs": _decimal(row["agreement_worker_costs"]),
            "contract_signed_on": _day(row["contract_signed_on"]),
            "contract_salary": _decimal(row["contract_salary"]),
            "departed_on": _day(row["departed_on"]),
            "embarkation_point": row["embarkation_point"],
            "flight": row["flight"],
            "arrived_on": _day(row["arrived_on"]),
            "arrival_reported_on": _day(row["arrival_reported_on"]),
            "returned_on": _day(row["returned_on"]),
            "return_reason": row["return_reason"],
            "cancellation_reason": row["cancellation_reason"],
            "version": row["version"],
            "created_at": self._moment(row["created_at"]),
            "updated_at": self._moment(row["updated_at"]),
        }

    def _moment(self, value):
        """As DRF's DateTimeField renders it: local time, ISO 8601, 'Z' for UTC."""
        if value is None:
            return None
        text = value.astimezone(self._zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def generic_representation(self, placement):
        """DRF's own rendering of the declared fields (what ``to_representation`` must equal)."""
        return super().to_representation(placement)


class PlacementRowSerializer(PlacementSerializer):
    """The list's: renders the rows the list reads with ``.values(*ROW_COLUMNS)``, no model instances."""

    def to_representation(self, row):
        return self.render_row(row)


class PlacementDetailSerializer(PlacementSerializer):
    missing_for_next_stage = serializers.SerializerMethodField(
        help_text=_("What the next stage still needs (empty when it can be reached).")
    )

    class Meta(PlacementSerializer.Meta):
        fields = [*PlacementSerializer.Meta.fields, "missing_for_next_stage"]
        read_only_fields = fields

    def to_representation(self, placement):
        return {
            **super().to_representation(placement),
            "missing_for_next_stage": self.get_missing_for_next_stage(placement),
        }

    def get_missing_for_next_stage(self, placement) -> list[str]:
        from ..requirements import missing_for

        next_stage = placement.stage + 1
        if next_stage not in ADVANCEABLE_STAGES:
            return []
        return [str(item) for item in missing_for(placement, next_stage)]


class DocumentSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="masked_number", read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "placement",
            "kind",
            "number",
            "issued_on",
            "expires_on",
            "issuer",
            "has_file",
            "content_type",
            "size",
            "verified_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_file(self, document) -> bool:
        return bool(document.file)


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fee
        fields = ["id", "placement", "amount_idr", "description", "paid_on", "paid_to"]
        read_only_fields = fields


class FeeInputSerializer(serializers.Serializer):
    amount_idr = serializers.DecimalField(
        max_digits=14, decimal_places=0, min_value=1, help_text=_("What the worker paid, in rupiah.")
    )
    description = serializers.CharField(max_length=200, help_text=_("What the fee was for."))
    paid_on = serializers.DateField(help_text=_("When the worker paid (not in the future)."))
    paid_to = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class EventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PlacementEvent
        fields = ["id", "at", "kind", "kind_label", "from_stage", "to_stage", "reason", "data"]
        read_only_fields = fields


class PlacementCreateSerializer(serializers.Serializer):
    application = ScopedPrimaryKeyRelatedField(
        Application, help_text=_("A selected application of your candidate to your job order.")
    )


ADVANCE_CHOICES = [(int(stage), Stage(stage).label) for stage in ADVANCEABLE_STAGES]


class AdvanceSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(
        choices=ADVANCE_CHOICES,
        help_text=_("The next stage (2 to 9); departure, arrival and return have their own actions."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AdvanceFurthestSerializer(PlacementDetailSerializer):
    """The placement after advancing as far as the requirements allow, and where it stopped."""

    stopped_before = serializers.IntegerField(
        allow_null=True, help_text=_("The stage it could not reach (null: none is reached by advancing).")
    )
    missing = serializers.ListField(child=serializers.CharField(), help_text=_("What that stage still needs."))

    class Meta(PlacementDetailSerializer.Meta):
        fields = [*PlacementDetailSerializer.Meta.fields, "stopped_before", "missing"]
        read_only_fields = fields


class AgreementSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    worker_costs = serializers.DecimalField(max_digits=14, decimal_places=0, min_value=0)


class ContractSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    salary = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class DeparturePlanSerializer(serializers.Serializer):
    planned_on = serializers.DateField()


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    number = serializers.CharField(max_length=60)
    issued_on = serializers.DateField()
    issuer = serializers.CharField(max_length=150)
    expires_on = serializers.DateField(required=False, allow_null=True)
    file = serializers.FileField(required=False, help_text=_("PDF, JPEG or PNG scan, at most 5 MB."))


class DocumentBatchItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    number = serializers.CharField(max_length=60)
    issued_on = serializers.DateField()
    issuer = serializers.CharField(max_length=150)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The name of the multipart part holding this document's scan (PDF, JPEG or PNG, at most 5 MB)."),
    )


class DocumentBatchSerializer(serializers.Serializer):
    """Several documents in one request: a JSON list in the form field ``documents``, each naming the
    multipart part that holds its file. All are recorded or none; faults come back as
    ``documents.<index>.<field>``."""

    documents = serializers.JSONField(
        help_text=_(
            "A JSON list of documents: kind, number, issued_on, issuer, expires_on (optional) and file "
            "(the name of the part holding its scan)."
        )
    )

    def validate_documents(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise serializers.ValidationError(_("Send the documents as a JSON list.")) from None
        if not isinstance(value, list) or not value:
            raise serializers.ValidationError(_("Send at least one document, as a JSON list."))
        if len(value) > MAX_BATCH_DOCUMENTS:
            raise serializers.ValidationError(
                _("Send at most %(count)s documents at once.") % {"count": MAX_BATCH_DOCUMENTS}
            )
        items = DocumentBatchItemSerializer(data=value, many=True)
        valid = items.is_valid()
        errors = [{} for _item in value]
        if not valid:
            found = items.errors
            pairs = found.items() if isinstance(found, dict) else enumerate(found)
            for index, error in pairs:
                if not str(index).isdigit():  # about the list as a whole
                    raise serializers.ValidationError(error)
                if isinstance(error, dict):
                    errors[int(index)] = dict(error)
                else:
                    errors[int(index)] = {"non_field_errors": error if isinstance(error, list) else [error]}
        files = self.context["request"].FILES
        for index, raw in enumerate(value):
            name = raw.get("file") if isinstance(raw, dict) else None
            if name and name not in files:
                errors[index]["file"] = [_("No file part named “%(name)s” was sent.") % {"name": name}]
        if any(errors):
            raise serializers.ValidationError(errors)
        documents = []
        for item in items.validated_data:
            name = item.pop("file")
            documents.append({**item, "file": files.get(name) if name else None})
        return documents


class DepartSerializer(serializers.Serializer):
    departed_on = serializers.DateField()
    embarkation_point = serializers.PrimaryKeyRelatedField(queryset=EmbarkationPoint.objects.all())
    flight = serializers.CharField(max_length=40)


class ArriveSerializer(serializers.Serializer):
    arrived_on = serializers.DateField()
    reported_on = serializers.DateField()


class ReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    details = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
