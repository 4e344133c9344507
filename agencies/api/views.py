from rest_framework import mixins

from core.api.views import PartnerViewSet

from ..filtersets import EmployerFilterSet, FieldRecruiterFilterSet
from ..models import Employer, FieldRecruiter
from .serializers import EmployerSerializer, FieldRecruiterSerializer


class EmployerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartnerViewSet):
    """Foreign employers a job order may name (blacklisted ones are refused)."""

    model = Employer
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilterSet


class FieldRecruiterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartnerViewSet):
    """Your company's registered field recruiters, to name on an application."""

    model = FieldRecruiter
    serializer_class = FieldRecruiterSerializer
    filterset_class = FieldRecruiterFilterSet
