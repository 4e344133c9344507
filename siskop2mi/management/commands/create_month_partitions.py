"""Make the coming months' partitions of the tables partitioned by month: `create_month_partitions`.

Beat runs the same every night (siskop2mi.tasks.create_month_partitions); an operator runs it by
hand to make partitions for older months, e.g. after importing old records, which then move out
of the DEFAULT partition: `manage.py create_month_partitions --from 2021-01 --through 2021-12`.
Idempotent.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from siskop2mi.partitions import month_partitions_ensure


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise CommandError(f"{text!r} is not a month written YYYY-MM.") from None


class Command(BaseCommand):
    help = (
        "Create the missing month partitions of placement events and audit entries, this month and the next "
        "two by default, moving their months' rows out of the DEFAULT partition (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", type=_month, help="first month, YYYY-MM (default: this month)")
        parser.add_argument("--through", type=_month, help="last month, YYYY-MM (default: two months ahead)")

    def handle(self, *args, first: date | None, through: date | None, verbosity: int = 1, **options):
        if first and through and first > through:
            raise CommandError("--from is after --through.")
        created = month_partitions_ensure(first=first, through=through)
        if verbosity:
            for partition in created:
                moved = f", {partition.moved_rows:,} rows moved from DEFAULT" if partition.moved_rows else ""
                self.stdout.write(f"Created {partition.name}{moved}")
            self.stdout.write(f"{len(created)} partitions created." if created else "Every partition exists already.")
