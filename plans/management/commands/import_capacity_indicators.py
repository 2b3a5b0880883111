"""`import_capacity_indicators FILE [--synthetic] [--json]`: all-or-nothing import of receiving-capacity indicator
values per municipality and period (format in README.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.services import indicator_values_import


class Command(BaseCommand):
    help = (
        "Import receiving-capacity indicator values (vacant rental flats, open job ads, free preschool places, "
        "broadband coverage) from CSV or XLSX. Exit 0 when imported, 1 when the file is rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument(
            "--synthetic", action="store_true", help="Mark every value as synthetic (made-up demo figures)"
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON report")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        # The operator running the command is trusted, as with import_prospects.
        report = indicator_values_import(
            actor=None, skip_permission_checks=True, file=path, synthetic=options["synthetic"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        elif report.status == "imported":
            self.stdout.write(
                self.style.SUCCESS(f"Imported {report.imported} indicator values from {path.name}.")
            )
        else:
            self.stderr.write(f"Rejected {path.name}: {len(report.errors)} errors; nothing was imported.")
            for error in report.errors:
                where = "file" if error.row is None else f"row {error.row}"
                column = f", column {error.column}" if error.column else ""
                self.stderr.write(f"  {where}{column}: {error.message}")
        if report.status != "imported":
            sys.exit(1)
