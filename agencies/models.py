from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet, Scoping


class Agency(models.Model):
    """A licensed placement company (P3MI)."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    objects = ScopedQuerySet.as_manager()
    # Officials see companies nationally (supervision); a company sees itself.
    scoping = Scoping(agency="id", reference=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("placement company")
        verbose_name_plural = _("placement companies")

    def __str__(self) -> str:
        return self.name
