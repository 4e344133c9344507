from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared base every app builds on; it imports no app of the project."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import text

        text.install()  # every form's and serializer's text fields drop invisible characters
