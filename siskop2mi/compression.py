"""Pages go gzipped for phones on weak links (issue 13: the village home within 200 KB).

Only HTML pages: static files are whitenoise's (pre-compressed by CompressedManifestStaticFilesStorage),
and the partner API answers as it always has (its clients and its schema tests read plain JSON).
BREACH, the attack on compressed pages that echo a secret beside attacker-chosen text, is answered by
Django masking the CSRF token afresh on every response; pages never show a full NIK.
"""

from django.middleware.gzip import GZipMiddleware


class PageGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
