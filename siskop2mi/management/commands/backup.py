"""Back up the database and the uploaded files into one directory: `manage.py backup [--output DIR]`.

What the backup holds and how it is checked: siskop2mi/backup.py and docs/operations.md.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from siskop2mi.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the uploaded files, with a manifest of row counts and checksums."
    # Backups are for bad days: they must run even when a part of the portal does not load.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=None, help="where the backup directory is made (default: BACKUP_DIR)"
        )

    def handle(self, *args, output: Path | None, verbosity: int = 1, **options):
        output_dir = (output or Path(settings.BACKUP_DIR)).resolve()
        log = self.stdout.write if verbosity else (lambda message: None)
        try:
            result = make_backup(output_dir=output_dir, log=log)
        except BackupError as error:
            raise CommandError(str(error)) from None
        tables = result.manifest["database"]["tables"]
        files = result.manifest["media"]["files"]
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backup written to {result.path}: {len(tables)} tables, {sum(tables.values())} rows, "
                    f"{len(files)} files ({sum(f['size'] for f in files.values())} bytes)."
                )
            )
