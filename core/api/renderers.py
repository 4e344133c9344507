"""The API's JSON renderer: DRF's, with orjson doing the encoding.

Encoding a page of 50 placements with the standard library's encoder was a measurable part of
the answer (bench/api.py); orjson writes the same bytes several times faster. What DRF's encoder
does beyond plain JSON is kept: dates, times and moments, decimals, lazy translations and the
other types DRF knows go through DRF's own encoder (so a moment is written exactly as before),
U+2028/U+2029 are escaped as DRF escapes them, and a client asking for indentation
(``Accept: application/json; indent=4``) gets DRF's own rendering.
"""

from __future__ import annotations

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

_drf_default = JSONEncoder().default
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        body = orjson.dumps(data, default=_drf_default, option=_OPTIONS)
        # As DRF does: these two are valid JSON but end a line in JavaScript.
        return body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
