from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Areas and villages")

    def ready(self):
        # The portal's filters offer areas by name; core cannot read the areas, so it is told how.
        from core.filtering import register_area_options

        from .selectors import area_options

        register_area_options(area_options)
