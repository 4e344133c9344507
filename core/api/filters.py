from functools import cache

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from core.filtering import NikFilter

# The action that takes a list's filters in a JSON body (core.api.views.SearchInBodyMixin).
SEARCH_ACTION = "search"


def private_filters(filterset_class) -> list[str]:
    """The filters that take a personal number: sent in a POST body, never in a URL."""
    return [name for name, field in filterset_class.base_filters.items() if isinstance(field, NikFilter)]


def _filter_data(request, view):
    """A search reads its filters from the JSON body, a list from the query string."""
    if getattr(view, "action", None) == SEARCH_ACTION:
        return search_filters(request, view.filterset_class)
    return request.query_params


def search_filters(request, filterset_class) -> QueryDict:
    """The JSON body of a search, checked against the types its schema declares (400 naming the
    fields), as the query string the FilterSet reads."""
    body = request.data if isinstance(request.data, dict) else None
    if body is None:
        raise ValidationError({"non_field_errors": [_("Send the filters as a JSON object.")]})
    serializer = search_body_serializer(filterset_class)(data=body)
    serializer.is_valid(raise_exception=True)
    data = QueryDict(mutable=True)
    for name, value in serializer.validated_data.items():
        values = value if isinstance(value, list) else [value]
        data.setlist(name, [item.isoformat() if hasattr(item, "isoformat") else str(item) for item in values])
    return data


class FilterSetBackend(DjangoFilterBackend):
    """The model's shared FilterSet, built only when the request names one of its filters:
    an empty FilterSet changes nothing, and building its form is a measurable part of a
    small page (bench/api.py).

    A NIK in the query string is refused (400): URLs end up in access logs, proxies and
    browser histories, so the NIK is sent in the body of ``POST .../search/`` instead."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None:
            return queryset
        in_url = [name for name in private_filters(filterset_class) if name in request.query_params]
        if in_url:
            raise nik_in_url_error(request, view, in_url)
        asked = _filter_data(request, view)
        if not any(name in asked for name in filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = _filter_data(request, view)
        return kwargs


def nik_in_url_error(request, view, names: list[str]) -> ValidationError:
    """400 for a NIK in the query string, naming where to send it instead."""
    if hasattr(view, SEARCH_ACTION) and getattr(view, "basename", None):
        namespace = getattr(request.resolver_match, "namespace", "")
        path = reverse(f"{namespace + ':' if namespace else ''}{view.basename}-{SEARCH_ACTION}")
    else:
        path = request.path
    message = _(
        "A NIK is never sent in the address: addresses are kept in access logs. Send it in the JSON body "
        'of POST %(path)s instead, e.g. {"nik": "…"}.'
    ) % {"path": path}
    error = ValidationError({name: [message] for name in names})
    error.problem_code, error.problem_detail = "nik_in_url", message
    return error


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


class FilterSetBackendSchema(DjangoFilterExtension):
    """The OpenAPI side of FilterSetBackend: a list documents its filters as query parameters, except
    the NIK; a search documents none there (they are its request body, see search_body_serializer)."""

    target_class = "core.api.filters.FilterSetBackend"
    match_subclasses = True
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        if getattr(auto_schema.view, "action", None) == SEARCH_ACTION:
            return []
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        filterset_class = getattr(auto_schema.view, "filterset_class", None)
        private = set(private_filters(filterset_class)) if filterset_class else set()
        return [p for p in parameters if p["name"] not in private]


def _body_field(name, field) -> serializers.Field:
    options = {"required": False, "help_text": str(field.label or name)}
    if isinstance(field, NikFilter):
        return serializers.RegexField(r"^[0-9]{16}$", **options)
    if isinstance(field, filters.NumberFilter | filters.ModelChoiceFilter):
        return serializers.IntegerField(**options)
    choices = field.extra.get("choices")
    if isinstance(field, filters.MultipleChoiceFilter) and choices:
        return serializers.ListField(child=serializers.ChoiceField(choices=choices), **options)
    if isinstance(field, filters.ChoiceFilter) and choices:
        return serializers.ChoiceField(choices=choices, **options)
    if isinstance(field, filters.IsoDateTimeFilter):
        return serializers.DateTimeField(**options)
    if isinstance(field, filters.DateFilter):
        return serializers.DateField(**options)
    return serializers.CharField(allow_blank=True, **options)


@cache
def search_body_serializer(filterset_class) -> type[serializers.Serializer]:
    """The JSON body of ``POST .../search/``: the list's filters, named as in its query string, typed
    (the schema shows it; the body is checked with it, then filtered by the same FilterSet)."""
    name = filterset_class.__name__.removesuffix("FilterSet") + "Search"
    fields = {
        filter_name: _body_field(filter_name, field) for filter_name, field in filterset_class.base_filters.items()
    }
    return type(name, (serializers.Serializer,), fields)
