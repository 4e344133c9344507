"""Partner API for recruitment. Every write calls the service the portal calls."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.views import LIST_ACTIONS, PartnerViewSet, SearchInBodyMixin, search_schema

from .. import services
from ..filtersets import ApplicationFilterSet, EnrolmentFilterSet, JobOrderFilterSet, WorkerFilterSet
from ..models import Application, Country, Enrolment, JobOrder, Occupation, TrainingProvider, Worker
from . import serializers as s


class JobOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartnerViewSet):
    """Your company's job orders. Create a draft, then submit it for the mission's verification."""

    model = JobOrder
    serializer_class = s.JobOrderSerializer
    filterset_class = JobOrderFilterSet
    input_serializers = {
        "create": s.JobOrderCreateSerializer,
        "permits": s.PermitApplySerializer,
        "documents": s.JobOrderDocumentUploadSerializer,
        "cancel": s.JobOrderCancelSerializer,
    }
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=s.JobOrderCreateSerializer, responses={201: s.JobOrderSerializer})
    def create(self, request):
        job_order = services.job_order_create(actor=request.user, agency=request.user.agency, **self.parsed(request))
        return self.output(job_order, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["get"], request=None, responses=s.JobOrderDocumentSerializer(many=True), summary="List documents"
    )
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": s.JobOrderDocumentUploadSerializer},
        responses={201: s.JobOrderDocumentSerializer},
        summary="Attach a document for the mission (multipart upload)",
        description="A job order is submitted only with its demand letter (`kind=demand_letter`) attached.",
    )
    @action(detail=True, methods=["get", "post"])
    def documents(self, request, pk=None):
        job_order = self.get_object()
        if request.method == "GET":
            return Response(s.JobOrderDocumentSerializer(job_order.documents.order_by("id"), many=True).data)
        document = services.job_order_document_add(
            actor=request.user, job_order_id=job_order.pk, **self.parsed(request)
        )
        return Response(s.JobOrderDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.JobOrderSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        job_order = self.get_object()
        return self.output(services.job_order_submit(actor=request.user, job_order_id=job_order.pk))

    @extend_schema(
        methods=["get"], request=None, responses=s.PermitSerializer(many=True), summary="List recruitment permits"
    )
    @extend_schema(
        methods=["post"],
        request=s.PermitApplySerializer,
        responses={201: s.PermitSerializer},
        summary="Apply for a recruitment permit (SIP2MI) on a verified job order",
    )
    @action(detail=True, methods=["get", "post"])
    def permits(self, request, pk=None):
        job_order = self.get_object()
        if request.method == "GET":
            permits = job_order.permits.prefetch_related("regions").order_by("id")
            return Response(s.PermitSerializer(permits, many=True).data)
        permit = services.permit_apply(actor=request.user, job_order_id=job_order.pk, **self.parsed(request))
        return Response(s.PermitSerializer(permit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.JobOrderSerializer, summary="Publish under an issued permit")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        job_order = self.get_object()
        return self.output(services.job_order_publish(actor=request.user, job_order_id=job_order.pk))

    @extend_schema(request=None, responses=s.JobOrderSerializer, summary="Close a published job order")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        job_order = self.get_object()
        return self.output(services.job_order_close(actor=request.user, job_order_id=job_order.pk))

    @extend_schema(request=s.JobOrderCancelSerializer, responses=s.JobOrderSerializer, summary="Cancel a job order")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job_order = self.get_object()
        reason = self.parsed(request)["reason"]
        return self.output(services.job_order_cancel(actor=request.user, job_order_id=job_order.pk, reason=reason))


@extend_schema_view(search=search_schema(s.WorkerListSerializer, WorkerFilterSet))
class WorkerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SearchInBodyMixin, PartnerViewSet):
    """Your company's candidates. Lists mask the NIK; find one by its exact NIK with
    ``POST /workers/search/`` (never in the query string). Reading one shows its NIK, and is audited."""

    model = Worker
    serializer_class = s.WorkerSerializer
    filterset_class = WorkerFilterSet
    input_serializers = {"create": s.WorkerRegisterSerializer}

    def get_serializer_class(self):
        return s.WorkerListSerializer if self.action in LIST_ACTIONS else super().get_serializer_class()

    @extend_schema(request=s.WorkerRegisterSerializer, responses={201: s.WorkerSerializer})
    def create(self, request):
        worker = services.worker_register(actor=request.user, agency=request.user.agency, **self.parsed(request))
        return self.output(worker, status_code=status.HTTP_201_CREATED)


@extend_schema_view(search=search_schema(s.ApplicationSerializer, ApplicationFilterSet))
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SearchInBodyMixin, PartnerViewSet):
    """Applications of your candidates to your job orders, and the selection decision."""

    model = Application
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilterSet
    input_serializers = {"create": s.ApplicationCreateSerializer, "decide": s.ApplicationDecideSerializer}

    @extend_schema(request=s.ApplicationCreateSerializer, responses={201: s.ApplicationSerializer})
    def create(self, request):
        application = services.application_create(actor=request.user, **self.parsed(request))
        return self.output(application, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=s.ApplicationDecideSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        application = self.get_object()
        data = self.parsed(request)
        decided = services.application_decide(
            actor=request.user, application_id=application.pk, selected=data["selected"], notes=data.get("notes", "")
        )
        return self.output(decided)


@extend_schema_view(search=search_schema(s.EnrolmentSerializer, EnrolmentFilterSet))
class EnrolmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SearchInBodyMixin, PartnerViewSet):
    """Training enrolments (skills, language) of your candidates."""

    model = Enrolment
    serializer_class = s.EnrolmentSerializer
    filterset_class = EnrolmentFilterSet
    input_serializers = {"create": s.EnrolmentCreateSerializer}

    @extend_schema(request=s.EnrolmentCreateSerializer, responses={201: s.EnrolmentSerializer})
    def create(self, request):
        enrolment = services.enrolment_record(actor=request.user, **self.parsed(request))
        return self.output(enrolment, status_code=status.HTTP_201_CREATED)


class ReferenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartnerViewSet):
    """Small reference tables, listed whole (no pagination)."""

    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return self.model.objects.all()


class CountryViewSet(ReferenceViewSet):
    """Destination countries (ISO codes), with the worker-cost cap and language-test rule."""

    model = Country
    lookup_field = "code"
    serializer_class = s.CountrySerializer


class OccupationViewSet(ReferenceViewSet):
    """Occupations a job order may name, by code."""

    model = Occupation
    lookup_field = "code"
    serializer_class = s.OccupationSerializer


class TrainingProviderViewSet(ReferenceViewSet):
    """Accredited training providers (LPK) for enrolments."""

    model = TrainingProvider
    serializer_class = s.TrainingProviderSerializer
