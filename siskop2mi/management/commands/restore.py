"""Restore a backup made by `manage.py backup`, then prove it: `manage.py restore <backup-dir>`.

Checks the backup's checksums first, restores only into an empty database and media root
(unless --force), then counts every table's rows and hashes every file against the manifest;
any difference ends with a non-zero exit status.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from siskop2mi.backup import BackupError, Database, restore_backup


class Command(BaseCommand):
    help = "Restore a backup into an empty database and media root, then verify every row count and file."
    # Backups are for bad days: they must run even when a part of the portal does not load.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("backup_dir", type=Path, help="the backup directory (var/backups/siskop2mi-...)")
        parser.add_argument(
            "--database-url", default=None, help="restore into this database (default: the one configured)"
        )
        parser.add_argument(
            "--media-root", type=Path, default=None, help="unpack the files here (default: the media root)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even into a database or media root that is not empty (replaces what the backup holds)",
        )

    def handle(self, *args, backup_dir: Path, database_url, media_root, force: bool, verbosity: int = 1, **options):
        log = self.stdout.write if verbosity else (lambda message: None)
        try:
            database = Database.from_url(database_url) if database_url else None
            report = restore_backup(
                backup_dir.resolve(),
                database=database,
                media_root=media_root.resolve() if media_root else None,
                force=force,
                log=log,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        summary = f"{report.tables} tables with {report.rows} rows and {report.files} files ({report.bytes} bytes)"
        if report.mismatches:
            for mismatch in report.mismatches:
                self.stderr.write(f"  - {mismatch}")
            raise CommandError(
                f"The restore does not match the backup: {len(report.mismatches)} difference(s); {summary} matched."
            )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Restored and verified: {summary} match the manifest."))
