"""Languages: compiling the catalogues, and choosing the language of a request."""

# Catalogues are compiled to .mo with polib, so no GNU gettext is needed anywhere.

from pathlib import Path

import polib
from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


def compile_catalogues(locale_dirs) -> int:
    """Compile every stale catalogue under the given locale dirs; return how many were written."""
    compiled = 0
    for locale_dir in locale_dirs:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled += 1
    return compiled


# --- Which language a request is answered in ---------------------------------------------
# Pages speak what the person chose with the language switcher (Django's set_language view
# stores it in a cookie), else Bahasa Indonesia: never what the device's Accept-Language says,
# or a phone set to English would switch an Indonesian official's portal to English. The
# partner API is for programs, which ask for a language with Accept-Language: it honours it.
API_PREFIX = "/api/"


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware for the API; the cookie or the default language for pages."""

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        translation.activate(page_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if request.path_info.startswith(API_PREFIX):
            return super().process_response(request, response)
        # Pages vary with the cookie (every page already does), not with Accept-Language.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def page_language(request) -> str:
    """The language a page is in: the switcher's cookie if it names a language we have."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE
