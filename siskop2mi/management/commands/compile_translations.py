"""Compile the project's translations without GNU gettext.

`make run`, the tests and the Docker build call this, so a machine with only
Python still serves the Indonesian interface.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from siskop2mi.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo (pure Python, no gettext needed)."

    def handle(self, *args, verbosity: int = 1, **options):
        compiled = compile_catalogues(settings.LOCALE_PATHS)
        if verbosity:
            self.stdout.write(f"Translations: {compiled} catalogue(s) compiled.")
