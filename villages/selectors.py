"""Reads of the areas and the village reports that other apps' pages reuse."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .models import AREA_MODELS_BY_DEPTH, VillageReport, area_for_code

# The parent of each level's model, by its foreign key's name.
_PARENT = {2: "province", 3: "regency", 4: "district"}


def area_options(under: str | None, deepest: int, current: str = "") -> list:
    """The areas a filter offers by name: two levels below ``under`` (the whole country when
    None), grouped by the upper level, each group led by "All of <area>"; never below level
    ``deepest``. An area in ``current`` that is not among them (a link from a village's page
    to a national list, say) is offered too, by its name. [] when there is nothing below.
    """
    depth = len(under.split(".")) if under else 0
    upper, lower = depth + 1, min(depth + 2, deepest)
    if upper > deepest or upper not in AREA_MODELS_BY_DEPTH:
        return []
    uppers = AREA_MODELS_BY_DEPTH[upper].objects.order_by("name")
    if under:
        uppers = uppers.filter(code__startswith=under + ".")
    uppers = list(uppers.only("code", "name"))
    options = []
    if lower > upper:
        children: dict[str, list] = {}
        lowers = AREA_MODELS_BY_DEPTH[lower].objects.order_by("name").only("code", "name")
        lowers = lowers.filter(code__startswith=under + ".") if under else lowers
        for area in lowers:
            children.setdefault(area.code.rsplit(".", 1)[0], []).append((area.code, area.name))
        for area in uppers:
            all_of = (area.code, _("All of %(area)s") % {"area": area.name})
            options.append((area.name, [all_of, *children.get(area.code, [])]))
    else:
        options = [(area.code, area.name) for area in uppers]
    grouped = [option[1] if isinstance(option[1], list) else [option] for option in options]
    offered = {code for group in grouped for code, _label in group}
    if current and current not in offered:
        area = area_for_code(current)
        if area is not None:
            options.insert(0, (current, area.name))
    return options


def report_events(user, reports):
    """Village reports as the events they tell of, each annotated ``source_count``: a second source
    (another officer's report of the same event, ``same_event_as``) is not a row of its own when the
    user sees the report it joins; it counts as a source of that one. A second source whose first
    report lies outside the user's jurisdiction stays a row, counting the first as a source too.
    ``reports`` is already scoped with ``visible_to(user)``."""
    visible = VillageReport.objects.visible_to(user)
    others = (
        visible.filter(same_event_as=OuterRef("pk"))
        .order_by()
        .values("same_event_as")
        .annotate(n=Count("id"))
        .values("n")
    )
    return reports.filter(Q(same_event_as__isnull=True) | ~Q(same_event_as__in=visible.values("pk"))).annotate(
        source_count=Value(1)
        + Coalesce(Subquery(others, output_field=IntegerField()), Value(0))
        + Case(When(same_event_as__isnull=False, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
