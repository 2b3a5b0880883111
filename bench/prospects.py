"""What the prospect benchmarks share (bench/scoring.py, bench/stage_history.py): the dev settings in a fresh
STIGAR_DATA_DIR on its embedded SQLite or on a PostgreSQL database, migrated; Kiruna without an earlier run's rows;
the import of a synthetic file as the upload does it."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bench.harness import RESULTS

if TYPE_CHECKING:
    from django.db.models import Model

    from insights.services import ImportReport
    from themes.models import Municipality


def parser(description: str | None, *, rows: int, output: str) -> argparse.ArgumentParser:
    """The command line: --rows (synthetic prospects), --database-url and --output (bench/results/`output`)."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--rows", type=int, default=rows)
    result.add_argument("--database-url", default="", help="a PostgreSQL database instead of a fresh SQLite")
    result.add_argument("--output", default=str(RESULTS / output))
    return result


def setup_django(prefix: str, *, database_url: str) -> Path:
    """Set Django up on a fresh data directory (returned), with `database_url` or the embedded SQLite, and migrate."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"stigar-bench-{prefix}-"))
    os.environ["STIGAR_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return data_dir


def kiruna_emptied(*models: type[Model]) -> Municipality:
    """Kiruna, its rows of `models` (in this order) removed: a PostgreSQL database may hold an earlier run. Removed in
    SQL, since the ORM's delete() would load a million rows into this process and spoil its peak-memory figure."""
    from django.db import connection

    from themes.models import Municipality

    municipality = Municipality.objects.get(slug="kiruna")
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE municipality_id = %s", [municipality.pk])  # noqa: S608
    return municipality


def import_file(municipality: Municipality, path: Path) -> ImportReport:
    """Import the prospects file at `path` for `municipality` as the system (the service an upload runs)."""
    from insights.services import prospects_import

    return prospects_import(
        actor=None, skip_permission_checks=True, municipality=municipality, file=path, file_name=path.name
    )
