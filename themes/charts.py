"""The portal's one chart stack: charts as data, drawn as accessible server-side SVG (no JavaScript, no CDN), described in
words for screen readers. The dashboard and the insights model report both draw with it, so it lives in the bottom layer.

Each chart is one `Chart` value: the same object draws the SVG, fills the data table next to it and is written to CSV and
XLSX, so the picture, the table and the downloads cannot disagree. Why hand-drawn SVG rather than matplotlib:
docs/adr/0015-dashboard-charts-and-cache.md.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

ChartKind = Literal["bars", "stacked", "columns", "funnel", "matrix", "line"]

# Marks need 3:1 against white (WCAG 1.4.11); every colour here has at least 4.5:1, so text in them is legible too.
PALETTE = ("#0b4f6c", "#1d6b45", "#8a4b00", "#6a3d9a", "#a4161a", "#2f5f8a", "#5b6b00")
INK = "#1b2024"
MUTED = "#4d5861"
GRID = "#d5dbd7"
WIDTH = 640
LABEL_CHARS = 34  # longer category labels are shortened in the picture; the data table has them in full
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]
    # Decimals of this series where they differ from the chart's (a share next to a ratio).
    decimals: int | None = None
    # False: the series is in the data table and the downloads only, not drawn (a figure in another unit).
    drawn: bool = True


@dataclass(frozen=True)
class Chart:
    """One chart's data: rows are `categories`, columns are `series`; None is a suppressed or missing value."""

    key: str
    title: str
    kind: ChartKind
    category_header: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    note: str = ""
    decimals: int = 0
    # Row links (e.g. a municipality's page) for the data table; empty when rows are not pages.
    links: tuple[str, ...] = field(default=())
    # "line": the x value of each category (the categories are their labels), drawn on a numeric axis.
    positions: tuple[float, ...] = field(default=())
    # A dashed reference: a value on the y axis ("columns", e.g. lift 1 = no better than chance), or "diagonal"
    # for y = x ("line", e.g. perfect calibration).
    reference: float | Literal["diagonal"] | None = None

    def __post_init__(self) -> None:
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(
                    f"series {s.label!r} has {len(s.values)} values for {len(self.categories)} rows"
                )
        if self.kind == "line" and len(self.positions) != len(self.categories):
            raise ValueError(f"a line chart needs one position per row, got {len(self.positions)}")

    @property
    def drawn(self) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.drawn)

    @property
    def rows(self) -> list[tuple[str, list[float | None]]]:
        return [(c, [s.values[i] for s in self.series]) for i, c in enumerate(self.categories)]

    @property
    def headers(self) -> list[str]:
        return [self.category_header, *(s.label for s in self.series)]

    @property
    def maximum(self) -> float:
        drawn = self.drawn
        if self.kind == "stacked":
            return max(
                (sum(s.values[i] or 0 for s in drawn) for i in range(len(self.categories))), default=0.0
            )
        return max((v for s in drawn for v in s.values if v is not None), default=0.0)

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(not v for s in self.series for v in s.values)

    def format(self, value: float | None, decimals: int | None = None) -> str:
        if value is None:
            return "–"
        places = self.decimals if decimals is None else decimals
        decimal_separator, thousand_separator, grouping = _number_separators(get_language() or "sv")
        # Rounded here: numberformat cuts a float's decimals off (0.5556 would show as 55,5 %, not 55,6 %).
        return numberformat.format(
            round(value, places),
            decimal_separator,
            decimal_pos=places,
            grouping=grouping,
            thousand_sep=thousand_separator,
            force_grouping=True,
        )


@functools.cache
def _number_separators(language: str) -> tuple[str, str, int]:
    """What django.utils.formats.number_format looks up on every call, once per language: a dashboard formats
    hundreds of numbers per page, and the lookups took as long as the formatting."""
    return (
        get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        get_format("NUMBER_GROUPING", language, use_l10n=True),
    )


HEAT_STEPS = 5


