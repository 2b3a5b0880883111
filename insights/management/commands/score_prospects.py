"""`score_prospects --municipality CODE [--json]`: train or reuse the propensity model, score prospects and segments."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insights.scoring.model import NotEnoughData
from insights.services import prospects_score

from ._municipality import add_municipality_argument, municipality_from_options
from ._progress import progress_bars


class Command(BaseCommand):
    help = "Train (or reuse) the propensity model, score a municipality's prospects and segments, print the evaluation."

    def add_arguments(self, parser: CommandParser) -> None:
        add_municipality_argument(parser)
        parser.add_argument(
            "--retrain", action="store_true", help="Train a new model version even if one is current"
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="Print one JSON report")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_from_options(options)
        try:
            with progress_bars(enabled=not options["json"] and sys.stderr.isatty()) as progress:
                report = prospects_score(
                    actor=None,
                    skip_permission_checks=True,
                    municipality=municipality,
                    retrain=options["retrain"],
                    seed=options["seed"],
                    progress=progress,
                )
        except NotEnoughData as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
            return
        metrics = report.model
        self.stdout.write(
            f"Scored {report.prospects} prospects of {municipality.name} in {report.segments} segments "
            f"with model v{report.model_version} ({metrics.get('model')}, "
            f"{'newly trained' if report.trained else 'reused'})."
        )
        if metrics:
            baseline = metrics.get("baseline_visits_only", {})
            self.stdout.write(
                f"Held-out evaluation on {metrics.get('test_rows')} prospects "
                f"(trained on {metrics.get('training_rows')}, {metrics.get('trained_at')}):\n"
                f"  ROC AUC {metrics['roc_auc']:.3f}  PR AUC {metrics['pr_auc']:.3f}  "
                f"Brier {metrics['brier']:.4f}  ECE {metrics['ece']:.4f}\n"
                f"  visits-only baseline: ROC AUC {baseline.get('roc_auc', 0):.3f}  ECE {baseline.get('ece', 0):.4f}"
            )
            honest = metrics.get("roc_auc_vs_baseline")
            if honest:
                low, high = metrics["roc_auc_ci"]
                base_low, base_high = baseline["roc_auc_ci"]
                diff_low, diff_high = honest["difference_ci"]
                self.stdout.write(
                    f"  95 % bootstrap CI ({honest['resamples']} resamples): model {low:.3f}–{high:.3f}, "
                    f"baseline {base_low:.3f}–{base_high:.3f}, difference {honest['difference']:+.3f} "
                    f"({diff_low:+.3f} to {diff_high:+.3f})"
                    + (
                        ""
                        if honest["beats_baseline"]
                        else "\n  The model is not reliably better than counting visits."
                    )
                )
