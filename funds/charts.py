"""Charts drawn on the server as SVG: the same picture on the page and in the PDF, with no
JavaScript and nothing fetched."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.money import money_short
from funds.statements import QuarterFlow

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 96, 16, 16, 40
POSITIVE, NEGATIVE, LINE, AXIS, GRID, TEXT = (
    "#2e7d32",
    "#c62828",
    "#1a3d6d",
    "#444",
    "#ddd",
    "#333",
)


def _nice_step(span: float, ticks: int = 4) -> float:
    """A step of 1, 2 or 5 × 10ⁿ that cuts ``span`` into about ``ticks`` parts."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def jcurve_svg(
    flows: Sequence[QuarterFlow], *, currency: str, language: str, title: str
) -> SafeString:
    """The partners' net cash flow per quarter (bars) and cumulated (the line): the J-curve.

    Amounts are shown short, in the reader's units (万 / 亿, million / billion).
    """
    values = [float(f.net) for f in flows] + [float(f.cumulative) for f in flows] + [0.0]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    slot = plot_w / max(len(flows), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="jcurve-title" '
        f'class="jcurve" data-testid="jcurve" font-size="11" '
        f"font-family=\"'Noto Sans CJK SC', 'WenQuanYi Zen Hei', sans-serif\">",
        f'<title id="jcurve-title">{escape(title)}</title>',
    ]
    tick = low
    while tick <= high + step / 2:
        ty = y(tick)
        label = money_short(Decimal(str(round(tick, 2))), language, currency)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
        tick += step
    zero = y(0.0)
    label_every = max(1, math.ceil(len(flows) / 12))
    points = []
    for i, flow in enumerate(flows):
        x = LEFT + i * slot
        net = float(flow.net)
        if net:
            top, bottom = sorted((y(net), zero))
            colour = POSITIVE if net > 0 else NEGATIVE
            parts.append(
                f'<rect x="{x + slot * 0.2:.1f}" y="{top:.1f}" width="{slot * 0.6:.1f}" '
                f'height="{max(bottom - top, 0.5):.1f}" fill="{colour}" fill-opacity="0.7">'
                f"<title>{escape(flow.label)}: {escape(money_short(flow.net, language, currency))}"
                "</title></rect>"
            )
        points.append(f"{x + slot / 2:.1f},{y(float(flow.cumulative)):.1f}")
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'fill="{TEXT}">{escape(flow.label)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{zero:.1f}" x2="{WIDTH - RIGHT}" y2="{zero:.1f}" '
        f'stroke="{AXIS}" stroke-width="1.2"/>'
    )
    if points:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" '
            f'stroke-width="2" data-series="cumulative"/>'
        )
    legend_y = HEIGHT - 8
    bars_label, line_label = _("Net flow in the quarter"), _("Cumulative net flow")
    parts.append(
        f'<rect x="{LEFT}" y="{legend_y - 8}" width="10" height="8" fill="{NEGATIVE}" '
        f'fill-opacity="0.7"/><rect x="{LEFT + 10}" y="{legend_y - 8}" width="10" height="8" '
        f'fill="{POSITIVE}" fill-opacity="0.7"/>'
        f'<text x="{LEFT + 26}" y="{legend_y}" fill="{TEXT}">{escape(bars_label)}'
        f'</text><line x1="{LEFT + 220}" y1="{legend_y - 4}" x2="{LEFT + 244}" '
        f'y2="{legend_y - 4}" stroke="{LINE}" stroke-width="2"/>'
        f'<text x="{LEFT + 250}" y="{legend_y}" fill="{TEXT}">'
        f"{escape(line_label)}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
