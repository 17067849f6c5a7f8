"""The dashboard's long loops (the flow diagram's shapes, the timeline, the filter selects)
are written in Python at once; each writes exactly what the template loops it replaced
wrote, escaping included."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from canal.dashboard import HopFigures
from canal.sankey import diagram, svg_body
from canal.views import _select, _timeline_chart, _timeline_html

# The template loops as they were before the lean functions replaced them.
SANKEY_LOOPS = Template(
    """{% for shape in sankey.shapes %}  <a href="{{ shape.href }}" class="band band-{{ shape.kind }}" data-testid="sankey-{{ shape.kind }}-{{ shape.key }}"><path d="{{ shape.d }}" class="{{ shape.kind }} chain-{{ shape.chain }}"><title>{{ shape.title }}</title></path></a>
{% endfor %}{% for label in sankey.labels %}  <text x="{{ label.x|stringformat:'.1f' }}" y="{{ label.y|stringformat:'.1f' }}" text-anchor="{{ label.anchor }}" class="sankey-{{ label.kind }}">{{ label.text }}</text>
{% endfor %}"""  # noqa: E501
)
TIMELINE_CHART = Template(
    """{% for row in timeline %}<div class="year"><div class="year-bars">{% for bar in row.bars %}<span class="vbar hop-{{ bar.key }} h{{ bar.height }}" title="{{ bar.label }} {{ row.year }}: {{ bar.value }}"></span>{% endfor %}</div><div class="year-label">{{ row.year }}</div></div>{% endfor %}"""  # noqa: E501
)
TIMELINE_ROWS = Template(
    """{% for row in timeline %}<tr><td>{{ row.year }}</td>{% for bar in row.bars %}<td>{{ bar.value }}</td>{% endfor %}</tr>{% empty %}<tr><td colspan="9" class="muted">—</td></tr>{% endfor %}"""  # noqa: E501
)
SELECT = Template(
    """<select name="{{ name }}" aria-label="{{ label }}"><option value="">{{ empty }}</option>{% for pk, text in rows %}<option value="{{ pk }}"{% if pk|stringformat:"s" == chosen %} selected{% endif %}>{{ text }}</option>{% endfor %}</select>"""  # noqa: E501
)

# Texts a template escapes: quotes, ampersands, angle brackets.
TRICKY = "R&D <“新材料”> 'pilot' \"x\""


def _hop(key, count, went_on=None, skipped_in=0, chain="industrial", label=None):
    return HopFigures(
        key=key,
        label=label or key.title(),
        chain=chain,
        count=count,
        conversion=None,
        median_days=None,
        p90_days=None,
        went_on=went_on,
        skipped_in=skipped_in,
    )


def _figures():
    return [
        _hop("submitted", 12000, chain="innovation", label=TRICKY),
        _hop("accepted", 9000, went_on=9000, chain="innovation"),
        _hop("pilot", 3000, went_on=2900, skipped_in=100),
        _hop("deal", 7, went_on=0, skipped_in=7, chain="capital", label="<b>deal</b>"),
    ]


def test_the_flow_diagram_body_is_what_the_template_loops_wrote():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            drawing = diagram(_figures(), "alliance=4&field=a%26b&organization=<x>")
            expected = SANKEY_LOOPS.render(Context({"sankey": drawing}))
            assert str(svg_body(drawing)) == expected
            assert "&lt;b&gt;deal&lt;/b&gt;" in expected


def test_the_timeline_is_what_the_template_loops_wrote():
    keys = ["submitted", "accepted", "pilot"]
    labels = {"submitted": TRICKY, "accepted": "Accepted", "pilot": "<i>pilot</i>"}
    rows = [
        {"year": 2019, "submitted": 12345, "accepted": 0, "pilot": 7},
        {"year": 2020, "submitted": 3, "accepted": 12345, "pilot": 0},
    ]
    timeline = _timeline_chart(rows, keys, labels)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = _timeline_html(timeline)
            context = Context({"timeline": timeline})
            assert str(html["chart"]) == TIMELINE_CHART.render(context)
            assert str(html["rows"]) == TIMELINE_ROWS.render(context)
    empty = _timeline_html([])
    assert str(empty["chart"]) == ""
    assert str(empty["rows"]) == TIMELINE_ROWS.render(Context({"timeline": []}))


def test_the_filter_select_is_what_a_template_loop_writes():
    rows = [(1, TRICKY), (22, "中国科学院大连化学物理研究所"), (3, "<script>")]
    for chosen in ("", "22", "3"):
        html = _select("organization", "Organisation & unit", "All <organisations>", rows, chosen)
        expected = SELECT.render(
            Context(
                {
                    "name": "organization",
                    "label": "Organisation & unit",
                    "empty": "All <organisations>",
                    "rows": rows,
                    "chosen": chosen,
                }
            )
        )
        assert str(html) == expected
