"""Production: refuses to start without a real SECRET_KEY or with DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from core.crypto import PersonalDataKeyError, parse_hash_key, parse_keys

from .base import *  # noqa: F403
from .base import (
    DEBUG,
    PERSONAL_DATA_HASH_KEY,
    PERSONAL_DATA_KEYS,
    SECRET_KEY,
    SECRET_KEY_FALLBACKS,
    env_bool,
)


def _is_weak_secret_key(key: str) -> bool:
    # The rule of Django's own check security.W009: long, varied and not the generated dev key.
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


if not SECRET_KEY or _is_weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters with at least 5 different "
        "characters, not starting with 'django-insecure-' (e.g. python -c \"import secrets; "
        'print(secrets.token_urlsafe(50))").'
    )
_weak_fallbacks = [position for position, key in enumerate(SECRET_KEY_FALLBACKS, 1) if _is_weak_secret_key(key)]
if _weak_fallbacks:
    raise ImproperlyConfigured(
        "SECRET_KEY_FALLBACKS entries must be random values of at least 50 characters with at least 5 different "
        f"characters, not starting with 'django-insecure-': entry {', '.join(map(str, _weak_fallbacks))} is not."
    )
# NIK and passport numbers are encrypted with these: without them nothing could be stored or read.
try:
    parse_keys(PERSONAL_DATA_KEYS)
    parse_hash_key(PERSONAL_DATA_HASH_KEY)
except PersonalDataKeyError as error:
    raise ImproperlyConfigured(
        f"{error} Set PERSONAL_DATA_KEYS to 'id:base64key' entries (e.g. python -c \"from core.crypto import "
        "new_key_entry; print(new_key_entry('k1'))\") and PERSONAL_DATA_HASH_KEY to a base64 key of 32 bytes "
        '(python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"); '
        "see docs/data-protection.md."
    ) from None
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Container health checks call /healthz over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