def table_body(chart: Chart) -> SafeString:
    """The data table's rows as HTML (built here rather than in a template loop: a matrix has a hundred cells).

    Row labels link to their page where the chart has links; a matrix's cells carry a heat class 0–5 for their shade.
    """
    top = chart.maximum or 1.0
    links = chart.links or ("",) * len(chart.categories)
    rows = []
    for link, (label, values) in zip(links, chart.rows, strict=True):
        head = format_html('<a href="{}">{}</a>', link, label) if link else escape(label)
        cells = "".join(
            f'<td class="num{_heat_class(chart, v, top)}">{escape(chart.format(v, s.decimals))}</td>'
            for s, v in zip(chart.series, values, strict=True)
        )
        rows.append(f'<tr><th scope="row">{head}</th>{cells}</tr>')
    return mark_safe("".join(rows))  # every label and value above is escaped


def _heat_class(chart: Chart, value: float | None, top: float) -> str:
    if chart.kind != "matrix":
        return ""
    return f" heat-{0 if not value else round(min(value / top, 1.0) * HEAT_STEPS)}"


def describe(chart: Chart) -> str:
    """A text alternative: what the chart shows and its notable values, in the active language."""
    if chart.is_empty:
        return _("%(title)s: no data yet.") % {"title": chart.title}
    parts = [
        _("%(title)s, %(rows)d rows.") % {"title": chart.title, "rows": len(chart.categories)},
    ]
    for s in chart.series:
        known = [(v, c) for v, c in zip(s.values, chart.categories, strict=True) if v is not None]
        if not known:
            continue
        high = max(known, key=lambda item: item[0])
        low = min(known, key=lambda item: item[0])
        parts.append(
            _("%(series)s: highest %(high_label)s (%(high)s), lowest %(low_label)s (%(low)s).")
            % {
                "series": s.label,
                "high_label": high[1],
                "high": chart.format(high[0], s.decimals),
                "low_label": low[1],
                "low": chart.format(low[0], s.decimals),
            }
        )
    if any(v is None for s in chart.series for v in s.values):
        parts.append(_("A dash marks a suppressed or missing value."))
    parts.append(_("The full figures are in the table."))
    return " ".join(parts)


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12, fill: str = INK) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {FONT}>'
        f"{escape(content)}</text>"
    )


def _label_width(chart: Chart) -> float:
    """Room for the longest category label (about 7 units per character at font size 12), within limits."""
    longest = max((len(_clip(c)) for c in chart.categories), default=8)
    return min(max(longest * 7.2 + 16, 90.0), 260.0)


def _clip(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _legend(series: Sequence[Series], y: float, left: float) -> tuple[list[str], float]:
    """Colour keys in rows that wrap at the chart's width; returns the parts and the y below the last row."""
    parts, x = [], left
    for i, s in enumerate(series):
        width = 28 + 7.0 * len(_clip(s.label, 40))
        if x + width > WIDTH and x > left:
            x, y = left, y + 18
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(_text(x + 16, y, _clip(s.label, 40), size=11))
        x += width
    return parts, y + 8


def _drawn_rows(chart: Chart) -> list[tuple[str, list[float | None]]]:
    drawn = chart.drawn
    return [(c, [s.values[i] for s in drawn]) for i, c in enumerate(chart.categories)]


def _bars(chart: Chart) -> tuple[list[str], float]:
    """Horizontal bars; several series are drawn side by side (grouped), one colour each."""
    left = _label_width(chart)
    n = len(chart.drawn)
    bar = 14 if n > 1 else 18
    row = bar * n + 10
    plot = WIDTH - left - 60
    top = chart.maximum or 1.0
    parts: list[str] = []
    y = 8.0
    for label, values in _drawn_rows(chart):
        parts.append(_text(left - 8, y + row / 2 - 2, _clip(label), anchor="end"))
        for j, v in enumerate(values):
            by = y + j * bar
            if v is None:
                parts.append(_text(left + 4, by + bar - 4, "–", fill=MUTED))
                continue
            w = plot * (v / top)
            colour = PALETTE[j % len(PALETTE)]
            parts.append(
                f'<rect x="{left}" y="{by:.1f}" width="{w:.1f}" height="{bar - 2}" fill="{colour}"/>'
            )
            parts.append(_text(left + w + 4, by + bar - 5, chart.format(v), size=11))
        y += row
    if n > 1:
        legend, y = _legend(chart.drawn, y + 14, left)
        parts += legend
    return parts, y + 8


def _stacked(chart: Chart) -> tuple[list[str], float]:
    left = _label_width(chart)
    row, bar = 26, 18
    plot = WIDTH - left - 50
    top = chart.maximum or 1.0
    parts: list[str] = []
    y = 8.0
    for label, values in _drawn_rows(chart):
        parts.append(_text(left - 8, y + bar - 4, _clip(label), anchor="end"))
        x = float(left)
        for j, v in enumerate(values):
            if not v:
                continue
            w = plot * (v / top)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar}" '
                f'fill="{PALETTE[j % len(PALETTE)]}" stroke="#fff" stroke-width="1"/>'
            )
            x += w
        total = sum(v or 0 for v in values)
        parts.append(_text(x + 4, y + bar - 4, chart.format(total), size=11))
        y += row
    legend, y = _legend(chart.drawn, y + 14, left)
    return parts + legend, y + 8


