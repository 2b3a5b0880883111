"""The campaign effect against a hand computation: the Wald interval of a difference of two proportions and the
pooled two-proportion z-test, and the words for it in Swedish and English."""

from __future__ import annotations

import math

import pytest
from django.utils import translation

from campaigns.effect import describe_effect, two_proportion_difference

# Variant A reached 2,000 and 120 responded; variant B reached 2,400 and 204 responded.
#   p_A = 120 / 2000 = 0.060            p_B = 204 / 2400 = 0.085            d = p_B − p_A = 0.025
#   SE  = √(0.06·0.94/2000 + 0.085·0.915/2400) = √(0.0000282 + 0.00003240625) = √0.00006060625 = 0.0077850
#   z   = Φ⁻¹(0.975) = 1.959964
#   95 % CI = 0.025 ± 1.959964 · 0.0077850 = 0.025 ± 0.0152583 = (0.0097417, 0.0402583), i.e. 1.0 to 4.0 points
#   pooled p = 324/4400 = 0.0736364; SE₀ = √(0.0736364·0.9263636·(1/2000 + 1/2400)) = 0.0079076
#   z = 0.025 / 0.0079076 = 3.1615; two-sided p = 2·(1 − Φ(3.1615)) = 0.00157


def test_the_difference_and_its_interval_match_the_hand_computation() -> None:
    effect = two_proportion_difference(
        reached_reference=2000, responses_reference=120, reached_variant=2400, responses_variant=204
    )
    assert effect.rate_reference == pytest.approx(0.060)
    assert effect.rate_variant == pytest.approx(0.085)
    assert effect.difference == pytest.approx(0.025)
    se = math.sqrt(0.06 * 0.94 / 2000 + 0.085 * 0.915 / 2400)
    assert se == pytest.approx(0.0077850, abs=1e-7)
    assert effect.low == pytest.approx(0.025 - 1.959964 * se, abs=1e-6)
    assert effect.high == pytest.approx(0.025 + 1.959964 * se, abs=1e-6)
    assert effect.low == pytest.approx(0.0097417, abs=1e-6)
    assert effect.high == pytest.approx(0.0402583, abs=1e-6)
    assert effect.p_value == pytest.approx(0.00157, abs=1e-5)
    assert effect.reliable


def test_an_interval_that_includes_zero_is_no_reliable_difference() -> None:
    # A: 40 of 500 (8.0 %), B: 48 of 500 (9.6 %): d = 0.016, SE = √(0.08·0.92/500 + 0.096·0.904/500) = 0.0179100,
    # CI = 0.016 ± 1.959964·0.0179100 = (−0.0191029, 0.0511029); pooled z = 0.8930, p = 0.3719.
    effect = two_proportion_difference(
        reached_reference=500, responses_reference=40, reached_variant=500, responses_variant=48
    )
    assert effect.low == pytest.approx(-0.0191029, abs=1e-6)
    assert effect.high == pytest.approx(0.0511029, abs=1e-6)
    assert effect.p_value == pytest.approx(0.3719, abs=1e-4)
    assert not effect.reliable


@pytest.mark.parametrize(
    ("language", "counts_a", "counts_b", "sentence"),
    [
        (
            "sv",
            (2000, 120),
            (2400, 204),
            "Variant B gav 2,5 procentenheter fler svar än A (95 % KI 1,0 till 4,0); skillnaden är statistiskt säker.",
        ),
        (
            "en",
            (500, 48),
            (500, 40),
            "Variant B got 1.6 percentage points fewer responses than A (95 % CI \u22125.1 to 1.9); "
            "the interval includes 0: no reliable difference.",
        ),
    ],
    ids=["Swedish: points, interval and verdict", "English: the interval includes zero"],
)
def test_the_sentence_gives_points_interval_and_verdict(
    language: str, counts_a: tuple[int, int], counts_b: tuple[int, int], sentence: str
) -> None:
    """Variant A is the reference; each count is (reached, responses)."""
    effect = two_proportion_difference(
        reached_reference=counts_a[0],
        responses_reference=counts_a[1],
        reached_variant=counts_b[0],
        responses_variant=counts_b[1],
    )
    with translation.override(language):
        assert describe_effect(effect, variant="B", reference="A") == sentence


def test_few_responses_are_flagged_and_no_spread_gives_no_interval() -> None:
    rough = two_proportion_difference(
        reached_reference=40, responses_reference=2, reached_variant=40, responses_variant=9
    )
    assert rough.rough
    with translation.override("en"):
        assert "only approximate" in describe_effect(rough, variant="B", reference="A")
    flat = two_proportion_difference(
        reached_reference=30, responses_reference=0, reached_variant=30, responses_variant=0
    )
    assert flat.low is None
    assert not flat.reliable
    with translation.override("en"):
        assert "cannot be compared yet" in describe_effect(flat, variant="B", reference="A")


@pytest.mark.parametrize(
    ("reached", "responses", "says"),
    [(0, 0, "at least one"), (10, 11, "between 0"), (10, -1, "between 0")],
    ids=["nobody reached", "more than reached", "negative"],
)
def test_impossible_counts_are_refused(reached: int, responses: int, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        two_proportion_difference(
            reached_reference=reached, responses_reference=responses, reached_variant=10, responses_variant=1
        )
