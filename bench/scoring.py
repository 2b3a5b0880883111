"""Benchmark: generate N synthetic prospects (default 1,000,000; made-up data, labelled synthetic), import them, score
them; time, rows/s, peak memory, and in the same run a naive baseline on the same file (pandas read_csv plus
DataFrame.to_sql into a fresh SQLite file) with the ratio of the two.

Runs on a fresh SQLite database in a temporary STIGAR_DATA_DIR (the embedded default deployment), or with
--database-url on a PostgreSQL database (migrated, its prospects of the municipality replaced; the import loads by COPY).
Usage: .venv/bin/python bench/scoring.py [--rows N] [--seed S] [--database-url URL] [--output FILE]
Prints the figures and writes bench/results/scoring.json. Targets (#18): import <= 20 s, scoring <= 15 s, peak
memory <= 1.5 GB on SQLite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import harness, prospects
from bench.harness import ROOT


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the high-water mark of the whole process.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


TARGETS = {"import_seconds": 20, "score_seconds": 15, "peak_memory_mb": 1536}


def naive_baseline(csv_path: str, database: str) -> None:
    """The naive way, for comparison: read the whole file with pandas and write it with DataFrame.to_sql into a
    fresh SQLite file; no validation, no pseudonyms, no upsert. Run in a child process; prints its seconds."""
    import sqlite3

    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(csv_path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    with sqlite3.connect(database) as connection:
        frame.to_sql("prospects", connection, index=False)
    print(json.dumps({"seconds": time.perf_counter() - started, "rows": len(frame)}))


def main() -> None:
    parser = prospects.parser(__doc__, rows=1_000_000, output="scoring.json")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--naive-baseline", nargs=2, metavar=("CSV", "SQLITE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_baseline:
        naive_baseline(*args.naive_baseline)
        return

    data_dir = prospects.setup_django("scoring", database_url=args.database_url)
    from insights.models import Prospect
    from insights.services import prospects_score

    municipality = prospects.kiruna_emptied(Prospect)
    csv_path = data_dir / "synthetic-prospects.csv"

    load_before = os.getloadavg()
    # Generated in a child process, so that this process's peak memory is the import's and scoring's alone.
    started = time.perf_counter()
    print(
        harness.manage(
            "generate_prospects", "--municipality", municipality.slug, "--rows", str(args.rows),
            "--seed", str(args.seed), "--dialect", "sv", "--output", str(csv_path),
        ),
        end="",
    )  # fmt: skip
    generate_seconds = time.perf_counter() - started
    rss_before = peak_rss_mb()

    started, cpu_started = time.perf_counter(), time.process_time()
    report = prospects.import_file(municipality, csv_path)
    import_seconds = time.perf_counter() - started
    import_cpu_seconds = time.process_time() - cpu_started
    if report.status != "imported":
        raise SystemExit(f"import rejected: {report.errors[:5]}")
    rss_after_import = peak_rss_mb()

    started, cpu_started = time.perf_counter(), time.process_time()
    scored = prospects_score(actor=None, skip_permission_checks=True, municipality=municipality)
    score_seconds = time.perf_counter() - started
    score_cpu_seconds = time.process_time() - cpu_started
    rss_peak = peak_rss_mb()
    load_after = os.getloadavg()

    baseline = subprocess.run(
        [sys.executable, __file__, "--naive-baseline", str(csv_path), str(data_dir / "naive.sqlite3")],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    naive = json.loads(baseline.stdout)
    ratio = import_seconds / naive["seconds"]
    print(
        f"import {import_seconds:.1f} s, naive read_csv + to_sql {naive['seconds']:.1f} s: "
        f"the import takes {ratio:.2f}x the naive baseline's time"
    )

    metrics = scored.model
    results = {
        "rows": args.rows,
        "file_mb": round(csv_path.stat().st_size / 1e6, 1),
        "imported": report.imported,
        "skipped_no_consent": report.skipped_no_consent,
        "generate_seconds": round(generate_seconds, 1),
        "import_seconds": round(import_seconds, 1),
        "import_rows_per_second": round(args.rows / import_seconds),
        # CPU time of this process: on a shared machine the wall time also holds the time spent waiting for a core.
        "import_cpu_seconds": round(import_cpu_seconds, 1),
        "score_seconds": round(score_seconds, 1),
        "score_rows_per_second": round(scored.prospects / score_seconds),
        "score_cpu_seconds": round(score_cpu_seconds, 1),
        "peak_memory_mb": round(rss_peak, 0),
        "peak_memory_before_import_mb": round(rss_before, 0),
        "peak_memory_after_import_mb": round(rss_after_import, 0),
        "naive_baseline": {
            "what": "pandas read_csv (all text) + DataFrame.to_sql into a fresh SQLite file, no validation",
            "seconds": round(naive["seconds"], 1),
            "import_to_naive_ratio": round(ratio, 2),
        },
        "targets": TARGETS,
        "within_targets": import_seconds <= TARGETS["import_seconds"]
        and score_seconds <= TARGETS["score_seconds"]
        and rss_peak <= TARGETS["peak_memory_mb"],
        "model": {
            "kind": metrics.get("model"),
            "roc_auc": metrics.get("roc_auc"),
            "ece": metrics.get("ece"),
            "brier": metrics.get("brier"),
            "baseline_visits_only": metrics.get("baseline_visits_only"),
            "training_rows": metrics.get("training_rows"),
            "test_rows": metrics.get("test_rows"),
        },
        "segments": scored.segments,
        "data": "synthetic (insights.scoring.synthetic, made-up prospects)",
        "database": "postgresql (COPY)" if args.database_url else "sqlite (embedded default)",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
    }
    print(json.dumps(results, indent=2))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
