from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """Pages for the public, with no account: filing a complaint and following it."""

    name = "public"
    verbose_name = _("Public pages")
