"""How insights shows numbers and codes to people: scores as a chance in percent, the model's honest comparison with
the visits-only baseline, and the import format's enumeration codes in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What a score is, said wherever one is shown.
SCORE_MEANING = gettext_lazy("estimated chance of moving within the horizon of the training data")
SCORE_HEADING = gettext_lazy("Chance of moving")

# The import format's codes (insights.scoring.schema), as the reader's language names them.
ENUM_LABELS: dict[str, dict[str, Promise]] = {
    "household": {
        "single": gettext_lazy("single"),
        "couple": gettext_lazy("couple"),
        "family": gettext_lazy("family"),
    },
    "season": {
        "winter": gettext_lazy("winter"),
        "summer": gettext_lazy("summer"),
        "both": gettext_lazy("winter and summer"),
    },
    "remote_work": {
        "yes": gettext_lazy("yes"),
        "no": gettext_lazy("no"),
        "unknown": gettext_lazy("unknown"),
    },
    "profession": {
        "care": gettext_lazy("health and social care"),
        "education": gettext_lazy("education"),
        "engineering": gettext_lazy("engineering"),
        "it": gettext_lazy("IT"),
        "trades": gettext_lazy("skilled trades"),
        "hospitality": gettext_lazy("hospitality and tourism"),
        "other": gettext_lazy("another field"),
    },
}


def enum_label(column: str, code: Any) -> str:
    """The translated word for an enumeration code of the import format; the code itself when it has none."""
    label = ENUM_LABELS.get(column, {}).get(str(code))
    return str(label) if label is not None else str(code)


def probability_percent(value: float | None) -> str:
    """A calibrated probability as a whole percent in the active language's number format ("73 %"); "< 1 %" for a
    small chance that is not zero, "–" for no score."""
    if value is None:
        return "–"
    percent = 100 * float(value)
    if 0 < percent < 0.5:
        return "<\u00a01\u00a0%"
    return f"{formats.number_format(round(percent), 0, use_l10n=True)}\u00a0%"


def signed_number(value: float, decimals: int = 3) -> str:
    """A number in the active language's format with a real minus sign (U+2212)."""
    text = formats.number_format(abs(value), decimals, use_l10n=True)
    return f"\u2212{text}" if value < 0 and float(text.replace(",", ".")) != 0 else text


def baseline_comparison(metrics: dict[str, Any]) -> dict[str, Any] | None:
    """The model's ROC AUC against counting visits, in plain words; None for a model trained before the intervals
    were computed. `beats` is False when the 95 % interval of the difference includes 0 (or lies below it)."""
    honest = metrics.get("roc_auc_vs_baseline") if metrics else None
    if not honest:
        return None
    low, high = honest["difference_ci"]
    values = {
        "difference": signed_number(honest["difference"]),
        "low": signed_number(low),
        "high": signed_number(high),
    }
    if honest["beats_baseline"]:
        text = (
            _(
                "The model ranks movers better than simply counting visits (difference %(difference)s, "
                "95 %% CI %(low)s to %(high)s)."
            )
            % values
        )
    else:
        text = (
            _(
                "The model is not reliably better than simply counting visits (difference %(difference)s, "
                "95 %% CI %(low)s to %(high)s)."
            )
            % values
        )
    return {"beats": bool(honest["beats_baseline"]), "text": text}


def interval(pair: list[float] | None, decimals: int = 3) -> str:
    """A confidence interval as "0,71–0,75" in the active language."""
    if not pair:
        return "–"
    return f"{signed_number(pair[0], decimals)}\u2013{signed_number(pair[1], decimals)}"
