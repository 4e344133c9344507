from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared base every app builds on; it imports no app of the project."""

    name = "core"
    verbose_name = "Core"
