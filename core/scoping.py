"""Who sees what: one queryset method, ``Model.objects.visible_to(user)``.

A model declares *where its rows live* with a ``Scoping``: the field holding an
area code (areas use dotted official codes, so "inside regency 53.01" is a code
prefix and needs no join) and/or the field holding the owning agency. The user's
role and jurisdiction decide which of the two applies. Anything outside is simply
not in the queryset, so views answer 404 and ids leak nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Scoping:
    # Lookup path(s) to an area code, e.g. "village_id"; a row is inside the
    # jurisdiction when any of them is.
    area: str | tuple[str, ...] | None = None  # e.g. "village__code": the join is trimmed to village_id
    agency: str | None = None  # lookup path to the owning agency's id, e.g. "agency_id"
    # Lookup path to the destination country's code: what a mission abroad sees.
    country: str | None = None
    # The dimensions ("agency", "country") whose path crosses a to-many relation: filtered
    # through a semi-join on the primary key, so a row is listed once however many paths lead to it.
    many: tuple[str, ...] = ()
    # Reference data (the areas themselves): agencies see all of it, and an
    # official also sees the areas above their own (their province, say).
    reference: bool = False


@dataclass(frozen=True)
class UserScope:
    everything: bool = False
    area_code: str | None = None
    agency_id: int | None = None
    country_codes: frozenset[str] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.area_code or self.agency_id or self.country_codes)


def area_ancestors(code: str) -> list[str]:
    """'53.01.01' -> ['53', '53.01']."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def within_area(field: str, code: str) -> Q:
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


class ScopedQuerySet(models.QuerySet):
    def _filter_on(self, dimension: str, lookup: dict) -> ScopedQuerySet:
        if dimension in self.model.scoping.many:
            return self.filter(pk__in=self.model._base_manager.filter(**lookup).values("pk"))
        return self.filter(**lookup)

    def visible_to(self, user) -> ScopedQuerySet:
        scoping: Scoping = self.model.scoping
        scope: UserScope = user.scope if getattr(user, "is_authenticated", False) else UserScope()
        if scope.everything:
            return self.all()
        if scope.agency_id is not None:
            if scoping.agency:
                return self._filter_on("agency", {scoping.agency: scope.agency_id})
            return self.all() if scoping.reference else self.none()
        if scope.country_codes:
            if scoping.country:
                return self._filter_on("country", {f"{scoping.country}__in": sorted(scope.country_codes)})
            return self.all() if scoping.reference else self.none()
        if scope.area_code:
            if not scoping.area:
                return self.all() if scoping.reference else self.none()
            condition = Q()
            for field in (scoping.area,) if isinstance(scoping.area, str) else scoping.area:
                condition |= within_area(field, scope.area_code)
                if scoping.reference:
                    condition |= Q(**{f"{field}__in": area_ancestors(scope.area_code)})
            return self.filter(condition)
        return self.none()
