"""The effect of a campaign variant against the reference variant: the difference of two response proportions with a
Wald confidence interval and a two-proportion z-test, and the same in plain words (sv/en)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from scipy.stats import norm

# Below this many responses or non-responses in a variant the normal approximation behind the interval is rough
# (the usual rule of thumb for the Wald interval); the words say so.
ROUGH_BELOW = 5


@dataclass(frozen=True)
class Effect:
    """Variant minus reference, in proportions (0.042 is 4.2 percentage points)."""

    rate_reference: float
    rate_variant: float
    difference: float
    low: float | None  # None when the interval cannot be estimated (no spread: all or none responded in both)
    high: float | None
    p_value: float | None
    confidence: float
    rough: bool

    @property
    def reliable(self) -> bool:
        """The interval excludes 0. The verdict follows the interval, which the words show, not the p-value."""
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def two_proportion_difference(
    *,
    reached_reference: int,
    responses_reference: int,
    reached_variant: int,
    responses_variant: int,
    confidence: float = 0.95,
) -> Effect:
    """p_v − p_r with the Wald interval d ± z·√(p_r(1−p_r)/n_r + p_v(1−p_v)/n_v), z the normal quantile at
    (1 + confidence)/2, and the two-sided p-value of the pooled two-proportion z-test."""
    if reached_reference < 1 or reached_variant < 1:
        raise ValueError("each variant must have reached at least one person")
    for responses, reached in (
        (responses_reference, reached_reference),
        (responses_variant, reached_variant),
    ):
        if not 0 <= responses <= reached:
            raise ValueError("responses must lie between 0 and the number reached")
    p_r = responses_reference / reached_reference
    p_v = responses_variant / reached_variant
    difference = p_v - p_r
    se = math.sqrt(p_r * (1 - p_r) / reached_reference + p_v * (1 - p_v) / reached_variant)
    pooled = (responses_reference + responses_variant) / (reached_reference + reached_variant)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / reached_reference + 1 / reached_variant))
    rough = any(
        count < ROUGH_BELOW
        for count in (
            responses_reference,
            reached_reference - responses_reference,
            responses_variant,
            reached_variant - responses_variant,
        )
    )
    if se == 0:
        low = high = None
    else:
        z = float(norm.ppf((1 + confidence) / 2))
        low, high = difference - z * se, difference + z * se
    p_value = float(2 * norm.sf(abs(difference) / se_pooled)) if se_pooled > 0 else None
    return Effect(
        rate_reference=p_r,
        rate_variant=p_v,
        difference=difference,
        low=low,
        high=high,
        p_value=p_value,
        confidence=confidence,
        rough=rough,
    )


def points(proportion: float) -> str:
    """A proportion as percentage points with one decimal in the active language, with a real minus sign."""
    return number_format(round(100 * proportion, 1), decimal_pos=1).replace("-", "\u2212")


def describe_effect(effect: Effect, *, variant: str, reference: str) -> str:
    """One sentence: how many percentage points more or fewer responses, the interval, and whether it is reliable."""
    level = number_format(round(100 * effect.confidence))
    size = points(abs(effect.difference))
    if effect.low is None or effect.high is None:
        return _(
            "Variant %(variant)s and %(reference)s cannot be compared yet: all or none responded in both, so the "
            "difference (%(size)s percentage points) has no interval."
        ) % {"variant": variant, "reference": reference, "size": size}
    values = {
        "variant": variant,
        "reference": reference,
        "size": size,
        "level": level,
        "low": points(effect.low),
        "high": points(effect.high),
    }
    if round(100 * effect.difference, 1) == 0:
        head = (
            _(
                "Variant %(variant)s got as large a share of responses as %(reference)s (%(level)s %% CI %(low)s to "
                "%(high)s percentage points)"
            )
            % values
        )
    elif effect.difference > 0:
        head = (
            _(
                "Variant %(variant)s got %(size)s percentage points more responses than %(reference)s (%(level)s %% CI "
                "%(low)s to %(high)s)"
            )
            % values
        )
    else:
        head = (
            _(
                "Variant %(variant)s got %(size)s percentage points fewer responses than %(reference)s (%(level)s %% CI "
                "%(low)s to %(high)s)"
            )
            % values
        )
    if effect.reliable:
        verdict = _("the difference is statistically reliable.")
    else:
        verdict = _("the interval includes 0: no reliable difference.")
    sentence = f"{head}; {verdict}"
    if effect.rough:
        sentence += " " + _("Few responses or non-responses in a variant: the interval is only approximate.")
    return sentence
