"""The portal's list pages: one FilterSet, sorting, pagination, all kept in the URL.

A list view hands its scoped queryset and its FilterSet to :func:`list_page`; the
template renders ``partials/list_filters.html``, ``{% sort_th %}`` headers and
``partials/list_pagination.html``. The page costs a fixed number of queries (one
COUNT, one SELECT of the page, plus whatever the view prefetches) whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.http import QueryDict

from core.filtering import for_page

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 25


@dataclass
class ListPage:
    filterset: object
    page: Page
    sort: str
    # The current filters (and sort and page size) without the page number: links keep them.
    querystring: str
    params: QueryDict = field(repr=False)
    page_size: int = DEFAULT_PAGE_SIZE
    page_sizes: tuple = PAGE_SIZES

    @property
    def is_filtered(self) -> bool:
        return any(v for k, v in self.params.items() if k not in ("sort", "page", "per_page"))

    def sort_link(self, field_name: str) -> tuple[str, str | None]:
        """The URL that sorts by ``field_name`` (toggling direction if already sorted by it)
        and the current direction of that column ("asc", "desc" or None)."""
        params = self.params.copy()
        params.pop("page", None)
        if self.sort == field_name:
            params["sort"], direction = "-" + field_name, "asc"
        elif self.sort == "-" + field_name:
            params["sort"], direction = field_name, "desc"
        else:
            params["sort"], direction = field_name, None
        return "?" + params.urlencode(), direction


def _ordering(filterset_class, requested: str, default: str) -> str:
    allowed = getattr(filterset_class, "ordering_fields", ())
    if requested.lstrip("-") in allowed:
        return requested
    return default


def _page_size(requested: str) -> int:
    try:
        size = int(requested)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _style_widgets(form) -> None:
    """Bootstrap classes on the FilterSet's widgets, so every list's filter form looks alike."""
    for bound in form:
        widget = bound.field.widget
        is_select = getattr(widget, "input_type", None) == "select" or hasattr(widget, "allow_multiple_selected")
        widget.attrs.setdefault("class", "form-select form-select-sm" if is_select else "form-control form-control-sm")
        if bound.errors:
            widget.attrs["class"] += " is-invalid"
            widget.attrs["aria-invalid"] = "true"


def filtered_queryset(request, queryset, filterset_class):
    """The FilterSet bound to the URL and the rows it selects (none while its input is invalid)."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    for_page(filterset)
    _style_widgets(filterset.form)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, queryset.none()
    return filterset, filterset.qs


def list_page(request, queryset, filterset_class, *, default_sort: str = "-id") -> ListPage:
    """Filter, sort and paginate ``queryset`` (already scoped with ``visible_to``)."""
    filterset, rows = filtered_queryset(request, queryset, filterset_class)
    sort = _ordering(filterset_class, request.GET.get("sort", ""), default_sort)
    # A unique tiebreaker keeps pages stable when many rows share the sorted value.
    tiebreak = "-id" if sort.startswith("-") else "id"
    # A FilterSet may sort a column by an expression (severity by rank, not alphabetically).
    expression = getattr(filterset_class, "ordering_expressions", {}).get(sort.lstrip("-"))
    if expression is not None:
        rows = rows.order_by(expression.desc() if sort.startswith("-") else expression.asc(), tiebreak)
    else:
        rows = rows.order_by(sort, tiebreak) if sort.lstrip("-") != "id" else rows.order_by(sort)
    page_size = _page_size(request.GET.get("per_page"))
    page = Paginator(rows, page_size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return ListPage(
        filterset=filterset,
        page=page,
        sort=sort,
        querystring=params.urlencode(),
        params=params,
        page_size=page_size,
    )
