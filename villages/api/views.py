"""Area search for partners: find a village's code by its name (or check a code)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api.views import PartnerViewSet

from ..models import AREA_MODELS_BY_DEPTH

LEVELS = {"province": 1, "regency": 2, "district": 3, "village": 4}
MAX_RESULTS = 50


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=list(LEVELS))


class AreaSearchViewSet(PartnerViewSet):
    """Search provinces, regencies, districts and villages by name fragment or code prefix."""

    serializer_class = AreaSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description=_("At least 3 letters of a name, or a code prefix")),
            OpenApiParameter("level", str, enum=list(LEVELS), description=_("Only this level")),
            OpenApiParameter("limit", int, description=_("At most this many results (1 to 50, default 20)")),
        ],
        responses=AreaSerializer(many=True),
    )
    def list(self, request):
        query = request.query_params.get("q", "").strip()
        level = request.query_params.get("level", "")
        errors = {}
        is_code = bool(query) and query.replace(".", "").isdigit()
        if not is_code and len(query) < 3:
            errors["q"] = [_("Type at least 3 letters of the name, or a code such as 52.03.")]
        if level and level not in LEVELS:
            errors["level"] = [_("Choose province, regency, district or village.")]
        try:
            limit = int(request.query_params.get("limit", 20))
            if not 1 <= limit <= MAX_RESULTS:
                raise ValueError
        except ValueError:
            errors["limit"] = [_("A number from 1 to 50.")]
        if errors:
            raise ValidationError(errors)
        results = []
        for name, depth in LEVELS.items():
            if level and level != name:
                continue
            model = AREA_MODELS_BY_DEPTH[depth]
            condition = (Q(code=query) | Q(code__startswith=query + ".")) if is_code else Q(name__icontains=query)
            for code, area_name in (
                model.objects.filter(condition).order_by("code").values_list("code", "name")[: limit - len(results)]
            ):
                results.append({"code": code, "name": area_name, "level": name})
            if len(results) >= limit:
                break
        return Response(AreaSerializer(results, many=True).data)
