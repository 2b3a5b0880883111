"""One progress bar for an upload, from the file's validation to its scores: each step has a fixed band of 0–100,
and what is reported never goes back (a step that starts over, or a step reported late, cannot move the bar down)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The bands, in the order the steps run: validate → store → stages → score (the scoring run's own steps share the
# score band in their order: load the prospects, train or load the model, score, store the scores).
BANDS: dict[str, tuple[int, int]] = {
    "validate": (0, 35),
    "store": (35, 60),
    "stages": (60, 70),
    "load": (70, 72),
    "model": (72, 85),
    "score": (85, 90),
    "score_store": (90, 99),
    "done": (100, 100),
}
STEP_LABELS: dict[str, Promise] = {
    "validate": _("checking the file"),
    "store": _("storing the prospects"),
    "stages": _("placing prospects in the AIDA stages"),
    "load": _("scoring"),
    "model": _("scoring: training the model"),
    "score": _("scoring"),
    "score_store": _("scoring: storing the scores"),
    "done": _("done"),
}
IMPORT_DONE = BANDS["stages"][1]

Sink = Callable[[int, str], None]


def band_percent(step: str, current: int, total: int) -> int:
    """Where (step, current of total) lies on the one bar, without the forward-only rule."""
    start, end = BANDS.get(step, (0, 0))
    fraction = min(1.0, max(0.0, current / total)) if total else 1.0
    return int(start + (end - start) * fraction)


class ForwardProgress:
    """Maps each service's (step, current, total) reports onto the one bar and passes on only forward moves.

    `scoring=True` for a scoring run, whose `store` step is the storing of scores (its own band), not the import's.
    """

    def __init__(self, sink: Sink, *, start: int = 0, scoring: bool = False) -> None:
        self.sink = sink
        self.percent = start
        self.scoring = scoring

    def __call__(self, step: str, current: int, total: int) -> None:
        if self.scoring and step == "store":
            step = "score_store"
        percent = band_percent(step, current, total)
        if percent >= self.percent:
            self.percent = percent
            self.sink(percent, step)
