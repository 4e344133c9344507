"""The API's JSON renderer (orjson) writes exactly the bytes DRF's renderer writes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy, override
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer

from core.api.renderers import JSONRenderer

JAKARTA = dt.timezone(dt.timedelta(hours=7))
BODY = {
    "moment_utc": dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC),
    "moment_local": dt.datetime(2026, 1, 2, 10, 4, 5, tzinfo=JAKARTA),
    "day": dt.date(2026, 1, 2),
    "time": dt.time(1, 2, 3, 456789),
    "span": dt.timedelta(hours=1, seconds=3),
    "amount": Decimal("1800.50"),
    "label": gettext_lazy("Registered"),
    7: "a number as a key",
    "name": "Baiq Nur’aini ✓",
    "line_breaks_for_javascript": "a\u2028b\u2029c",
    "nothing": None,
    "flags": [True, False],
    "nested": [{"pair": (1, 2), "ratio": 0.25}],
}


@pytest.mark.parametrize("media_type", ["application/json", "application/json; indent=2"])
def test_the_same_bytes_as_drfs_renderer(media_type):
    with override("id"):
        fast = JSONRenderer().render(BODY, media_type)
        drf = DrfJSONRenderer().render(BODY, media_type)
    assert fast == drf
    assert b"Pendaftaran" in fast and b"\\u2028" in fast and "✓".encode() in fast


def test_an_empty_answer_is_empty():
    assert JSONRenderer().render(None) == b""
