"""Partner API authentication: ``Authorization: Bearer <API key>``."""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import ApiKey
from accounts.services import API_KEY_PREFIX, api_key_hash

# last_used_at is written at most this often per key: a busy client must not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


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
        key = ApiKey.objects.select_related("user").filter(prefix=parts[1]).first()
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
