"""Inline SVG charts for the HTML report: no script, no external asset, text escaped.

latency: each case's latency (ms, log scale) at every percentile, one line per case.
throughput: transactions per second against the number of clients, one line per case."""

import math
from html import escape

WIDTH, HEIGHT = 700, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 230, 16, 40  # margins: the legend sits on the right
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def latency(title: str, series: list[tuple[str, list[float]]]) -> str:
    """series: (case, its latency at percentiles 0..100); the y axis is logarithmic."""
    values = [v for _, points in series for v in points if v > 0]
    if not values:
        return ""
    low, high = _decades(min(values), max(values))
    lines = [(name, [(p, math.log10(max(v, low))) for p, v in enumerate(points)]) for name, points in series]
    ticks_y = [(e, f"{10 ** e:g}") for e in range(round(math.log10(low)), round(math.log10(high)) + 1)]
    ticks_x = [(p, f"p{p}") for p in (0, 25, 50, 75, 90, 99)]
    return _chart(title, "percentile", "latency (ms)", lines, (0, 100), (math.log10(low), math.log10(high)),
                  ticks_x, ticks_y, markers=False)


def throughput(title: str, series: list[tuple[str, list[tuple[int, float]]]]) -> str:
    """series: (case, [(clients, transactions per second)])."""
    clients = sorted({c for _, points in series for c, _ in points})
    top = max((tps for _, points in series for _, tps in points), default=0)
    if not clients or top <= 0:
        return ""
    high = _nice(top)
    span = (clients[0] - 0.5, clients[-1] + 0.5) if len(clients) == 1 else (clients[0], clients[-1])
    ticks_y = [(high * k / 4, f"{high * k / 4:,.0f}") for k in range(5)]
    return _chart(title, "clients", "transactions/s", series,
                  span, (0, high), [(c, str(c)) for c in clients], ticks_y, markers=True)


def _chart(title, x_label, y_label, lines, x_span, y_span, ticks_x, ticks_y, markers: bool) -> str:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(v):
        return LEFT + (v - x_span[0]) / (x_span[1] - x_span[0]) * plot_w

    def y(v):
        return TOP + plot_h - (v - y_span[0]) / (y_span[1] - y_span[0]) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
           f'height="{HEIGHT}" role="img" aria-label="{escape(title)}" class="chart">',
           f"<title>{escape(title)}</title>",
           f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>']
    for value, label in ticks_y:
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#eee"/>'
                   f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11">{escape(label)}</text>')
    for value, label in ticks_x:
        out.append(f'<text x="{x(value):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="11">'
                   f"{escape(label)}</text>")
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-size="12">'
               f"{escape(x_label)}</text>")
    out.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="12" '
               f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{escape(y_label)}</text>')
    for n, (name, points) in enumerate(lines):
        colour = COLOURS[n % len(COLOURS)]
        path = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in points)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        if markers:
            out += [f'<circle cx="{x(a):.1f}" cy="{y(b):.1f}" r="3.5" fill="{colour}"/>' for a, b in points]
        ly = TOP + 14 + 18 * n
        out.append(f'<line x1="{WIDTH - RIGHT + 10}" x2="{WIDTH - RIGHT + 28}" y1="{ly - 4}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="3"/><text x="{WIDTH - RIGHT + 32}" y="{ly}" font-size="11">'
                   f"{escape(_short(name))}</text>")
    out.append("</svg>")
    return "".join(out)


def _decades(low: float, high: float) -> tuple[float, float]:
    return 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high) if high > low else math.log10(low) + 1)


def _nice(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above value."""
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _short(name: str, limit: int = 34) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
