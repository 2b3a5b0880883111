"""A tqdm progress bar per step for the insights commands (on stderr, so --json output stays clean)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm

from insights.services import Progress


@contextmanager
def progress_bars(*, enabled: bool) -> Iterator[Progress]:
    bars: dict[str, tqdm] = {}

    def report(step: str, current: int, total: int) -> None:
        if not enabled:
            return
        bar = bars.get(step)
        if bar is None:
            bar = bars[step] = tqdm(total=total, desc=step, file=sys.stderr, leave=False)
        bar.total = total
        bar.n = current
        bar.refresh()

    try:
        yield report
    finally:
        for bar in bars.values():
            bar.close()
