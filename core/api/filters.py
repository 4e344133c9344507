from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter


class FilterSetBackend(DjangoFilterBackend):
    """The model's shared FilterSet, built only when the request names one of its filters:
    an empty FilterSet changes nothing, and building its form is a measurable part of a
    small page (bench/api.py)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None:
            return queryset
        names = filterset_class.base_filters.keys()
        asked = request.query_params
        if not any(name in asked for name in names):
            return queryset
        return super().filter_queryset(request, queryset, view)


class FilterSetOrdering(OrderingFilter):
    """``?ordering=`` over the columns the model's FilterSet names (the portal sorts by the same).

    Nullable columns are left out: a cursor cannot be positioned on NULL.
    """

    def get_valid_fields(self, queryset, view, context=None):
        filterset_class = getattr(view, "filterset_class", None)
        names = getattr(filterset_class, "ordering_fields", None) or [o.lstrip("-") for o in view.ordering]
        model = queryset.model
        valid = []
        for name in names:
            field = model._meta.get_field(name)
            if not field.null:
                valid.append((name, getattr(field, "verbose_name", name)))
        return valid
