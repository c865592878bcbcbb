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


def line_chart(weeks, series, width=640, height=200, pad=30):
    """Coordinates for a line chart of weekly values; ``series`` is [(label, colour, values)]."""
    top = max([1, *(v for _label, _colour, values in series for v in values)])
    step = (width - 2 * pad) / max(1, len(weeks) - 1)

    def y(value):
        return round(height - pad - value * (height - 2 * pad) / top, 1)

    drawn = []
    for label, colour, values in series:
        points = [(round(pad + i * step, 1), y(v)) for i, v in enumerate(values)]
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
    # A tick every fourth week keeps 26 labels legible on a phone.
    ticks = [
        {"x": round(pad + i * step, 1), "label": f"{monday.month}/{monday.day}"}
        for i, monday in enumerate(weeks)
        # The last week always has its label; a regular one too close to it would overlap.
        if (i % 4 == 0 and i < len(weeks) - 3) or i == len(weeks) - 1
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "top": top,
        "top_y": y(top),
        "base_y": height - pad,
        "right_x": width - pad,
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
