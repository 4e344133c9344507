"""What makes the village officer's pages installable and usable offline (issue 13, point 2).

The service worker (/desa/sw.js, scope /desa/) keeps the village pages and the static files they
load in the phone's cache: pages network-first with the cache as fallback, static files cache-first,
never the API nor a POST. Its cache name carries a version made from the files it keeps, so a
deployment that changes one of them installs a new worker that drops the old cache. The manifest
makes the pages installable. Both are public (a browser fetches them without asking the user to log
in, and an update check must not land on the login page): they hold no data. The outbox page lists
what the phone keeps (village-offline.js fills it); without JavaScript it says that reports are
sent at once.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.permissions import is_village_officer

# Bump when the worker's own logic changes in a way the files it keeps do not show.
SW_REVISION = "1"
SCOPE = "/desa/"
THEME_COLOUR = "#0b5394"
# What every village page loads (base.html and village_base.html).
STATIC_FILES = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/portal.css",
    "vendor/htmx/htmx.min.js",
    "js/village-offline.js",
    "icons/village-192.png",
)
# The pages an officer opens in the village: their home, the five report forms and the
# complaint's form, the outbox.
FORM_SLUGS = ("niat", "keberangkatan", "kepulangan", "kematian", "calo", "pengaduan")
PAGES = (
    ("portal:village_home", {}),
    *(("portal:village_report_new", {"slug": slug}) for slug in FORM_SLUGS),
    ("portal:village_outbox", {}),
)


def _page_urls() -> list[str]:
    urls = []
    for name, kwargs in PAGES:
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except NoReverseMatch:  # a page not there (yet): the worker keeps the others
            continue
    return urls


@cache
def _static_version() -> str:
    """A digest of the kept static files' URLs and contents: it changes when one of them does."""
    digest = hashlib.sha256(SW_REVISION.encode())
    for name in STATIC_FILES:
        digest.update(static(name).encode())
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@require_GET
def village_service_worker(request):
    """The service worker script, served from /desa/ so that its scope is the village pages."""
    pages = _page_urls()
    config = {
        "version": f"{_static_version()}-{hashlib.sha256(' '.join(pages).encode()).hexdigest()[:6]}",
        "scope": SCOPE,
        "pages": pages,
        "static": [static(name) for name in STATIC_FILES],
        "staticPrefix": settings.STATIC_URL,  # static("") has no manifest entry in production
        "apiPrefix": "/api/",
    }
    body = render_to_string("portal/village_sw.js", {"config": json.dumps(config)})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = SCOPE
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def village_manifest(request):
    """The web app manifest: the village pages installed like an app on the officer's phone."""
    manifest = {
        "name": _("SISKOP2MI village"),
        "short_name": _("Village"),
        "description": _("Reports of the village on migrant workers, also without a connection."),
        "lang": request.LANGUAGE_CODE,
        "start_url": SCOPE,
        "scope": SCOPE,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("icons/village-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("icons/village-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("icons/village.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def village_outbox(request):
    """The phone's outbox: what waits to be sent, what the server refused, edits in conflict."""
    if not is_village_officer(request.user):
        raise PermissionDenied
    return render(request, "portal/village_outbox.html", {"village": request.user.village})
