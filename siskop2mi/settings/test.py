"""Tests: real PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set)."""

import os
from urllib.parse import parse_qsl, urlencode, urlsplit

from core.crypto import derived_dev_keys

from .base import *  # noqa: F403
from .base import PERSONAL_DATA_HASH_KEY, PERSONAL_DATA_KEYS, celery_url


def redis_url_for_test_process(redis_url: str, process: int) -> str:
    """The Redis database of the suite's `process`-th process (pytest-xdist's gw<process>): the
    given database, then the ones below it, so two processes never share throttles, locks or
    queues. redis://host/<db> or unix://path?db=<db>."""
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str((int(query.get("db") or 0) - process) % 16)
        return f"unix://{parts.netloc}{parts.path}?{urlencode(query)}"  # geturl() drops the empty host
    database = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(database - process) % 16}").geturl()


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

# `make test` runs the suite in several processes (pytest-xdist); pytest-django gives each its own
# test database, and each gets its own Redis database here. Put in the environment too, so the
# Celery workers and servers a test starts (which inherit PYTEST_XDIST_WORKER and read these
# settings again) use the test's Redis database, not the next one down.
if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    os.environ.setdefault(
        "TEST_PROCESS_REDIS_URL",
        redis_url_for_test_process(REDIS_URL, int(os.environ["PYTEST_XDIST_WORKER"][2:])),  # noqa: F405
    )
    os.environ["REDIS_URL"] = REDIS_URL = os.environ["TEST_PROCESS_REDIS_URL"]
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = celery_url(REDIS_URL)
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
