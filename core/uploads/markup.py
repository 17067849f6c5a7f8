"""Polyglots: HTML or script hidden in any kind of file."""

from __future__ import annotations

import re

from core.uploads import limits
from core.uploads.limits import Refused

# --- Polyglots -----------------------------------------------------------------------------

# What makes a browser (or a careless viewer) take bytes for a web page. A tag name counts only
# when followed by what ends a tag name, so random compressed bytes rarely match.
MARKUP = re.compile(
    rb"<(?:html|script|svg|iframe|body|head)[\s/>]|<!doctype\s+html|javascript:", re.IGNORECASE
)


def _check_markup(data: bytes) -> None:
    if len(data) <= limits.POLYGLOT_SMALL_BYTES:
        regions = [data]
    else:
        regions = [data[: limits.POLYGLOT_EDGE_BYTES], data[-limits.POLYGLOT_EDGE_BYTES :]]
    if any(MARKUP.search(region) for region in regions):
        raise Refused("polyglot")
