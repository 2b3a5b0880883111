"""`prospect_stats --municipality CODE [--json]`: counts only, no model (prospects, by AIDA stage, segments)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from insights.selectors import prospect_counts

from ._municipality import add_municipality_argument, municipality_from_options


class Command(BaseCommand):
    help = "Counts of a municipality's prospects: stored, by AIDA stage, and segments."

    def add_arguments(self, parser: CommandParser) -> None:
        add_municipality_argument(parser)
        parser.add_argument("--json", action="store_true", help="Print one JSON report")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_from_options(options)
        counts = prospect_counts(municipality)
        if options["json"]:
            self.stdout.write(json.dumps(counts))
            return
        self.stdout.write(
            f"{municipality.name}: {counts['prospects']} prospects, {counts['segments']} segments"
        )
        for stage, n in counts["aida"].items():
            self.stdout.write(f"  {stage:<10} {n}")
