"""The shape every partner API viewset shares."""

from __future__ import annotations

from rest_framework import status, viewsets
from rest_framework.response import Response

from .filters import FilterSetBackend, FilterSetOrdering
from .idempotency import IdempotentPostMixin


class PartnerViewSet(IdempotentPostMixin, viewsets.GenericViewSet):
    """Scoped to the caller (``visible_to``: another company's record is a 404), filtered with the
    model's shared FilterSet, ordered by its ``ordering_fields``, cursor-paginated."""

    filter_backends = [FilterSetBackend, FilterSetOrdering]
    ordering = ("-id",)
    model = None
    # Serializer that parses a write action's input (None: the action takes no body).
    input_serializers: dict = {}

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_serializer_class(self):
        return self.input_serializers.get(self.action) or super().get_serializer_class()

    def parsed(self, request, action: str | None = None) -> dict:
        """The validated input of this action (400 with field errors when invalid)."""
        serializer = self.input_serializers[action or self.action](
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def output(self, instance, *, status_code=status.HTTP_200_OK, headers=None) -> Response:
        data = self.serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=headers)
