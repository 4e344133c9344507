from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import ApiKey
from core.api.filters import SEARCH_ACTION
from core.permissions import may_use_partner_api


class IsCompanyUser(BasePermission):
    """The partner API serves placement companies; a read-only key may only read."""

    message = _("The partner API is for placement companies.")

    def has_permission(self, request, view):
        user = request.user
        if not may_use_partner_api(user):
            return False
        reads = request.method in SAFE_METHODS or getattr(view, "action", None) == SEARCH_ACTION  # a search POSTs
        if isinstance(request.auth, ApiKey) and not reads and not request.auth.can_write:
            self.message = _("This API key is read-only; ask your administrator for a read-write key.")
            return False
        return True
