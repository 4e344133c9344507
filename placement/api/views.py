"""Partner API for placements: register, move through the stages, attach documents, depart,
arrive, return. Each action calls the service the portal calls.

A placement's ``ETag`` is its version; an action sent with ``If-Match`` is refused with
412 when the placement changed since the client read it.
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.exceptions import PreconditionFailed
from core.api.views import LIST_ACTIONS, PartnerViewSet, SearchInBodyMixin, search_schema

from .. import services
from ..choices import ADVANCEABLE_STAGES
from ..filtersets import PlacementFilterSet
from ..models import EmbarkationPoint, Placement
from . import serializers as s


def _lock_if_match(request, placement_id: int) -> None:
    """Lock the placement for this transaction; 412 if the client's If-Match is stale."""
    version = Placement.objects.select_for_update().values_list("version", flat=True).get(pk=placement_id)
    if_match = request.headers.get("If-Match")
    if if_match and not _if_match_allows(if_match, etag(placement_id, version)):
        raise PreconditionFailed()


def etag(placement_id: int, version: int) -> str:
    return f'"{placement_id}-{version}"'


def _if_match_allows(header: str, current: str) -> bool:
    candidates = [value.strip() for value in header.split(",")]
    # A weak validator (W/"...") compares by its opaque value, which is fine for If-Match on our own tags.
    return "*" in candidates or current in (c.removeprefix("W/") for c in candidates)


