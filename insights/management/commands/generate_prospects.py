"""`generate_prospects --municipality CODE --rows N --seed S [--output FILE]`: SYNTHETIC prospects in the import format."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insights.scoring.synthetic import generate_prospects, write_prospects_csv

from ._municipality import add_municipality_argument, municipality_from_options


class Command(BaseCommand):
    help = (
        "Write synthetic prospects (ids start with SYNTH) with a hidden ground-truth relocation rule, "
        "for demos, tests and benchmarks. Never real people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_municipality_argument(parser)
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--output", help="CSV file to write (default: standard output)")
        parser.add_argument(
            "--dialect", choices=["en", "sv"], default="en", help="en: comma, English; sv: Swedish Excel"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_from_options(options)
        if options["rows"] < 1:
            raise CommandError("--rows must be at least 1.")
        frame = generate_prospects(options["rows"], seed=options["seed"], municipality=municipality.scb_code)
        target = options["output"] or sys.stdout
        write_prospects_csv(frame, target, dialect=options["dialect"])
        if options["output"]:
            self.stderr.write(f"Wrote {len(frame)} synthetic prospects to {options['output']}.")
