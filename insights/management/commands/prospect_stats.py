"""`prospect_stats --municipality CODE [--json]`: counts only, no model (prospects, by AIDA stage, segments)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insights.selectors import prospect_counts
from themes.models import Municipality
from themes.selectors import municipality_by_code


class Command(BaseCommand):
    help = "Counts of a municipality's prospects: stored, by AIDA stage, and segments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="SCB code (2584) or slug (kiruna)")
        parser.add_argument("--json", action="store_true", help="Print one JSON report")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            municipality = municipality_by_code(options["municipality"])
        except Municipality.DoesNotExist as exc:
            raise CommandError(f"No municipality with code or slug {options['municipality']!r}.") from exc
        counts = prospect_counts(municipality)
        if options["json"]:
            self.stdout.write(json.dumps(counts))
            return
        self.stdout.write(
            f"{municipality.name}: {counts['prospects']} prospects, {counts['segments']} segments"
        )
        for stage, n in counts["aida"].items():
            self.stdout.write(f"  {stage:<10} {n}")
