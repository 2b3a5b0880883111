"""The AIDA funnel read right: a stage distribution is not a funnel; "reached at least this stage" is, and movement
between two observations of the same prospect gives flows and conversion rates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .aida import STAGES

RANK = {stage: i for i, stage in enumerate(STAGES)}


def reached_at_least(
    distribution: Mapping[str, int | None], *, total: int | None = None
) -> dict[str, int | None]:
    """Prospects at each stage or a later one: non-increasing from Attention to Action by construction.

    A None in `distribution` is a suppressed figure. Each result is a sum or difference of published figures only
    (the stages from it down, or `total` less the stages above it), so it reveals nothing the published figures do
    not; where neither can be formed it is None.
    """
    result: dict[str, int | None] = {}
    for i, stage in enumerate(STAGES):
        below = [distribution.get(s) for s in STAGES[i:]]
        above = [distribution.get(s) for s in STAGES[:i]]
        if all(v is not None for v in below):
            result[stage] = sum(v for v in below if v is not None)
        elif total is not None and all(v is not None for v in above):
            result[stage] = total - sum(v for v in above if v is not None)
        else:
            result[stage] = None
    return result


@dataclass(frozen=True)
class Conversion:
    """Of the prospects seen at `stage` and seen again later: how many had moved on, stayed, or fallen back."""

    stage: str
    observed_again: int
    advanced: int
    stayed: int
    fell_back: int

    @property
    def rate(self) -> float | None:
        """The conversion rate: the share who had reached a later stage at their next observation."""
        return self.advanced / self.observed_again if self.observed_again else None


def conversions(flows: Mapping[tuple[str, str], int]) -> list[Conversion]:
    """Conversion per stage (Action, the end of the funnel, has none) from flows (stage, next stage) -> prospects."""
    result = []
    for stage in STAGES[:-1]:
        advanced = stayed = fell_back = 0
        for (start, end), n in flows.items():
            if start != stage:
                continue
            if RANK[end] > RANK[start]:
                advanced += n
            elif end == start:
                stayed += n
            else:
                fell_back += n
        result.append(Conversion(stage, advanced + stayed + fell_back, advanced, stayed, fell_back))
    return result
