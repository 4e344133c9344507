"""Partner API for complaints: a company files one (channel ``company``) and answers the
complaints referred to it. Each write calls the service the portal calls."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.views import PartnerViewSet

from .. import services
from ..choices import Channel
from ..models import Complaint, ComplaintReferral
from . import serializers as s


class ComplaintViewSet(PartnerViewSet):
    """File a complaint as a company: an employer's problem, a worker's, about one of your placements.
    The answer carries the tracking code and, this once, the secret that opens its public page."""

    model = Complaint
    serializer_class = s.ComplaintFiledSerializer
    input_serializers = {"create": s.ComplaintCreateSerializer}

    @extend_schema(
        request=s.ComplaintCreateSerializer,
        responses={201: s.ComplaintFiledSerializer},
        summary="File a complaint (channel company)",
        description=(
            "The complaint is handled by the officials of the worker's area (from the placement, else "
            "`area_code`). Keep the `secret`: it is not stored in a readable form and is shown only in this "
            "answer (and in a replay of it with the same `Idempotency-Key` within 24 hours)."
        ),
    )
    def create(self, request):
        complaint, secret = services.complaint_file(actor=request.user, channel=Channel.COMPANY, **self.parsed(request))
        data = self.serializer_class(complaint, context={**self.get_serializer_context(), "secret": secret}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ComplaintReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartnerViewSet):
    """Complaints referred to your company: what is asked and by when. Answer each through ``answer``."""

    model = ComplaintReferral
    serializer_class = s.ReferralSerializer
    input_serializers = {"answer": s.ReferralAnswerSerializer}

    def get_queryset(self):
        queryset = super().get_queryset().select_related("complaint", "complaint__placement")
        answered = self.request.query_params.get("answered")
        if answered in ("true", "false"):
            queryset = queryset.filter(answered_at__isnull=answered == "false")
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "answered", OpenApiTypes.BOOL, description="true: only answered; false: only waiting for your answer"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.ReferralAnswerSerializer,
        responses=s.ReferralSerializer,
        summary="Answer a referral: what your company did",
        description="Once answered, a referral cannot be answered again (409 `referral_answered`).",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        referral = self.get_object()
        services.referral_answer(actor=request.user, referral_id=referral.pk, **self.parsed(request))
        return self.output(self.get_queryset().get(pk=referral.pk))
