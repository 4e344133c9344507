"""`manage.py refresh_dashboard [--full]`: bring the dashboard's figures up to date now."""

from django.core.management.base import BaseCommand, CommandError

from dashboard.services import dashboard_refresh


class Command(BaseCommand):
    help = (
        "Refresh the dashboard's figures: recount the areas changed since the last refresh, "
        "or every area with --full (as the nightly rebuild does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Rebuild every figure from scratch.")

    def handle(self, *args, full: bool = False, **options):
        snapshot = dashboard_refresh(full=full)
        if snapshot is None:
            raise CommandError("Another dashboard refresh is running; nothing was done.")
        kind = "rebuilt" if snapshot.rebuilt_at == snapshot.taken_at else "refreshed"
        counted = f"{snapshot.changed_areas} of {snapshot.areas} areas recounted"
        self.stdout.write(f"Dashboard {kind} in {snapshot.seconds:.1f} s: {counted}.")
