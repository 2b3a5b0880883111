"""Benchmark: what the stage history costs an import (#18). Generates N synthetic prospects (made-up data), imports
them twice on a fresh SQLite database (or --database-url PostgreSQL) and times the whole import and the snapshot write
inside it (`insights.services._stage_snapshots_write`), then the two history reads uncached.

Usage: .venv/bin/python bench/stage_history.py [--rows N] [--database-url URL] [--output FILE]
Prints the figures and writes bench/results/stage_history.json.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import prospects

P = ParamSpec("P")
R = TypeVar("R")


def timed(function: Callable[P, R], spent: list[float]) -> Callable[P, R]:
    """`function`, appending the seconds each call of it takes to `spent`."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        result = function(*args, **kwargs)
        spent.append(time.perf_counter() - started)
        return result

    return wrapper


def main() -> None:
    args = prospects.parser(__doc__, rows=200_000, output="stage_history.json").parse_args()
    data_dir = prospects.setup_django("history", database_url=args.database_url)
    from django.core.cache import cache
    from django.db import connection

    from insights import selectors, services
    from insights.models import Prospect, ProspectStageSnapshot
    from insights.scoring.synthetic import generate_prospects, write_prospects_csv

    municipality = prospects.kiruna_emptied(ProspectStageSnapshot, Prospect)
    path = data_dir / "synthetic-prospects.csv"
    write_prospects_csv(generate_prospects(args.rows, seed=7), path, dialect="sv")

    spent: list[float] = []
    services._stage_snapshots_write = timed(services._stage_snapshots_write, spent)
    results: dict[str, object] = {
        "rows": args.rows,
        "database": connection.vendor,
        "load_before": os.getloadavg(),
    }
    for run in ("first_import", "re_import"):
        started = time.perf_counter()
        report = prospects.import_file(municipality, path)
        seconds = time.perf_counter() - started
        results[run] = {
            "imported": report.imported,
            "import_seconds": round(seconds, 2),
            "snapshot_seconds": round(spent[-1], 2),
            "snapshot_share": round(spent[-1] / seconds, 3),
        }
    results["snapshots"] = ProspectStageSnapshot.objects.filter(municipality=municipality).count()
    cache.clear()
    started = time.perf_counter()
    selectors.stage_counts_by_month(municipality)
    results["counts_query_seconds"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    selectors.stage_flows(municipality)
    results["flows_query_seconds"] = round(time.perf_counter() - started, 2)
    results["load_after"] = os.getloadavg()
    results["data"] = "synthetic (insights.scoring.synthetic, made-up prospects)"
    print(json.dumps(results, indent=1))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
