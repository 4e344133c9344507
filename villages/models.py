"""Indonesia's administrative areas and, later, what village officers record.

Areas are keyed by their official dotted code (province ``53``, regency
``53.01``, district ``53.01.01``, village ``53.01.01.2001``): stable across
imports, readable in URLs and foreign keys, and hierarchical, so "inside this
regency" is a prefix match.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet, Scoping


class Area(models.Model):
    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(area="code", reference=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def nik_prefix(self) -> str:
        return self.code.replace(".", "")


class Province(Area):
    class Meta(Area.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Regency(Area):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")

    class Meta(Area.Meta):
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")


class District(Area):
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")

    class Meta(Area.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Village(Area):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")

    class Meta(Area.Meta):
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        indexes = [models.Index(fields=["name"], name="village_name_idx")]


AREA_MODELS_BY_DEPTH = {1: Province, 2: Regency, 3: District, 4: Village}


def area_for_code(code: str) -> Area | None:
    """The area a dotted code names, or None."""
    model = AREA_MODELS_BY_DEPTH.get(len(code.split(".")))
    return model.objects.filter(code=code).first() if model else None
