"""The shape every partner API viewset shares."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from .filters import SEARCH_ACTION, FilterSetBackend, FilterSetOrdering, search_body_serializer
from .idempotency import IdempotentPostMixin
from .renderers import JSONRenderer

# The actions that answer with a page of the list.
LIST_ACTIONS = ("list", SEARCH_ACTION)


class PartnerViewSet(IdempotentPostMixin, viewsets.GenericViewSet):
    """Scoped to the caller (``visible_to``: another company's record is a 404), filtered with the
    model's shared FilterSet, ordered by its ``ordering_fields``, cursor-paginated."""

    filter_backends = [FilterSetBackend, FilterSetOrdering]
    # JSON encoded by orjson (core/api/renderers.py), the browsable API for the portal's session.
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
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


class SearchInBodyMixin:
    """``POST <list>/search/``: the list's filters (the exact NIK among them) in a JSON body, so a
    personal number never travels in a URL; answered like the list (same scoping, serializer and
    cursor pagination: POST the same body to the ``next`` link for the next page). The list itself
    refuses a NIK in its query string (core.api.filters.FilterSetBackend)."""

    @action(detail=False, methods=["post"], url_path=SEARCH_ACTION)
    def search(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


def search_schema(list_serializer, filterset_class):
    """The OpenAPI description of a viewset's search (use with ``extend_schema_view(search=...)``)."""
    return extend_schema(
        summary="Search with the filters in the body",
        description="The list's filters as a JSON object, the exact `nik` among them (a NIK is refused "
        "in a query string). Answered like the list; for the next page POST the same body to `next`.",
        request=search_body_serializer(filterset_class),
        responses=list_serializer(many=True),
    )
