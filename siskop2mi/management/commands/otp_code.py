"""The second-factor code of a demo account, for `make run`: `manage.py otp_code kementerian`.

Only for the demo authenticators seed_demo made (devices named "demo"); a real person's device is
never read, and the command refuses to run with production settings.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import DEMO_DEVICE, current_code


class Command(BaseCommand):
    help = "Print the current 6-digit second-factor code of a demo account (made by seed_demo)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("otp_code is for the demo; it refuses to run in production.")
        device = TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE, confirmed=True).first()
        if device is None:
            raise CommandError(
                f"{username!r} has no demo authenticator: only the demo accounts seed_demo made have one."
            )
        code, seconds_left, used = current_code(device)
        if used:
            self.stderr.write(f"This code was used already; the next one comes in {seconds_left} s.")
        self.stdout.write(code)
        if options.get("verbosity", 1) > 1:
            self.stderr.write(f"valid for {seconds_left} more seconds")
