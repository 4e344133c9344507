"""Tests: real PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set)."""

from core.crypto import derived_dev_keys

from .base import *  # noqa: F403
from .base import PERSONAL_DATA_HASH_KEY, PERSONAL_DATA_KEYS

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105 - tests only
# Personal-data keys derived from the throwaway key above unless set: nothing to store or lose, the
# same in every process of the stack (see core.crypto.derived_dev_keys).
_derived_keys, _derived_hash_key = derived_dev_keys(SECRET_KEY)
PERSONAL_DATA_KEYS = PERSONAL_DATA_KEYS or _derived_keys
PERSONAL_DATA_HASH_KEY = PERSONAL_DATA_HASH_KEY or _derived_hash_key
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Files a test uploads (a job order's demand letter, a scan) stay in memory unless it asks for
# a directory (the `media_root` fixture).
STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}  # noqa: F405
# No connection kept between tests, and a runaway query fails its test after two minutes instead
# of hanging the whole run.
for _database in DATABASES.values():  # noqa: F405 - the replica too, when DATABASE_REPLICA_URL sets one
    _database["CONN_MAX_AGE"] = 0
    _options = _database.setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, [_options.get("options", ""), "-c statement_timeout=120000"]))
# Tests that exercise the on-write re-check turn it on themselves.
OVERSIGHT_RECHECK_ON_WRITE = False
# Every test reads the registers its own data makes (the cache outlives a test's transaction).
PUBLIC_REGISTER_CACHE_SECONDS = 0
