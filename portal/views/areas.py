from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from core.scoping import area_ancestors
from portal.selectors import village_sections
from villages.models import AREA_MODELS_BY_DEPTH, Province

CHILDREN_PER_PAGE = 50


def _visible_area(user, code: str):
    model = AREA_MODELS_BY_DEPTH.get(len(code.split(".")))
    if model is None:
        raise Http404
    area = model.objects.visible_to(user).filter(code=code).first()
    if area is None:
        raise Http404
    return area


def _children_page(request, queryset):
    query = request.GET.get("q", "").strip()
    if query:
        queryset = queryset.filter(name__icontains=query)
    return Paginator(queryset.order_by("code"), CHILDREN_PER_PAGE).get_page(request.GET.get("page")), query


@login_required
def area_list(request):
    """Start at the user's own jurisdiction; national users start at the provinces."""
    if request.user.scope.area_code:
        return redirect("portal:area_detail", code=request.user.scope.area_code)
    page, query = _children_page(request, Province.objects.visible_to(request.user))
    return render(request, "portal/area_detail.html", {"area": None, "page": page, "query": query})


@login_required
def area_detail(request, code: str):
    area = _visible_area(request.user, code)
    depth = len(code.split("."))
    breadcrumb = [_visible_area(request.user, ancestor) for ancestor in area_ancestors(code)]
    context = {"area": area, "breadcrumb": breadcrumb, "level": area._meta.verbose_name}
    child_model = AREA_MODELS_BY_DEPTH.get(depth + 1)
    if child_model is not None:
        children = child_model.objects.visible_to(request.user).filter(code__startswith=code + ".")
        context["page"], context["query"] = _children_page(request, children)
        context["child_level"] = child_model._meta.verbose_name_plural
    else:  # a village: its people in process and its reports
        context.update(village_sections(request, code))
    return render(request, "portal/area_detail.html", context)
