from django.apps import AppConfig


class Siskop2miConfig(AppConfig):
    """The project package is an app too, for its cross-cutting management commands and tasks."""

    name = "siskop2mi"
    verbose_name = "SISKOP2MI"
