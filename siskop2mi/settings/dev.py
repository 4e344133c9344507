"""Local development: `make run`. Debug on, a throwaway key, mail to the console."""

import os

from core.crypto import derived_dev_keys

from .base import *  # noqa: F403
from .base import PERSONAL_DATA_HASH_KEY, PERSONAL_DATA_KEYS, env_bool

DEBUG = env_bool("DEBUG", True)
# A fixed dev-only key: sessions survive restarts of `make run`; never used in production.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
# Personal-data keys derived from the throwaway key above unless set: nothing to store or lose, the
# same in every process of the stack (see core.crypto.derived_dev_keys).
_derived_keys, _derived_hash_key = derived_dev_keys(SECRET_KEY)
PERSONAL_DATA_KEYS = PERSONAL_DATA_KEYS or _derived_keys
PERSONAL_DATA_HASH_KEY = PERSONAL_DATA_HASH_KEY or _derived_hash_key
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
