"""The 2020 EU Social Progress Index for SE33 Övre Norrland (DOMAIN.md) as data, with its scores recomputed by the power mean."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The EU-SPI aggregates components into dimensions, and dimensions into the index, by a generalised mean with this exponent.
POWER_MEAN_EXPONENT = 0.5

REGION_CODE = "SE33"
REGION_NAME = "Övre Norrland"
EDITION = 2020
RANK = 1
REGIONS_RANKED = 240
GDP_PER_HEAD_PPS = 115  # EU27 = 100
GDP_RANK = 61
DEVELOPMENT_STAGE = 5
POPULATION = 519_000
SOURCE = "European Commission, EU Social Progress Index 2020"


@dataclass(frozen=True)
class Component:
    code: str
    label: str | Promise
    region: float
    eu: float


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str | Promise
    published_region: float
    published_eu: float
    components: tuple[Component, ...]

    @property
    def region(self) -> float:
        """The dimension score recomputed from its components."""
        return power_mean(c.region for c in self.components)


def power_mean(values: Iterable[float], exponent: float = POWER_MEAN_EXPONENT) -> float:
    """The generalised mean M_p = (mean of x^p)^(1/p) of non-negative scores."""
    items = [float(v) for v in values]
    if not items:
        raise ValueError("power_mean of no values")
    if any(v < 0 for v in items):
        raise ValueError("power_mean needs non-negative values")
    return float((sum(v**exponent for v in items) / len(items)) ** (1 / exponent))


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "basic-needs",
        _("Basic human needs"),
        90.2,
        80.0,
        (
            Component("nutrition-care", _("Nutrition and medical care"), 88.7, 81.7),
            Component("water-sanitation", _("Water and sanitation"), 99.3, 88.9),
            Component("shelter", _("Shelter"), 93.7, 80.1),
            Component("security", _("Personal security"), 79.7, 69.6),
        ),
    ),
    Dimension(
        "wellbeing",
        _("Foundations of wellbeing"),
        85.4,
        63.9,
        (
            Component("basic-knowledge", _("Access to basic knowledge"), 90.7, 73.9),
            Component("information", _("Access to information and communication"), 93.5, 75.7),
            Component("health", _("Health and wellness"), 73.2, 67.0),
            Component("environment", _("Environmental quality"), 84.8, 42.9),
        ),
    ),
    Dimension(
        "opportunity",
        _("Opportunity"),
        79.9,
        57.5,
        (
            Component("rights", _("Personal rights"), 65.2, 49.8),
            Component("freedom", _("Personal freedom and choice"), 76.4, 63.2),
            Component("tolerance", _("Tolerance and inclusion"), 83.0, 61.8),
            Component("advanced-education", _("Access to advanced education"), 96.6, 57.1),
        ),
    ),
)
PUBLISHED_OVERALL = 85.1
PUBLISHED_EU_OVERALL = 66.7


def overall() -> float:
    """The overall index recomputed from the recomputed (unrounded) dimension scores."""
    return power_mean(d.region for d in DIMENSIONS)


def overall_from_published_dimensions() -> float:
    return power_mean(d.published_region for d in DIMENSIONS)
