"""Line charts drawn as SVG on the server, each with the same numbers as a table.

One function draws for the page and for the PDF, so both show the same picture. Nothing here
needs a browser: no scripts, no `style` attributes (the pages' content security policy forbids
them), only SVG presentation attributes, which WeasyPrint also understands.

Colour is never the only cue: each series also has its own marker shape and dash pattern, and
the legend repeats both. Every chart names itself (`<title>`), says what it shows in words
(`<desc>`), and comes with a table of the same numbers for anyone who cannot see the picture.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 480, 280
# Room for the y tick labels on the left and the x tick labels below.
LEFT, RIGHT, TOP, BOTTOM = 44, 14, 14, 44
FONT_SIZE = 14
INK, MUTED, GRID = "#1b1f24", "#4a5260", "#c9ced6"
BAND_FILLS = ("#eef1f5", "#ffffff")


@dataclass(frozen=True)
class Style:
    colour: str
    marker: str
    dash: str  # an SVG stroke-dasharray; "" for a solid line
    pattern: str  # the dash pattern in words, for the legend and the description


# Each at least 4.5:1 against white, and told apart by shape and dash as well.
STYLES = (
    Style("#1d4e89", "circle", "", "solid line, round markers"),
    Style("#a33d00", "square", "7 4", "dashed line, square markers"),
    Style("#1e6b3a", "triangle", "2 3", "dotted line, triangle markers"),
    Style("#6b3fa0", "diamond", "10 3 2 3", "dash-dot line, diamond markers"),
)


@dataclass(frozen=True)
class Point:
    day: datetime.date
    value: float
    # Shown beside the value in the table, e.g. the band the score falls in.
    note: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]
    note_heading: str = ""


@dataclass(frozen=True)
class Reference:
    """A horizontal line with its meaning in words, e.g. a caseness cut-off."""

    value: float
    label: str


@dataclass(frozen=True)
class Band:
    """A named range of the y axis, from `low` up to (not including) `high`."""

    low: float
    high: float
    label: str


@dataclass
class LegendEntry:
    name: str
    style: Style
    swatch: str


@dataclass
class Chart:
    id: str
    title: str
    description: str
    svg: str
    legend: list[LegendEntry]
    caption: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    # What the chart's lines and ranges mean, shown under it as well as in `description`.
    explanation: str = ""


def day_label(day: datetime.date, with_year: bool = True) -> str:
    return f"{day.day} {day:%b %Y}" if with_year else f"{day.day} {day:%b}"


def number(value: float) -> str:
    """A score as people write it: whole numbers without a decimal point, a true minus sign."""
    if float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{value:.1f}"
    return text.replace("-", "\u2212")


def line_chart(
    *,
    chart_id: str,
    title: str,
    series: list[Series],
    y_min: float,
    y_max: float,
    y_label: str,
    references: tuple[Reference, ...] = (),
    bands: tuple[Band, ...] = (),
    explanation: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Chart:
    """A chart of `series` over dates, on a y axis from `y_min` to `y_max`.

    `start` and `end` fix the x axis (a report's period); otherwise it spans the data.
    Series without points are left out; at most four series are drawn.
    """
    series = [s for s in series if s.points][: len(STYLES)]
    if y_max <= y_min:
        raise ValueError("y_max must be above y_min")
    days = [p.day for s in series for p in s.points]
    first = start or (min(days) if days else datetime.date.today())
    last = end or (max(days) if days else first)
    if last <= first:
        first, last = first - datetime.timedelta(days=1), first + datetime.timedelta(days=1)
    plot = _Plot(first, last, y_min, y_max)

    band_shapes, band_labels = _bands(plot, bands)
    parts = [band_shapes, _y_axis(plot, y_label), _x_axis(plot)]
    lines = [_reference(plot, ref) for ref in references]
    parts += [line for line, _ in lines]
    for style, one in zip(STYLES, series, strict=False):
        parts.append(_series(plot, one, style))
    # Words last, so no line or marker covers them.
    labels = band_labels + [label for _, label in lines if label]
    if labels:
        parts.append('<g aria-hidden="true">' + "".join(labels) + "</g>")

    description = describe(series, references, bands, explanation)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        'xmlns="http://www.w3.org/2000/svg" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{FONT_SIZE}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )
    legend = [
        LegendEntry(one.name, style, _swatch(style))
        for style, one in zip(STYLES, series, strict=False)
    ]
    columns, rows = _table(series)
    return Chart(chart_id, title, description, svg, legend, title, columns, rows, explanation)


def describe(series, references, bands, explanation: str = "") -> str:
    """The chart in words: each series' first and latest point, the lines and the bands."""
    sentences = []
    if explanation:
        sentences.append(explanation)
    for style, one in zip(STYLES, series, strict=False):
        first, latest = one.points[0], one.points[-1]
        count = len(one.points)
        if count == 1:
            sentences.append(
                f"{one.name} ({style.pattern}): one point, {number(first.value)} on "
                f"{day_label(first.day)}."
            )
        else:
            sentences.append(
                f"{one.name} ({style.pattern}): {count} points, from {number(first.value)} on "
                f"{day_label(first.day)} to {number(latest.value)} on {day_label(latest.day)}."
            )
    for ref in references:
        sentences.append(f"A dashed line at {number(ref.value)}: {ref.label}.")
    if bands:
        named = ", ".join(
            f"{band.label} {number(band.low)} to {number(_band_top(band))}" for band in bands
        )
        sentences.append(f"Shaded ranges: {named}.")
    return " ".join(sentences)


# --- Drawing ---------------------------------------------------------------------------------


class _Plot:
    def __init__(self, first, last, y_min, y_max):
        self.first, self.last = first, last
        self.y_min, self.y_max = y_min, y_max
        self.left, self.right = LEFT, WIDTH - RIGHT
        self.top, self.bottom = TOP, HEIGHT - BOTTOM

    def x(self, day: datetime.date) -> float:
        span = (self.last - self.first).days
        return self.left + (self.right - self.left) * (day - self.first).days / span

    def y(self, value: float) -> float:
        share = (value - self.y_min) / (self.y_max - self.y_min)
        return self.bottom - (self.bottom - self.top) * share


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _band_top(band: Band) -> float:
    # Bands of whole-number scores are named by their last score (5 to 9), not the next one.
    if float(band.low).is_integer() and float(band.high).is_integer():
        return band.high - 1
    return band.high


def label(
    x: float, y: float, text: str, *, anchor="start", size=FONT_SIZE - 2, bold=False, colour=MUTED
) -> str:
    """Text with a white halo drawn under it, legible over grid lines and data."""
    attributes = f'x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}"' + (
        ' font-weight="bold"' if bold else ""
    )
    return (
        f'<text {attributes} fill="#ffffff" stroke="#ffffff" stroke-width="4" '
        f'stroke-linejoin="round">{escape(text)}</text>'
        f'<text {attributes} fill="{colour}">{escape(text)}</text>'
    )


def _bands(plot: _Plot, bands) -> tuple[str, list[str]]:
    out, labels = [], []
    for index, band in enumerate(bands):
        low, high = max(band.low, plot.y_min), min(band.high, plot.y_max)
        if high <= low:
            continue
        top, bottom = plot.y(high), plot.y(low)
        fill = BAND_FILLS[index % 2]
        out.append(
            f'<rect x="{_f(plot.left)}" y="{_f(top)}" width="{_f(plot.right - plot.left)}" '
            f'height="{_f(bottom - top)}" fill="{fill}"/>'
        )
        if bottom - top >= FONT_SIZE + 2:
            middle = (top + bottom) / 2 + FONT_SIZE * 0.35
            labels.append(label(plot.left + 6, middle, band.label))
    return ('<g aria-hidden="true">' + "".join(out) + "</g>" if out else ""), labels


def nice_step(span: float, most: int = 6) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50… that cuts `span` into at most `most` steps."""
    magnitude = 10 ** math.floor(math.log10(span / most)) if span > 0 else 1
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if span / step <= most:
            return step
    return 10 * magnitude


def _y_axis(plot: _Plot, label: str) -> str:
    step = nice_step(plot.y_max - plot.y_min)
    tick = math.ceil(plot.y_min / step) * step
    out = []
    while tick <= plot.y_max + 1e-9:
        y = plot.y(tick)
        out.append(
            f'<line x1="{_f(plot.left)}" y1="{_f(y)}" x2="{_f(plot.right)}" y2="{_f(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_f(plot.left - 6)}" y="{_f(y + FONT_SIZE * 0.35)}" text-anchor="end" '
            f'fill="{INK}">{number(tick)}</text>'
        )
        tick += step
    out.append(
        f'<line x1="{_f(plot.left)}" y1="{_f(plot.top)}" x2="{_f(plot.left)}" '
        f'y2="{_f(plot.bottom)}" stroke="{INK}" stroke-width="1"/>'
    )
    out.append(
        f'<text x="12" y="{_f((plot.top + plot.bottom) / 2)}" text-anchor="middle" '
        f'fill="{INK}" font-size="{FONT_SIZE - 2}" '
        f'transform="rotate(-90 12 {_f((plot.top + plot.bottom) / 2)})">{escape(label)}</text>'
    )
    return '<g aria-hidden="true">' + "".join(out) + "</g>"


def date_ticks(first: datetime.date, last: datetime.date, most: int = 5) -> list[datetime.date]:
    """Tick dates at calendar boundaries: month starts for long spans, Mondays or days else."""
    span = (last - first).days
    if span > 100:
        months = (last.year - first.year) * 12 + last.month - first.month
        every = max(1, math.ceil(months / most))
        ticks, year, month = [], first.year, first.month
        while True:
            day = datetime.date(year, month, 1)
            if day > last:
                break
            if day >= first and (year * 12 + month - 1) % every == 0:
                ticks.append(day)
            month += 1
            if month == 13:
                year, month = year + 1, 1
        return ticks
    if span > 14:
        every = max(1, math.ceil(span / 7 / most))
        day = first + datetime.timedelta(days=(7 - first.weekday()) % 7)
        ticks = []
        while day <= last:
            ticks.append(day)
            day += datetime.timedelta(days=7 * every)
        return ticks
    every = max(1, math.ceil(span / most))
    return [first + datetime.timedelta(days=n) for n in range(0, span + 1, every)]


def _x_axis(plot: _Plot) -> str:
    ticks = date_ticks(plot.first, plot.last)
    long_span = (plot.last - plot.first).days > 100
    out = [
        f'<line x1="{_f(plot.left)}" y1="{_f(plot.bottom)}" x2="{_f(plot.right)}" '
        f'y2="{_f(plot.bottom)}" stroke="{INK}" stroke-width="1"/>'
    ]
    shown_year = None
    for tick in ticks:
        x = plot.x(tick)
        if long_span:
            text = f"{tick:%b}"
        else:
            text = day_label(tick, with_year=False)
        out.append(
            f'<line x1="{_f(x)}" y1="{_f(plot.bottom)}" x2="{_f(x)}" y2="{_f(plot.bottom + 5)}" '
            f'stroke="{INK}" stroke-width="1"/>'
            f'<text x="{_f(x)}" y="{_f(plot.bottom + 5 + FONT_SIZE)}" text-anchor="middle" '
            f'fill="{INK}">{escape(text)}</text>'
        )
        if tick.year != shown_year:
            shown_year = tick.year
            out.append(
                f'<text x="{_f(x)}" y="{_f(plot.bottom + 8 + 2 * FONT_SIZE)}" '
                f'text-anchor="middle" fill="{MUTED}" font-size="{FONT_SIZE - 2}">'
                f"{tick.year}</text>"
            )
    return '<g aria-hidden="true">' + "".join(out) + "</g>"


def _reference(plot: _Plot, ref: Reference) -> tuple[str, str]:
    if not plot.y_min <= ref.value <= plot.y_max:
        return "", ""
    y = plot.y(ref.value)
    # The label sits above the line, or below it when the line is at the very top.
    label_y = y - 5 if y - FONT_SIZE > plot.top else y + FONT_SIZE + 2
    line = (
        f'<line x1="{_f(plot.left)}" y1="{_f(y)}" x2="{_f(plot.right)}" y2="{_f(y)}" '
        f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="8 4" aria-hidden="true"/>'
    )
    words = label(
        plot.right - 4, label_y, ref.label, anchor="end", size=FONT_SIZE - 1, bold=True, colour=INK
    )
    return line, words


def marker(shape: str, x: float, y: float, colour: str, size: float = 5) -> str:
    edge = 'stroke="#ffffff" stroke-width="1.2"'
    if shape == "square":
        return (
            f'<rect x="{_f(x - size)}" y="{_f(y - size)}" width="{_f(2 * size)}" '
            f'height="{_f(2 * size)}" fill="{colour}" {edge}/>'
        )
    if shape == "triangle":
        points = f"{_f(x)},{_f(y - size * 1.2)} {_f(x - size * 1.1)},{_f(y + size * 0.8)} " + (
            f"{_f(x + size * 1.1)},{_f(y + size * 0.8)}"
        )
        return f'<polygon points="{points}" fill="{colour}" {edge}/>'
    if shape == "diamond":
        d = size * 1.3
        points = f"{_f(x)},{_f(y - d)} {_f(x + d)},{_f(y)} {_f(x)},{_f(y + d)} {_f(x - d)},{_f(y)}"
        return f'<polygon points="{points}" fill="{colour}" {edge}/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(size)}" fill="{colour}" {edge}/>'


def _series(plot: _Plot, one: Series, style: Style) -> str:
    coords = [(plot.x(p.day), plot.y(p.value)) for p in one.points]
    out = []
    if len(coords) > 1:
        path = " ".join(f"{_f(x)},{_f(y)}" for x, y in coords)
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{style.colour}" stroke-width="2.5" '
            f'stroke-linejoin="round"{dash}/>'
        )
    out += [marker(style.marker, x, y, style.colour) for x, y in coords]
    return '<g aria-hidden="true">' + "".join(out) + "</g>"


def _swatch(style: Style) -> str:
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    return (
        '<svg class="chart-swatch" viewBox="0 0 36 14" width="36" height="14" aria-hidden="true" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<line x1="1" y1="7" x2="35" y2="7" stroke="{style.colour}" stroke-width="2.5"{dash}/>'
        + marker(style.marker, 18, 7, style.colour, 4.5)
        + "</svg>"
    )


def _table(series: list[Series]) -> tuple[list[str], list[list[str]]]:
    columns = ["Date"]
    for one in series:
        columns.append(one.name)
        if one.note_heading:
            columns.append(one.note_heading)
    days = sorted({p.day for one in series for p in one.points})
    by_series = []
    for one in series:
        # The last point of a day stands for that day, as in the picture.
        by_series.append({p.day: p for p in one.points})
    rows = []
    for day in days:
        row = [day_label(day)]
        for one, points in zip(series, by_series, strict=True):
            point = points.get(day)
            row.append(number(point.value) if point else "–")
            if one.note_heading:
                row.append(point.note if point and point.note else "–")
        rows.append(row)
    return columns, rows


# --- Scatter and bar charts (the clinic figures) ---------------------------------------------


class _NumberPlot:
    """A plot whose x axis is a number (not a date); the y axis as in `_Plot`."""

    def __init__(self, x_min, x_max, y_min, y_max, *, left=LEFT, height=HEIGHT):
        self.x_min, self.x_max = x_min, x_max
        self.y_min, self.y_max = y_min, y_max
        self.left, self.right = left, WIDTH - RIGHT
        self.top, self.bottom = TOP, height - BOTTOM

    def x(self, value: float) -> float:
        share = (value - self.x_min) / (self.x_max - self.x_min)
        return self.left + (self.right - self.left) * share

    def y(self, value: float) -> float:
        share = (value - self.y_min) / (self.y_max - self.y_min)
        return self.bottom - (self.bottom - self.top) * share


def _number_x_axis(plot: _NumberPlot, x_label: str, *, grid: bool = False) -> str:
    step = nice_step(plot.x_max - plot.x_min)
    tick = math.ceil(plot.x_min / step) * step
    out = [
        f'<line x1="{_f(plot.left)}" y1="{_f(plot.bottom)}" x2="{_f(plot.right)}" '
        f'y2="{_f(plot.bottom)}" stroke="{INK}" stroke-width="1"/>'
    ]
    while tick <= plot.x_max + 1e-9:
        x = plot.x(tick)
        if grid:
            out.append(
                f'<line x1="{_f(x)}" y1="{_f(plot.top)}" x2="{_f(x)}" y2="{_f(plot.bottom)}" '
                f'stroke="{GRID}" stroke-width="1"/>'
            )
        out.append(
            f'<line x1="{_f(x)}" y1="{_f(plot.bottom)}" x2="{_f(x)}" y2="{_f(plot.bottom + 5)}" '
            f'stroke="{INK}" stroke-width="1"/>'
            f'<text x="{_f(x)}" y="{_f(plot.bottom + 5 + FONT_SIZE)}" text-anchor="middle" '
            f'fill="{INK}">{number(tick)}</text>'
        )
        tick += step
    middle = (plot.left + plot.right) / 2
    out.append(
        f'<text x="{_f(middle)}" y="{_f(plot.bottom + 8 + 2 * FONT_SIZE)}" text-anchor="middle" '
        f'fill="{INK}" font-size="{FONT_SIZE - 2}">{escape(x_label)}</text>'
    )
    return '<g aria-hidden="true">' + "".join(out) + "</g>"


def _svg(chart_id: str, title: str, description: str, parts: list[str], height=HEIGHT) -> str:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {_f(height)}" role="img" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        'xmlns="http://www.w3.org/2000/svg" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{FONT_SIZE}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )


def scatter_chart(
    *,
    chart_id: str,
    title: str,
    points: list[tuple[float, float]],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    x_label: str,
    y_label: str,
    columns: list[str],
    references: tuple[Reference, ...] = (),
    explanation: str = "",
) -> Chart:
    """One marker per (x, y) pair, e.g. one per client, on number axes; the table lists the
    pairs in order of x."""
    (x_min, x_max), (y_min, y_max) = x_range, y_range
    if x_max <= x_min or y_max <= y_min:
        raise ValueError("each axis needs its maximum above its minimum")
    plot = _NumberPlot(x_min, x_max, y_min, y_max)
    parts = [_y_axis(plot, y_label), _number_x_axis(plot, x_label, grid=True)]
    lines = [_reference(plot, ref) for ref in references]
    parts += [line for line, _ in lines]
    style = STYLES[0]
    markers = [
        marker(style.marker, plot.x(x), plot.y(y), style.colour, 4.5)
        for x, y in points
        if x_min <= x <= x_max and y_min <= y <= y_max
    ]
    parts.append('<g aria-hidden="true" fill-opacity="0.7">' + "".join(markers) + "</g>")
    labels = [label for _, label in lines if label]
    if labels:
        parts.append('<g aria-hidden="true">' + "".join(labels) + "</g>")
    sentences = [explanation] if explanation else []
    sentences.append(
        f"{len(points)} points, {x_label} across and {y_label} up."
        if points
        else "No points to show."
    )
    sentences += [f"A dashed line at {number(ref.value)}: {ref.label}." for ref in references]
    description = " ".join(sentences)
    rows = [[number(x), number(y)] for x, y in sorted(points)]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, parts),
        [],
        title,
        columns,
        rows,
        explanation,
    )


BAR_HEIGHT, BAR_GAP, GROUP_GAP, NAME_WIDTH = 14, 3, 16, 150


def bar_chart(
    *,
    chart_id: str,
    title: str,
    groups: list[str],
    bars: list[str],
    values: list[list[float | None]],
    x_label: str,
    missing: str = "too few to say",
    explanation: str = "",
) -> Chart:
    """Horizontal bars either side of zero: for each group (say a counselor) one bar per name
    in `bars` (say a subscale), each labelled with its name and value, so that neither colour
    nor position alone tells them apart. A group whose values are all None says `missing`."""
    if len(values) != len(groups) or any(len(row) != len(bars) for row in values):
        raise ValueError("one value per bar for every group")
    known = [abs(v) for row in values for v in row if v is not None]
    # Half as far again as the longest bar, so that its label fits beside it.
    reach = max([1.0, *known]) * 1.5
    step = nice_step(2 * reach)
    reach = math.ceil(reach / step) * step
    group_height = len(bars) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = TOP + max(1, len(groups)) * group_height + BOTTOM
    plot = _NumberPlot(-reach, reach, 0, 1, left=NAME_WIDTH, height=height)
    parts = [_number_x_axis(plot, x_label, grid=True)]
    zero = plot.x(0)
    shapes, words = [], []
    for index, (group, row) in enumerate(zip(groups, values, strict=True)):
        top = TOP + index * group_height
        middle = top + (len(bars) * (BAR_HEIGHT + BAR_GAP)) / 2
        words.append(label(NAME_WIDTH - 8, middle + 4, group, anchor="end", colour=INK))
        if all(v is None for v in row):
            words.append(label(zero + 6, middle + 4, missing))
            continue
        for position, (name, value) in enumerate(zip(bars, row, strict=True)):
            y = top + position * (BAR_HEIGHT + BAR_GAP)
            style = STYLES[position % len(STYLES)]
            if value is None:
                words.append(label(zero + 6, y + BAR_HEIGHT - 3, f"{name}: {missing}"))
                continue
            x = plot.x(value)
            left, width = min(x, zero), abs(x - zero)
            shapes.append(
                f'<rect x="{_f(left)}" y="{_f(y)}" width="{_f(max(width, 1))}" '
                f'height="{BAR_HEIGHT}" fill="{style.colour}"/>'
            )
            text = f"{name} {_signed(value)}"
            if value >= 0:
                words.append(label(max(x, zero) + 4, y + BAR_HEIGHT - 3, text))
            else:
                words.append(label(min(x, zero) - 4, y + BAR_HEIGHT - 3, text, anchor="end"))
    parts.append(
        f'<line x1="{_f(zero)}" y1="{_f(plot.top)}" x2="{_f(zero)}" y2="{_f(plot.bottom)}" '
        f'stroke="{INK}" stroke-width="1.5" aria-hidden="true"/>'
    )
    parts.append('<g aria-hidden="true">' + "".join(shapes) + "</g>")
    parts.append('<g aria-hidden="true">' + "".join(words) + "</g>")
    sentences = [explanation] if explanation else []
    for group, row in zip(groups, values, strict=True):
        if all(v is None for v in row):
            sentences.append(f"{group}: {missing}.")
            continue
        shown = ", ".join(
            f"{name} {missing if v is None else _signed(v)}"
            for name, v in zip(bars, row, strict=True)
        )
        sentences.append(f"{group}: {shown}.")
    description = " ".join(sentences)
    rows = [
        [group, *(missing if v is None else _signed(v) for v in row)]
        for group, row in zip(groups, values, strict=True)
    ]
    legend = [
        LegendEntry(name, STYLES[i % len(STYLES)], _bar_swatch(STYLES[i % len(STYLES)]))
        for i, name in enumerate(bars)
    ]
    return Chart(
        chart_id,
        title,
        description,
        _svg(chart_id, title, description, parts, height),
        legend,
        title,
        ["", *bars],
        rows,
        explanation,
    )


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + number(value)


def _bar_swatch(style: Style) -> str:
    return (
        '<svg class="chart-swatch" viewBox="0 0 36 14" width="36" height="14" aria-hidden="true" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<rect x="1" y="2" width="34" height="10" fill="{style.colour}"/></svg>'
    )
