"""`import_prospects FILE --municipality CODE [--source NAME] [--json]`: all-or-nothing prospect import (INTERFACES.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insights.services import prospects_import

from ._municipality import add_municipality_argument, municipality_from_options
from ._progress import progress_bars


class Command(BaseCommand):
    help = "Import prospects from CSV or XLSX (DOMAIN.md format). Exit 0 when imported, 1 when the file is rejected."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        add_municipality_argument(parser)
        parser.add_argument(
            "--source", default="", help="Where the file comes from, e.g. the visitor database"
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON report")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_from_options(options)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with progress_bars(enabled=not options["json"] and sys.stderr.isatty()) as progress:
            report = prospects_import(
                actor=None,
                skip_permission_checks=True,
                municipality=municipality,
                file=path,
                file_name=path.name,
                source=options["source"],
                progress=progress,
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            if report.status != "imported":
                sys.exit(1)
            return
        for warning in report.warnings:
            self.stderr.write(f"  warning, column {warning['column']}: {warning['message']}")
        if report.status == "imported":
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {report.imported} prospects into {municipality.name}; "
                    f"{report.skipped_no_consent} rows without analytics consent were not imported."
                )
            )
        else:
            self.stderr.write(f"Rejected {path.name}: {len(report.errors)} errors; nothing was imported.")
            for error in report.errors:
                where = "file" if error["row"] is None else f"row {error['row']}"
                column = f", column {error['column']}" if error["column"] else ""
                self.stderr.write(f"  {where}{column}: {error['message']}")
        if report.status != "imported":
            sys.exit(1)
