"""Partner API authentication: ``Authorization: Bearer <API key>``."""

from __future__ import annotations

import hmac
from datetime import timedelta
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import ApiKey, User
from accounts.services import API_KEY_PREFIX, api_key_hash

# last_used_at is written at most this often per key: a busy client must not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _columns(model) -> tuple[list[str], list[str]]:
    """A model's columns (SQL) and attribute names, for building it from a raw row. Such a row skips
    the fields' from_db_value, so a model with a field that has one is refused, not misread."""
    fields = model._meta.concrete_fields
    converted = [field.name for field in fields if hasattr(field, "from_db_value")]
    if converted:
        raise ImproperlyConfigured(f"{model.__name__}.{converted[0]} converts its value: read it through the ORM.")
    return [connection.ops.quote_name(field.column) for field in fields], [field.attname for field in fields]


@cache
def _key_query() -> tuple[str, list[str], list[str]]:
    key_columns, key_attnames = _columns(ApiKey)
    user_columns, user_attnames = _columns(User)
    select = [f"k.{column}" for column in key_columns] + [f"u.{column}" for column in user_columns]
    sql = (
        f"SELECT {', '.join(select)} FROM {ApiKey._meta.db_table} k "  # noqa: S608 (names from the models)
        f"JOIN {User._meta.db_table} u ON u.id = k.user_id WHERE k.prefix = %s"
    )
    return sql, key_attnames, user_attnames


def _key_with_user(prefix: str) -> ApiKey | None:
    """The key with this prefix and its account, read on every request: one indexed query written
    out, since composing it through the ORM (a select_related of two wide tables) cost ten times
    the query itself (bench/api.py). Never cached: a revoked key stops working at once."""
    sql, key_attnames, user_attnames = _key_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    key = ApiKey.from_db(connection.alias, key_attnames, row[: len(key_attnames)])
    key.user = User.from_db(connection.alias, user_attnames, row[len(key_attnames) :])
    return key


class ApiKeyAuthentication(BaseAuthentication):
    """A company's API key. ``request.user`` is the key's service account, ``request.auth`` the key."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Malformed Authorization header. Send: Authorization: Bearer <API key>."))
        raw_key = header[1].decode("latin-1")
        parts = raw_key.split("_", 2)
        if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
            raise AuthenticationFailed(_("Invalid API key."))
        key = _key_with_user(parts[1])
        if key is None or not hmac.compare_digest(key.key_hash, api_key_hash(raw_key)):
            raise AuthenticationFailed(_("Invalid API key."))
        if key.revoked_at is not None or not key.user.is_active:
            raise AuthenticationFailed(_("This API key has been revoked."))
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return key.user, key

    def authenticate_header(self, request):
        # A 401 (not 403) with a challenge tells a client its key is missing or wrong.
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "p2mi_<prefix>_<secret>",
            "description": "A company's API key, created by its administrator in the portal.",
        }
