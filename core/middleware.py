"""``Cache-Control: no-store`` on every response that may carry personal data."""

from __future__ import annotations

from django.conf import settings

NO_STORE = "private, no-store"
# The API's description is public and the same for everyone: browsers and proxies may keep it.
_API_PUBLIC = ("/api/v1/schema/", "/api/v1/docs/")


def _may_carry_personal_data(request) -> bool:
    path = request.path
    if path.startswith("/api/"):
        return not path.startswith(_API_PUBLIC)
    # Without a session cookie nobody is signed in: asking would touch the session (and add
    # "Vary: Cookie" to public pages for nothing).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class NoStoreMiddleware:
    """A page for a signed-in user, and every API answer, may hold a NIK, a name or a whereabouts:
    no browser cache, shared proxy or back button may keep it. Anonymous public pages (the vacancy
    board, the company checks) keep their own caching; static files never reach this (WhiteNoise
    answers them first). Public pages with a secret behind them (complaint tracking) say
    ``never_cache`` themselves. The village pages' offline copies live in the service worker's
    Cache API, which ``Cache-Control`` does not govern."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        if _may_carry_personal_data(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = NO_STORE
            if response.has_header("Expires"):
                del response["Expires"]
        return response
