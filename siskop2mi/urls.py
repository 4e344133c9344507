from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from siskop2mi.health import healthz

admin.site.site_header = "SISKOP2MI"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # First: Django tries the patterns in order, and the partner API's clients call far more often
    # than people open pages (a hundred patterns tried before it were a measurable part of a short
    # answer, bench/api.py). No pattern above or below starts with "api/".
    path("api/v1/", include("siskop2mi.api.urls")),
    path("accounts/", include("accounts.urls")),
    path("perusahaan/kunci-api/", include("accounts.api_key_urls")),
    path("", include("portal.urls")),
    path("penempatan/", include("placement.urls")),
    path("pengawasan/", include("oversight.urls")),
    path("dasbor/", include("dashboard.urls")),
    path("ekspor/", include("exports.urls")),
    path("", include("public.urls")),  # the public's pages (complaints, checks, ...): no login, paths in public/urls.py
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Unknown URLs and unreadable requests under /api/ answer problem+json like the rest of the API;
# elsewhere the portal's pages.
handler404 = "core.api.exceptions.not_found_view"
handler400 = "core.api.exceptions.bad_request_view"
# A failure: the friendly page (problem+json under /api/), a 503 with Retry-After when the
# database does not answer.
handler500 = "core.api.exceptions.server_error_view"
