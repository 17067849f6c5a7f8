"""Sections an app adds to a page of an app below it, so that no import runs upward.

The project page (``projects``) shows the fund's deal flow (``funds``): ``funds`` registers
a panel for ``"project_detail"`` and the project view renders whatever is registered, in
the order the apps are installed. A panel is ``panel(request, obj) -> str`` (safe HTML, or
"" to show nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[object, object], str]
_panels: dict[str, list[Panel]] = defaultdict(list)


def register_panel(page: str, panel: Panel) -> None:
    if panel not in _panels[page]:
        _panels[page].append(panel)


def render_panels(page: str, request, obj) -> list[SafeString]:
    """The HTML of every panel registered for ``page`` that has something to show."""
    rendered = (panel(request, obj) for panel in _panels[page])
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 - rendered templates
