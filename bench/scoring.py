"""Benchmark: generate N synthetic prospects (default 1,000,000), import them, score them; time, rows/s, peak memory.

Runs on a fresh SQLite database in a temporary STIGAR_DATA_DIR (the embedded default deployment).
Usage: .venv/bin/python bench/scoring.py [--rows N] [--seed S]
Prints the figures and writes bench/results/scoring.json. Targets: import <= 60 s, scoring <= 60 s, peak memory <= 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the high-water mark of the whole process.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "scoring.json"))
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="stigar-bench-scoring-")
    os.environ["STIGAR_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from insights.services import prospects_import, prospects_score
    from themes.models import Municipality

    call_command("migrate", verbosity=0)
    municipality = Municipality.objects.get(slug="kiruna")
    csv_path = Path(data_dir) / "synthetic-prospects.csv"

    # Generated in a child process, so that this process's peak memory is the import's and scoring's alone.
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "generate_prospects", "--municipality", municipality.slug,
         "--rows", str(args.rows), "--seed", str(args.seed), "--dialect", "sv", "--output", str(csv_path)],
        check=True, env={**os.environ}, cwd=ROOT,
    )  # fmt: skip
    generate_seconds = time.perf_counter() - started
    rss_before = peak_rss_mb()

    started = time.perf_counter()
    report = prospects_import(
        actor=None,
        skip_permission_checks=True,
        municipality=municipality,
        file=csv_path,
        file_name=csv_path.name,
    )
    import_seconds = time.perf_counter() - started
    if report.status != "imported":
        raise SystemExit(f"import rejected: {report.errors[:5]}")
    rss_after_import = peak_rss_mb()

    started = time.perf_counter()
    scored = prospects_score(actor=None, skip_permission_checks=True, municipality=municipality)
    score_seconds = time.perf_counter() - started
    rss_peak = peak_rss_mb()

    metrics = scored.model
    results = {
        "rows": args.rows,
        "file_mb": round(csv_path.stat().st_size / 1e6, 1),
        "imported": report.imported,
        "skipped_no_consent": report.skipped_no_consent,
        "generate_seconds": round(generate_seconds, 1),
        "import_seconds": round(import_seconds, 1),
        "import_rows_per_second": round(args.rows / import_seconds),
        "score_seconds": round(score_seconds, 1),
        "score_rows_per_second": round(scored.prospects / score_seconds),
        "peak_memory_mb": round(rss_peak, 0),
        "peak_memory_before_import_mb": round(rss_before, 0),
        "peak_memory_after_import_mb": round(rss_after_import, 0),
        "targets": {"import_seconds": 60, "score_seconds": 60, "peak_memory_mb": 2048},
        "within_targets": import_seconds <= 60 and score_seconds <= 60 and rss_peak <= 2048,
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
        "database": "sqlite (embedded default)",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        },
    }
    print(json.dumps(results, indent=2))
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
