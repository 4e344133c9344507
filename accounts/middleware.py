"""Until a user who must use a second factor has verified it, every page sends them to that step.

Runs after django-otp's OTPMiddleware (which tells whether the session's login was verified,
``request.user.is_verified()``), for users logged in through the session. Pages: a redirect to the
second-factor step, keeping where they were going; the API: 403 problem+json. Open: the login,
second-factor and logout pages (the admin's too), static files, /healthz, /i18n/ and the public's
pages. An API request with an API key (``Authorization: Bearer``) is the key's business, never the session's.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.api.exceptions import PROBLEM_CONTENT_TYPE, TITLES
from core.roles import needs_second_factor

OPEN_URL_NAMES = {
    ("accounts", "login"),
    ("accounts", "logout"),
    ("accounts", "two_factor"),
    ("accounts", "two_factor_setup"),
    ("admin", "login"),
    ("admin", "logout"),
    ("", "healthz"),
}
OPEN_NAMESPACES = {"public"}  # the public's pages need no login at all


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self._open(request):
            return None
        user = request.user
        if not needs_second_factor(user) or user.is_verified():
            return None
        if request.path.startswith("/api/"):
            body = {
                "type": "about:blank",
                "title": str(TITLES[403]),
                "status": 403,
                "detail": _("Confirm your login with the second factor first: open the portal and enter the code."),
                "code": "second_factor_required",
            }
            return JsonResponse(body, status=403, content_type=PROBLEM_CONTENT_TYPE)
        target = reverse("accounts:two_factor")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _open(request) -> bool:
        path = request.path_info
        if path.startswith((settings.STATIC_URL, "/i18n/")):
            return True
        if path.startswith("/api/") and request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
            # An API key: the session plays no part (ApiKeyAuthentication comes first and refuses a
            # wrong key). Only the API reads the header: a page with it still uses the session.
            return True
        match = request.resolver_match
        if match is None:
            return False
        return match.namespace in OPEN_NAMESPACES or (match.namespace, match.url_name) in OPEN_URL_NAMES