@extend_schema_view(
    # The list renders rows with PlacementRowSerializer: the same fields, documented once as Placement.
    list=extend_schema(responses=s.PlacementSerializer(many=True)),
    search=search_schema(s.PlacementSerializer, PlacementFilterSet),
)
class PlacementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SearchInBodyMixin, PartnerViewSet):
    """Your company's placements, one worker on one job order, from registration to return."""

    model = Placement
    serializer_class = s.PlacementDetailSerializer
    filterset_class = PlacementFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    input_serializers = {
        "create": s.PlacementCreateSerializer,
        "advance": s.AdvanceSerializer,
        "agreement": s.AgreementSerializer,
        "contract": s.ContractSerializer,
        "departure_plan": s.DeparturePlanSerializer,
        "documents": s.DocumentUploadSerializer,
        "fees": s.FeeInputSerializer,
        "documents_batch": s.DocumentBatchSerializer,
        "depart": s.DepartSerializer,
        "arrive": s.ArriveSerializer,
        "return_home": s.ReturnSerializer,
        "cancel": s.CancelSerializer,
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in LIST_ACTIONS:
            # A list reads plain rows of the columns it shows: building a placement, a worker and a
            # job order for each of 50 rows cost more than the query (bench/api.py).
            return queryset.values(*s.ROW_COLUMNS)
        return queryset.select_related("worker", "job_order")

    def get_serializer_class(self):
        if self.action in LIST_ACTIONS:
            return s.PlacementRowSerializer
        return super().get_serializer_class()

    def _respond(self, placement_id: int, status_code=status.HTTP_200_OK) -> Response:
        placement = self.get_queryset().get(pk=placement_id)
        return self.output(placement, status_code=status_code, headers={"ETag": etag(placement.pk, placement.version)})

    def _act(self, request, service, **arguments) -> Response:
        """Run a stage action on this placement, honouring If-Match, and answer with the new state."""
        placement = self.get_object()
        with transaction.atomic():
            _lock_if_match(request, placement.pk)
            service(actor=request.user, placement_id=placement.pk, **arguments)
        return self._respond(placement.pk)

    def retrieve(self, request, pk=None):
        placement = self.get_object()
        return self.output(placement, headers={"ETag": etag(placement.pk, placement.version)})

    @extend_schema(request=s.PlacementCreateSerializer, responses={201: s.PlacementDetailSerializer})
    def create(self, request):
        placement = services.placement_create(actor=request.user, **self.parsed(request))
        return self._respond(placement.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=s.AdvanceSerializer, responses=s.PlacementDetailSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        data = self.parsed(request)
        return self._act(
            request, services.placement_advance, to_stage=int(data["to_stage"]), reason=data.get("reason", "")
        )

    @extend_schema(request=s.AgreementSerializer, responses=s.PlacementDetailSerializer)
    @action(detail=True, methods=["post"])
    def agreement(self, request, pk=None):
        return self._act(request, services.placement_record_agreement, **self.parsed(request))

    @extend_schema(request=s.ContractSerializer, responses=s.PlacementDetailSerializer)
    @action(detail=True, methods=["post"])
    def contract(self, request, pk=None):
        return self._act(request, services.placement_record_contract, **self.parsed(request))

    @extend_schema(request=s.DeparturePlanSerializer, responses=s.PlacementDetailSerializer)
    @action(detail=True, methods=["post"], url_path="departure-plan")
    def departure_plan(self, request, pk=None):
        return self._act(request, services.placement_plan_departure, **self.parsed(request))

    @extend_schema(request=s.DepartSerializer, responses=s.PlacementDetailSerializer)
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        return self._act(request, services.placement_depart, **self.parsed(request))

    @extend_schema(request=s.ArriveSerializer, responses=s.PlacementDetailSerializer)
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        return self._act(request, services.placement_arrive, **self.parsed(request))

    @extend_schema(request=s.ReturnSerializer, responses=s.PlacementDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_home(self, request, pk=None):
        return self._act(request, services.placement_return, **self.parsed(request))

    @extend_schema(request=s.CancelSerializer, responses=s.PlacementDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, services.placement_cancel, **self.parsed(request))

    @extend_schema(methods=["get"], request=None, responses=s.DocumentSerializer(many=True), summary="List documents")
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
        summary="Attach a document (multipart upload)",
    )
    @action(detail=True, methods=["get", "post"])
    def documents(self, request, pk=None):
        placement = self.get_object()
        if request.method == "GET":
            documents = placement.documents.order_by("id")
            return Response(s.DocumentSerializer(documents, many=True).data)
        data = self.parsed(request)
        with transaction.atomic():
            _lock_if_match(request, placement.pk)
            document = services.document_add(actor=request.user, placement_id=placement.pk, **data)
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.DocumentBatchSerializer},
        responses={201: s.DocumentSerializer(many=True)},
        summary="Attach several documents in one request (all or none)",
        description=(
            "Multipart: a form field `documents` holding a JSON list of {kind, number, issued_on, issuer, "
            "expires_on?, file}, where `file` names the multipart part carrying that document's scan. One fault "
            "refuses the whole batch (400, `errors` keyed `documents.<index>.<field>`); each document recorded "
            "is its own event."
        ),
    )
    @action(detail=True, methods=["post"], url_path="documents/batch")
    def documents_batch(self, request, pk=None):
        placement = self.get_object()
        documents = self.parsed(request)["documents"]
        with transaction.atomic():
            _lock_if_match(request, placement.pk)
            added = services.document_add_many(actor=request.user, placement_id=placement.pk, documents=documents)
        version = Placement.objects.values_list("version", flat=True).get(pk=placement.pk)
        return Response(
            s.DocumentSerializer(added, many=True).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(placement.pk, version)},
        )

    @extend_schema(request=None, responses=s.AdvanceFurthestSerializer)
    @action(detail=True, methods=["post"], url_path="advance-furthest")
    def advance_furthest(self, request, pk=None):
        """Advance stage by stage as far as the requirements allow; each stage is its own event, with
        its own checks. Answers the placement, the stage it stopped before and what that stage misses."""
        placement = self.get_object()
        with transaction.atomic():
            _lock_if_match(request, placement.pk)
            placement, missing = services.placement_advance_furthest(actor=request.user, placement_id=placement.pk)
        placement = self.get_queryset().get(pk=placement.pk)
        next_stage = placement.stage + 1
        data = {
            **self.serializer_class(placement, context=self.get_serializer_context()).data,
            "stopped_before": next_stage if next_stage in ADVANCEABLE_STAGES else None,
            "missing": [str(item) for item in missing],
        }
        return Response(data, headers={"ETag": etag(placement.pk, placement.version)})

    @extend_schema(methods=["get"], request=None, responses=s.FeeSerializer(many=True), summary="List fees")
    @extend_schema(
        methods=["post"],
        request=s.FeeInputSerializer,
        responses={201: s.FeeSerializer},
        summary="Record a fee the worker paid",
        description=(
            "Refused with 409 on a zero-cost occupation (`zero_cost_occupation`) and when the worker's costs "
            "(the agreement's plus every fee) would exceed the destination country's cap (`fees_above_cap`)."
        ),
    )
    @action(detail=True, methods=["get", "post"])
    def fees(self, request, pk=None):
        placement = self.get_object()
        if request.method == "GET":
            return Response(s.FeeSerializer(placement.fees.order_by("paid_on", "id"), many=True).data)
        data = self.parsed(request)
        with transaction.atomic():
            _lock_if_match(request, placement.pk)
            fee = services.fee_record(actor=request.user, placement_id=placement.pk, **data)
        return Response(s.FeeSerializer(fee).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        placement = self.get_object()
        return Response(s.EventSerializer(placement.events.order_by("at", "id"), many=True).data)


class EmbarkationPointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartnerViewSet):
    """Embarkation points (airports, seaports, land crossings); only official ones allow departure."""

    model = EmbarkationPoint
    serializer_class = s.EmbarkationPointSerializer
    pagination_class = None
    filter_backends = []
    lookup_field = "code"

    def get_queryset(self):
        return EmbarkationPoint.objects.order_by("code")
