"""Benchmark: what the stage history costs an import (#18). Generates N synthetic prospects (made-up data), imports
them twice on a fresh SQLite database (or --database-url PostgreSQL) and times the whole import and the snapshot write
inside it (`insights.services._stage_snapshots_write`), then the two history reads uncached.

Usage: .venv/bin/python bench/stage_history.py [--rows N] [--database-url URL] [--output FILE]
Prints the figures and writes bench/results/stage_history.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "stage_history.json"))
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="stigar-bench-history-")
    os.environ["STIGAR_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from insights import selectors, services
    from insights.models import Prospect, ProspectStageSnapshot
    from insights.scoring.synthetic import generate_prospects, write_prospects_csv
    from themes.models import Municipality

    call_command("migrate", verbosity=0)
    municipality = Municipality.objects.get(slug="kiruna")
    with connection.cursor() as cursor:
        for model in (ProspectStageSnapshot, Prospect):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE municipality_id = %s", [municipality.pk])  # noqa: S608
    path = Path(data_dir) / "synthetic-prospects.csv"
    write_prospects_csv(generate_prospects(args.rows, seed=7), path, dialect="sv")

    spent: list[float] = []
    original = services._stage_snapshots_write

    def timed(*a: object, **k: object) -> None:
        started = time.perf_counter()
        original(*a, **k)  # type: ignore[arg-type]
        spent.append(time.perf_counter() - started)

    services._stage_snapshots_write = timed
    results: dict[str, object] = {
        "rows": args.rows,
        "database": connection.vendor,
        "load_before": os.getloadavg(),
    }
    for run in ("first_import", "re_import"):
        started = time.perf_counter()
        report = services.prospects_import(
            actor=None, skip_permission_checks=True, municipality=municipality, file=path, file_name=path.name
        )
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
