"""JSON through orjson, with the same output as DRF's own encoder for what orjson would
write differently (decimals, datetimes, lazy strings, non-string keys)."""

from __future__ import annotations

import orjson
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_DRF = JSONEncoder()


class JSONRenderer(ORJSONRenderer):
    # Datetimes go to DRF's encoder (milliseconds, "Z"), as JSONRenderer writes them.
    options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    @staticmethod
    def default(obj):
        return _DRF.default(obj)
