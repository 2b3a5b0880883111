"""The model report's charts (calibration, lift by decile) as values of the portal's one SVG chart stack (themes.charts):
each draws as accessible SVG and fills its data table from the same numbers."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from themes.charts import Chart, Series


def calibration_chart(curve: list[dict[str, float]]) -> Chart:
    """Mean predicted probability against the share who relocated, per tenth of the scores; y = x is perfect."""
    return Chart(
        key="calibration",
        title=_("Calibration"),
        kind="line",
        category_header=_("Predicted probability"),
        # The rows are the points, labelled by their predicted probability in the active language's format.
        categories=tuple(number_format(point["predicted"], 3) for point in curve),
        positions=tuple(float(point["predicted"]) for point in curve),
        series=(Series(_("Share who relocated"), tuple(float(point["observed"]) for point in curve)),),
        reference="diagonal",
        decimals=3,
        note=_(
            "Predicted probability against the share who actually relocated, by tenth of the scores. "
            "The dashed line is perfect calibration."
        ),
    )


def lift_chart(deciles: list[dict[str, Any]]) -> Chart:
    """How many times the overall relocation rate each tenth of prospects has, highest scores first; 1 = no better."""
    return Chart(
        key="lift",
        title=_("Lift by decile"),
        kind="columns",
        category_header=_("Decile (1 = highest scores)"),
        categories=tuple(str(row["decile"]) for row in deciles),
        series=(
            Series(_("Lift"), tuple(float(row["lift"]) for row in deciles)),
            Series(
                _("Relocated (%)"),
                tuple(float(row["rate"]) * 100 for row in deciles),
                decimals=1,
                drawn=False,
            ),
        ),
        reference=1.0,
        decimals=2,
        note=_(
            "How many times more common relocation is in each tenth of prospects, highest scores first, than overall. "
            "The dashed line is 1: no better than picking at random."
        ),
    )
