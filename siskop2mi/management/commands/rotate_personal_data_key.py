"""Re-encrypt every personal number with the current key: `manage.py rotate_personal_data_key`.

The procedure (docs/data-protection.md): put a new key first in PERSONAL_DATA_KEYS, keeping the
old one after it, restart; run this command; then remove the old key. With ``--new-hash-key``
it also recomputes every keyed hash under the key in PERSONAL_DATA_NEW_HASH_KEY (read from the
environment, never from the command line, which other users of the machine can see); the
portal must be stopped from then until PERSONAL_DATA_HASH_KEY holds the new key, since NIK
searches compare hashes.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core import crypto
from core.encrypted_columns import rotate_keys

NEW_HASH_KEY_VARIABLE = "PERSONAL_DATA_NEW_HASH_KEY"


class Command(BaseCommand):
    help = (
        "Re-encrypt every NIK and document number with the first key of PERSONAL_DATA_KEYS (in batches, "
        "idempotent); with --new-hash-key, recompute their keyed hashes under PERSONAL_DATA_NEW_HASH_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-hash-key",
            action="store_true",
            help=f"also recompute every keyed hash with the key in the environment variable {NEW_HASH_KEY_VARIABLE}",
        )
        parser.add_argument("--batch", type=int, default=2000, help="rows per UPDATE (default 2000)")

    def handle(self, *args, new_hash_key: bool, batch: int, verbosity: int = 1, **options):
        hash_key = ""
        if new_hash_key:
            hash_key = os.environ.get(NEW_HASH_KEY_VARIABLE, "")
            try:
                crypto.parse_hash_key(hash_key)
            except crypto.PersonalDataKeyError as error:
                raise CommandError(f"{NEW_HASH_KEY_VARIABLE}: {error}") from None
        log = self.stdout.write if verbosity else (lambda message: None)
        try:
            counts = rotate_keys(connection, new_hash_key=hash_key, batch=batch, log=log)
        except crypto.PersonalDataTokenError as error:
            raise CommandError(
                f"{error}. Keep every key still in use in PERSONAL_DATA_KEYS until this command has run."
            ) from None
        if verbosity:
            done = f"{sum(counts.values())} values re-encrypted in {len(counts)} columns"
            if hash_key:
                done += f"; keyed hashes recomputed: now set PERSONAL_DATA_HASH_KEY to {NEW_HASH_KEY_VARIABLE}'s value"
            self.stdout.write(self.style.SUCCESS(done + "."))
