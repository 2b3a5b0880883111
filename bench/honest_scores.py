"""What the honest-score intervals cost: the paired bootstrap of ROC AUC (insights.scoring.model.bootstrap_auc) on as
many held-out rows as a million-row scoring run evaluates on (MAX_TRAINING_ROWS × 0.25 = 5,000), and on more.

Run: .venv/bin/python bench/honest_scores.py   (seconds; writes bench/results/honest_scores.json)
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import RESULTS
from insights.scoring.model import BOOTSTRAP_RESAMPLES, MAX_TRAINING_ROWS, bootstrap_auc


def main() -> None:
    rng = np.random.default_rng(0)
    figures = []
    for rows in (int(MAX_TRAINING_ROWS * 0.25), 20_000):
        y = rng.random(rows) < 0.2
        model = rng.random(rows) + 0.3 * y
        baseline = rng.integers(0, 10, rows) + y
        times = []
        for _ in range(5):
            start = time.perf_counter()
            bootstrap_auc(y, model, baseline)
            times.append(time.perf_counter() - start)
        figures.append(
            {
                "held_out_rows": rows,
                "resamples": BOOTSTRAP_RESAMPLES,
                "seconds_median": round(float(np.median(times)), 4),
                "seconds_max": round(max(times), 4),
            }
        )
        print(f"{rows:>7} held-out rows, {BOOTSTRAP_RESAMPLES} resamples: median {np.median(times):.3f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "benchmark": "honest_scores",
        "machine": platform.machine(),
        "python": platform.python_version(),
        "runs": figures,
    }
    (RESULTS / "honest_scores.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
