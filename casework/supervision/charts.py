"""Small line charts drawn on the server as SVG: no script, readable in print and on a phone.

The numbers a chart draws are also given as a table beside it (``table`` below), for screen
readers and for anyone who wants the exact figure.
"""

from django.utils.translation import gettext_lazy as _

#: Each weekly series the item chart draws: key, label, colour (dark enough for print).
ITEM_SERIES = [
    ("opened", _("cases opened"), "#cd4444"),
    ("closed", _("cases closed off"), "#1b8666"),
    ("visits", _("visits"), "#2e5ea8"),
]


def line_chart(weeks, series, width=640, height=220, left=48, right=20, top_pad=16, bottom=40):
    """Coordinates for a line chart of weekly values; ``series`` is [(label, colour, values)].

    The margins leave room for labels drawn large: on a phone the chart is shrunk to about half
    its width, so the stylesheet doubles the labels' size there (``.cw-sv-chart`` in
    css/casework.css) and hides the minor ticks.
    """
    top = max([1, *(v for _label, _colour, values in series for v in values)])
    step = (width - left - right) / max(1, len(weeks) - 1)
    base = height - bottom

    def y(value):
        return round(base - value * (base - top_pad) / top, 1)

    drawn = []
    for label, colour, values in series:
        points = [(round(left + i * step, 1), y(v)) for i, v in enumerate(values)]
        drawn.append(
            {
                "label": label,
                "colour": colour,
                "points": " ".join(f"{px},{py}" for px, py in points),
                "dots": [
                    {"x": px, "y": py, "value": v, "week": f"{monday:%m-%d}"}
                    for (px, py), v, monday in zip(points, values, weeks, strict=True)
                ],
            }
        )
    last = len(weeks) - 1
    # A tick every fourth week on a screen, every eighth on a phone (the others are "minor");
    # the last week always has its label, and a regular one too close to it is left out.
    ticks = [
        {
            "x": round(left + i * step, 1),
            "label": f"{monday.month}/{monday.day}",
            "minor": i != last and i % 8 != 0,
            # The last label ends at its week, so that it is not cut off at the right edge.
            "anchor": "end" if i == last and i else "middle",
        }
        for i, monday in enumerate(weeks)
        if (i % 4 == 0 and i < last - 3) or i == last
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "top_y": y(top),
        "base_y": base,
        "right_x": width - right,
        "series": drawn,
        "ticks": ticks,
    }


def item_chart(weekly):
    """The item's chart of cases opened, closed and visits per week, with its table."""
    series = [(label, colour, weekly[key]) for key, label, colour in ITEM_SERIES]
    chart = line_chart(weekly["weeks"], series)
    chart["table"] = {
        "headings": [label for _key, label, _colour in ITEM_SERIES],
        "rows": [
            {"week": monday, "values": [weekly[key][i] for key, _l, _c in ITEM_SERIES]}
            for i, monday in enumerate(weekly["weeks"])
        ],
    }
    return chart


def bar_rows(rows, key):
    """Horizontal bars for ranked rows: each row gets its bar's width in per cent."""
    top = max([1, *(r[key] for r in rows)])
    return [{**r, "bar": round(100 * r[key] / top)} for r in rows]
