"""The canal as a flow (Sankey) diagram, drawn on the server as SVG shapes.

One column per hop, its height the achievements in it, coloured by chain. Between two
columns, a band for those that went on; below, a grey band for those in the previous hop
that did not reach this one (the loss), and a dashed band for those that reached it without
the previous hop (skipping it). Every shape carries a ``<title>`` tooltip in the active
language and links to the list of the achievements behind it. No script is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 960
NODE_WIDTH = 18
TOP = 62
FLOW_HEIGHT = 220
LOSS_DROP = 70
HEIGHT = TOP + FLOW_HEIGHT + LOSS_DROP + 52
MIN_BAND = 1.5


@dataclass
class Shape:
    kind: str  # node, flow, loss, skip
    chain: str
    d: str
    title: str
    href: str
    key: str


@dataclass
class Label:
    x: float
    y: float
    text: str
    kind: str
    anchor: str = "middle"


def _band(x1, y1a, y1b, x2, y2a, y2b) -> str:
    middle = (x1 + x2) / 2
    return (
        f"M{x1:.1f},{y1a:.1f} C{middle:.1f},{y1a:.1f} {middle:.1f},{y2a:.1f} {x2:.1f},{y2a:.1f} "
        f"L{x2:.1f},{y2b:.1f} C{middle:.1f},{y2b:.1f} {middle:.1f},{y1b:.1f} {x1:.1f},{y1b:.1f} Z"
    )


def _thick(n: int, scale: float) -> float:
    return max(MIN_BAND, n * scale) if n else 0.0


def diagram(figures, query: str = "") -> dict:
    """Shapes and labels of the diagram for the dashboard's ``figures`` (HopFigures)."""
    prefix = f"?{query}&" if query else "?"

    def link(**params) -> str:
        return prefix + urlencode({k: v for k, v in params.items() if v}) + "#hop-list"

    top_count = max((f.count for f in figures), default=0)
    scale = FLOW_HEIGHT / top_count if top_count else 0.0
    columns = len(figures)
    step = (WIDTH - 80 - NODE_WIDTH) / max(columns - 1, 1)
    shapes: list[Shape] = []
    labels: list[Label] = []
    for index, figure in enumerate(figures):
        x = 40 + index * step
        height = _thick(figure.count, scale)
        shapes.append(
            Shape(
                "node",
                figure.chain,
                f"M{x:.1f},{TOP} h{NODE_WIDTH} v{height:.1f} h-{NODE_WIDTH} Z",
                ngettext(
                    "%(hop)s: %(count)d achievement",
                    "%(hop)s: %(count)d achievements",
                    figure.count,
                )
                % {"hop": figure.label, "count": figure.count},
                link(hop=figure.key),
                figure.key,
            )
        )
        # Long labels side by side would collide: every other one sits a line higher.
        labels.append(
            Label(x + NODE_WIDTH / 2, TOP - (40 if index % 2 else 24), figure.label, "hop")
        )
        labels.append(Label(x + NODE_WIDTH / 2, TOP - 8, str(figure.count), "count"))
        if index == 0:
            continue
        previous = figures[index - 1]
        px = 40 + (index - 1) * step + NODE_WIDTH
        went_on = figure.went_on or 0
        flow = _thick(went_on, scale)
        if went_on:
            shapes.append(
                Shape(
                    "flow",
                    figure.chain,
                    _band(px, TOP, TOP + flow, x, TOP, TOP + flow),
                    _("%(count)d went on from “%(previous)s” to “%(hop)s”")
                    % {"count": went_on, "previous": previous.label, "hop": figure.label},
                    link(hop=figure.key, also=previous.key),
                    figure.key,
                )
            )
        lost = previous.count - went_on
        if lost:
            start = TOP + _thick(previous.count, scale) - _thick(lost, scale)
            end_x = px + step * 0.3
            thickness = _thick(lost, scale)
            drop = TOP + FLOW_HEIGHT + LOSS_DROP - thickness
            shapes.append(
                Shape(
                    "loss",
                    previous.chain,
                    _band(px, start, start + thickness, end_x, drop, drop + thickness),
                    _("%(count)d in “%(previous)s” did not reach “%(hop)s”")
                    % {"count": lost, "previous": previous.label, "hop": figure.label},
                    link(hop=previous.key, without=figure.key),
                    previous.key,
                )
            )
            labels.append(Label(end_x + 3, drop + thickness + 14, f"−{lost}", "loss", "start"))
        if figure.skipped_in:
            thickness = _thick(figure.skipped_in, scale)
            start = TOP + _thick(figure.count, scale) - thickness
            from_x = x - step * 0.4
            rise = TOP + FLOW_HEIGHT + LOSS_DROP - thickness
            shapes.append(
                Shape(
                    "skip",
                    figure.chain,
                    _band(from_x, rise, rise + thickness, x, start, start + thickness),
                    _("%(count)d reached “%(hop)s” without “%(previous)s”")
                    % {"count": figure.skipped_in, "previous": previous.label, "hop": figure.label},
                    link(hop=figure.key, without=previous.key),
                    figure.key,
                )
            )
            labels.append(
                # A line below the losses' labels, which end nearby.
                Label(from_x, rise + thickness + 28, f"+{figure.skipped_in}", "skip", "start")
            )
    return {"width": WIDTH, "height": HEIGHT, "shapes": shapes, "labels": labels}


def svg_body(drawing: dict) -> SafeString:
    """The shapes and labels of ``diagram()`` as SVG markup, one element a line.

    Written at once rather than through template loops (each shape and label would cost a
    dozen template nodes, most of the page's rendering time); every text is escaped as the
    template's autoescape would (``html.escape``, as ``django.utils.html.escape``).
    """
    lines = [
        f'  <a href="{escape(shape.href)}" class="band band-{escape(shape.kind)}" '
        f'data-testid="sankey-{escape(shape.kind)}-{escape(shape.key)}">'
        f'<path d="{escape(shape.d)}" class="{escape(shape.kind)} chain-{escape(shape.chain)}">'
        f"<title>{escape(shape.title)}</title></path></a>\n"
        for shape in drawing["shapes"]
    ]
    lines.extend(
        f'  <text x="{label.x:.1f}" y="{label.y:.1f}" text-anchor="{escape(label.anchor)}" '
        f'class="sankey-{escape(label.kind)}">{escape(label.text)}</text>\n'
        for label in drawing["labels"]
    )
    return mark_safe("".join(lines))
