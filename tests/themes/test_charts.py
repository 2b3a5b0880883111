"""The shared SVG chart stack (themes.charts): the kinds the model report uses, a line on numeric axes and reference lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.utils import translation

from themes.charts import Chart, ChartKind, Series, describe, svg, table_body


@pytest.fixture(autouse=True)
def _swedish() -> Iterator[None]:
    with translation.override("sv"):
        yield


def _calibration() -> Chart:
    return Chart(
        key="cal",
        title="Kalibrering",
        kind="line",
        category_header="Förutsagd sannolikhet",
        categories=("0,1", "0,3", "0,6"),
        positions=(0.1, 0.3, 0.6),
        series=(Series("Andel som flyttade", (0.12, 0.25, 0.66)),),
        reference="diagonal",
        decimals=3,
    )


def test_a_line_chart_puts_each_point_at_its_position_on_a_shared_scale_with_the_diagonal() -> None:
    markup = str(svg(_calibration()))
    circles = [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', markup)]
    assert len(circles) == 3
    # x grows with the position, y with the observed share (SVG y grows downwards).
    assert circles[0][0] < circles[1][0] < circles[2][0]
    assert circles[0][1] > circles[1][1] > circles[2][1]
    # With the diagonal both axes share one scale: a point on y = x lies on the dashed line.
    diagonal = re.search(
        r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"[^>]*stroke-dasharray="6 4"', markup
    )
    assert diagonal
    left, base, right, top = map(float, diagonal.groups())
    scale = 0.66 * 1.1  # the larger of the two axes' maxima with headroom; the diagonal runs to its corner
    assert circles[2][0] == pytest.approx(left + (right - left) * 0.6 / scale, abs=0.2)
    assert circles[2][1] == pytest.approx(base - (base - top) * 0.66 / scale, abs=0.2)
    assert 'role="img"' in markup
    assert "<polyline" in markup


@pytest.mark.parametrize(
    ("kind", "positions", "values", "match"),
    [
        ("bars", (), (1.0,), "values"),  # a series of the wrong length
        ("line", (0.1,), (1.0, 2.0), "position"),  # a line chart needs one position per row
    ],
)
def test_a_chart_whose_lengths_disagree_with_its_rows_is_refused(
    kind: ChartKind, positions: tuple[float, ...], values: tuple[float, ...], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        Chart(
            key="bad",
            title="t",
            kind=kind,
            category_header="c",
            categories=("a", "b"),
            positions=positions,
            series=(Series("s", values),),
        )


def _lift(*series: Series, reference: float | None = None) -> Chart:
    return Chart(
        key="lift",
        title="Lyft",
        kind="columns",
        category_header="Decil",
        categories=("1", "2"),
        series=series,
        reference=reference,
        decimals=2,
    )


def test_columns_with_a_reference_draw_it_dashed_and_scale_to_include_it() -> None:
    chart = _lift(Series("Lyft", (0.5, 0.8)), reference=1.0)
    markup = str(svg(chart))
    line = re.search(r'<line x1="[\d.]+" y1="([\d.]+)"[^>]*stroke-dasharray="6 4"', markup)
    assert line
    # The axis tops out at the reference (1.0): the reference line is at the top tick (y 20), above every column.
    assert float(line.group(1)) == pytest.approx(20.0)
    assert "1,00" in markup  # the top tick, in Swedish format


def test_a_table_only_series_is_in_the_table_and_description_but_not_drawn() -> None:
    chart = _lift(Series("Lyft", (2.0, 0.5)), Series("Flyttade (%)", (40.0, 10.0), decimals=1, drawn=False))
    markup = str(svg(chart))
    assert markup.count("<rect") == 1 + 2  # the one legend key and the two columns of the drawn series
    assert "Flyttade" not in markup.split("</desc>")[1]  # no legend entry for the table-only series
    body = str(table_body(chart))
    assert '<td class="num">2,00</td><td class="num">40,0</td>' in body
    assert chart.maximum == 2.0  # the scale ignores the series that is not drawn
    assert "40,0" in describe(chart)
