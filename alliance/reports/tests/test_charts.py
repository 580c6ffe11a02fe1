"""The SVG charts: readable without colour, described in words, with the same numbers as a
table, and nothing a content security policy or a PDF renderer would refuse."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from alliance.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
JAN = datetime.date(2026, 1, 5)


def day(n):
    return JAN + datetime.timedelta(days=7 * n)


def mood_chart(**overrides):
    arguments = dict(
        chart_id="chart-mood",
        title="Mood over time",
        series=[
            charts.Series(
                "Total score",
                (charts.Point(day(0), 17, "Moderately severe"), charts.Point(day(4), 5, "Mild")),
                note_heading="Range",
            )
        ],
        y_min=0,
        y_max=27,
        y_label="Total score",
        references=(charts.Reference(10, "Caseness line: 10"),),
        bands=(
            charts.Band(0, 5, "Minimal"),
            charts.Band(5, 10, "Mild"),
            charts.Band(10, 15, "Moderate"),
            charts.Band(15, 20, "Moderately severe"),
            charts.Band(20, 28, "Severe"),
        ),
        explanation="Lower is better.",
    )
    arguments.update(overrides)
    return charts.line_chart(**arguments)


def parse(chart):
    return ET.fromstring(chart.svg)


def test_it_is_an_image_named_and_described_in_words():
    chart = mood_chart()
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-mood-title"
    assert root.get("aria-describedby") == "chart-mood-desc"
    assert root.find(f"{SVG}title").text == "Mood over time"
    description = root.find(f"{SVG}desc").text
    assert description.startswith("Lower is better.")
    assert "from 17 on 5 Jan 2026 to 5 on 2 Feb 2026" in description
    assert "A dashed line at 10: Caseness line: 10." in description
    assert "Mild 5 to 9" in description and "Severe 20 to 27" in description


def test_it_draws_the_caseness_line_with_its_label_and_names_the_bands():
    root = parse(mood_chart())
    words = [text.text for text in root.iter(f"{SVG}text")]
    assert "Caseness line: 10" in words
    for band in ("Minimal", "Mild", "Moderate", "Severe"):
        assert band in words
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray") == "8 4"]
    assert len(dashed) == 1
    # y = 10 on a 0–27 axis between the plot's top (14) and bottom (236).
    assert float(dashed[0].get("y1")) == pytest.approx(236 - 222 * 10 / 27, abs=0.1)


def test_it_tells_series_apart_by_marker_and_dash_not_only_colour():
    series = [
        charts.Series(name, (charts.Point(day(0), 40 + n), charts.Point(day(2), 44 + n)))
        for n, name in enumerate(["Your answers", "What Maya expected", "Bond"])
    ]
    chart = charts.line_chart(
        chart_id="c", title="t", series=series, y_min=12, y_max=60, y_label="Total"
    )
    root = parse(chart)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len({line.get("stroke") for line in lines}) == 3
    assert len({line.get("stroke-dasharray") for line in lines}) == 3
    shapes = {element.tag for element in root.iter() if element.get("stroke") == "#ffffff"}
    assert {f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon"} <= shapes
    assert [entry.name for entry in chart.legend] == [s.name for s in series]
    assert "dashed line, square markers" in chart.description


def test_it_gives_the_same_numbers_as_a_table():
    chart = mood_chart()
    assert chart.caption == "Mood over time"
    assert chart.columns == ["Date", "Total score", "Range"]
    assert chart.rows == [
        ["5 Jan 2026", "17", "Moderately severe"],
        ["2 Feb 2026", "5", "Mild"],
    ]


def test_it_lines_up_several_series_by_date_in_the_table():
    chart = charts.line_chart(
        chart_id="c",
        title="Working together",
        series=[
            charts.Series("Client", (charts.Point(day(0), 36), charts.Point(day(1), 48))),
            charts.Series("Prediction", (charts.Point(day(1), 50.5),)),
        ],
        y_min=12,
        y_max=60,
        y_label="Total",
    )
    assert chart.rows == [["5 Jan 2026", "36", "–"], ["12 Jan 2026", "48", "50.5"]]


def test_it_escapes_words_and_uses_no_style_attributes_or_scripts():
    chart = mood_chart(title='<script>alert("x")</script> & more')
    assert "<script>" not in chart.svg
    assert "&lt;script&gt;" in chart.svg
    root = parse(chart)
    assert all(element.get("style") is None for element in root.iter())


def test_it_keeps_every_point_inside_the_plot_on_a_fixed_period():
    chart = mood_chart(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))
    root = parse(chart)
    for circle in root.iter(f"{SVG}circle"):
        assert charts.LEFT <= float(circle.get("cx")) <= charts.WIDTH - charts.RIGHT
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert {"Jan", "Mar", "May"} <= set(labels)


def test_it_draws_a_single_point():
    chart = charts.line_chart(
        chart_id="c",
        title="t",
        series=[charts.Series("Total", (charts.Point(JAN, 9),))],
        y_min=0,
        y_max=21,
        y_label="Total",
    )
    assert "one point, 9 on 5 Jan 2026" in chart.description
    assert len(list(parse(chart).iter(f"{SVG}circle"))) == 1


def test_it_refuses_an_empty_y_range():
    with pytest.raises(ValueError):
        mood_chart(y_min=10, y_max=10)


@pytest.mark.parametrize(
    "first, last, expected",
    [
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 8), 8),
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 1), 9),
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), 4),
    ],
)
def test_it_places_date_ticks_on_calendar_boundaries(first, last, expected):
    ticks = charts.date_ticks(first, last)
    assert len(ticks) <= expected
    assert all(first <= tick <= last for tick in ticks)
    if (last - first).days > 100:
        assert all(tick.day == 1 for tick in ticks)
    elif (last - first).days > 14:
        assert all(tick.weekday() == 0 for tick in ticks)
