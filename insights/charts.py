"""Server-rendered SVG charts of a model's evaluation (matplotlib, no JavaScript); each page also shows the data as a table."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


INK, PRIMARY, ACCENT, LINE = "#1b2024", "#0b4f6c", "#1d6b45", "#8a969e"


def _new_figure(figsize: tuple[float, float]) -> Figure:
    # Imported on the first chart, not at start-up: matplotlib costs every web process about a second to import.
    from matplotlib.figure import Figure

    return Figure(figsize=figsize)


def _svg(figure: Figure) -> str:
    from matplotlib import rc_context

    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    # The table next to the chart is its text alternative, so the drawing itself is hidden from screen readers.
    return text[text.index("<svg") :].replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def calibration_svg(curve: list[dict[str, float]], *, predicted: str, observed: str) -> str:
    figure = _new_figure((4.6, 3.6))
    axes = figure.subplots()
    axes.plot([0, 1], [0, 1], linestyle="--", color=LINE, linewidth=1)
    axes.plot(
        [point["predicted"] for point in curve],
        [point["observed"] for point in curve],
        marker="o",
        color=PRIMARY,
        linewidth=2,
    )
    top = max([0.1] + [max(p["predicted"], p["observed"]) for p in curve]) * 1.1
    axes.set_xlim(0, min(1, top))
    axes.set_ylim(0, min(1, top))
    axes.set_xlabel(predicted, color=INK)
    axes.set_ylabel(observed, color=INK)
    axes.grid(alpha=0.3)
    return _svg(figure)


def lift_svg(deciles: list[dict[str, Any]], *, decile: str, lift: str) -> str:
    figure = _new_figure((4.6, 3.6))
    axes = figure.subplots()
    axes.bar([row["decile"] for row in deciles], [row["lift"] for row in deciles], color=ACCENT)
    axes.axhline(1.0, color=LINE, linestyle="--", linewidth=1)
    axes.set_xticks(range(1, 11))
    axes.set_xlabel(decile, color=INK)
    axes.set_ylabel(lift, color=INK)
    axes.grid(axis="y", alpha=0.3)
    return _svg(figure)