def _columns(chart: Chart) -> tuple[list[str], float]:
    """Vertical grouped columns, for series over time (months)."""
    height, base = 220.0, 190.0
    left = 40.0
    n = len(chart.drawn)
    slot = (WIDTH - left - 10) / max(len(chart.categories), 1)
    col = max(min((slot - 6) / max(n, 1), 26.0), 3.0)
    reference = chart.reference if isinstance(chart.reference, float | int) else None
    top = max(chart.maximum, reference or 0.0) or 1.0
    parts = [f'<line x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{GRID}"/>']
    for tick in (0.5, 1.0):
        ty = base - (base - 20) * tick
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{WIDTH - 10}" y2="{ty:.1f}" stroke="{GRID}" stroke-dasharray="3 3"/>'
        )
        parts.append(_text(left - 4, ty + 4, chart.format(top * tick), anchor="end", size=10, fill=MUTED))
    for i, (label, values) in enumerate(_drawn_rows(chart)):
        x0 = left + i * slot + (slot - col * n) / 2
        for j, v in enumerate(values):
            if not v:
                continue
            h = (base - 20) * (v / top)
            parts.append(
                f'<rect x="{x0 + j * col:.1f}" y="{base - h:.1f}" width="{col - 1:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            )
        parts.append(
            _text(left + i * slot + slot / 2, base + 14, label, anchor="middle", size=10, fill=MUTED)
        )
    if reference is not None:
        # Drawn over the columns, in ink: it is the line the reader compares every column with.
        ry = base - (base - 20) * (reference / top)
        parts.append(
            f'<line x1="{left}" y1="{ry:.1f}" x2="{WIDTH - 10}" y2="{ry:.1f}" stroke="{INK}" stroke-width="1.5" '
            f'stroke-dasharray="6 4"/>'
        )
    legend, y = _legend(chart.drawn, height + 4, left)
    return parts + legend, y + 8


def _line(chart: Chart) -> tuple[list[str], float]:
    """Points joined by a line on two numeric axes from 0 (x from `positions`), e.g. a calibration curve; with
    `reference="diagonal"` both axes share one scale and the dashed y = x line is drawn."""
    left, right, top_y, base = 64.0, WIDTH - 16.0, 12.0, 292.0
    drawn = chart.drawn
    x_top = max(chart.positions, default=0.0)
    y_top = chart.maximum
    if chart.reference == "diagonal":
        x_top = y_top = max(x_top, y_top)
    # A little headroom, and never a zero-width axis.
    x_top, y_top = (x_top or 1.0) * 1.1, (y_top or 1.0) * 1.1

    def px(x: float) -> float:
        return left + (right - left) * x / x_top

    def py(y: float) -> float:
        return base - (base - top_y) * y / y_top

    axis_decimals = drawn[0].decimals if drawn else None
    parts = [
        f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{MUTED}"/>',
        f'<line x1="{left}" y1="{top_y}" x2="{left}" y2="{base}" stroke="{MUTED}"/>',
    ]
    for tick in (0.25, 0.5, 0.75, 1.0):
        tx, ty = px(x_top / 1.1 * tick), py(y_top / 1.1 * tick)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{right}" y2="{ty:.1f}" stroke="{GRID}" stroke-dasharray="3 3"/>'
        )
        parts.append(
            _text(
                left - 6,
                ty + 4,
                chart.format(y_top / 1.1 * tick, axis_decimals),
                anchor="end",
                size=10,
                fill=MUTED,
            )
        )
        parts.append(
            _text(tx, base + 16, chart.format(x_top / 1.1 * tick), anchor="middle", size=10, fill=MUTED)
        )
    parts.append(_text(left - 6, base + 16, chart.format(0), anchor="end", size=10, fill=MUTED))
    if chart.reference == "diagonal":
        end = min(x_top, y_top)
        parts.append(
            f'<line x1="{px(0):.1f}" y1="{py(0):.1f}" x2="{px(end):.1f}" y2="{py(end):.1f}" stroke="{INK}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    for j, s in enumerate(drawn):
        colour = PALETTE[j % len(PALETTE)]
        points = [(px(x), py(v)) for x, v in zip(chart.positions, s.values, strict=True) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>' for x, y in points]
    parts.append(_text((left + right) / 2, base + 36, _clip(chart.category_header, 60), anchor="middle"))
    y = base + 36
    if drawn:
        # The y axis is named in the legend: a rotated label would be read from the side.
        legend, y = _legend(drawn, y + 22, left)
        parts += legend
    return parts, y + 8


def _funnel(chart: Chart) -> tuple[list[str], float]:
    """Centred bars narrowing from the first stage to the last (the AIDA funnel); the first series only."""
    left = _label_width(chart)
    values = chart.drawn[0].values if chart.drawn else ()
    top = chart.maximum or 1.0
    plot = WIDTH - left - 20
    centre = left + plot / 2
    parts: list[str] = []
    y = 6.0
    for i, (label, v) in enumerate(zip(chart.categories, values, strict=True)):
        parts.append(_text(left - 8, y + 20, _clip(label), anchor="end"))
        if v is None:
            parts.append(_text(centre, y + 20, "–", anchor="middle", fill=MUTED))
        else:
            w = max(plot * (v / top), 2.0)
            parts.append(
                f'<rect x="{centre - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" height="30" rx="3" '
                f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            )
            # The count sits below a narrow bar instead of inside it, where it would not fit.
            inside = w > 60
            parts.append(
                _text(
                    centre,
                    y + 20 if inside else y + 44,
                    chart.format(v),
                    anchor="middle",
                    fill="#fff" if inside else INK,
                    size=12,
                )
            )
            if not inside:
                y += 14
        y += 38
    return parts, y + 4


_DRAW = {"bars": _bars, "stacked": _stacked, "columns": _columns, "funnel": _funnel, "line": _line}


def svg(chart: Chart) -> SafeString:
    """The chart as inline SVG with a title and a description that screen readers announce (role="img")."""
    if chart.kind == "matrix" or chart.is_empty:
        # A matrix is drawn as a shaded table (the heat map is the data table); an empty chart draws nothing.
        return mark_safe("")
    parts, height = _DRAW[chart.kind](chart)
    ident = f"chart-{chart.key}"
    body = "".join(parts)
    markup = (
        f'<svg class="chart__svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(describe(chart))}</desc>'
        f'<g aria-hidden="true">{body}</g></svg>'
    )
    return mark_safe(markup)


def svg_size(markup: str) -> tuple[float, float]:
    """Width and height from an SVG made by `svg` (its viewBox)."""
    start = markup.index('viewBox="') + len('viewBox="')
    _x, _y, width, height = markup[start : markup.index('"', start)].split()
    return float(width), float(height)
