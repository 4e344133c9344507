"""Tests: real PostgreSQL and Redis (embedded unless DATABASE_URL / REDIS_URL are set)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105 - tests only
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Files a test uploads (a job order's demand letter, a scan) stay in memory unless it asks for
# a directory (the `media_root` fixture).
STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# A runaway query fails its test after two minutes instead of hanging the whole run.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c statement_timeout=120000"  # noqa: F405
# Tests that exercise the on-write re-check turn it on themselves.
OVERSIGHT_RECHECK_ON_WRITE = False
# Every test reads the registers its own data makes (the cache outlives a test's transaction).
PUBLIC_REGISTER_CACHE_SECONDS = 0
