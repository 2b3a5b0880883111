"""Demo data: SYNTHETIC prospects (ids start with SYNTH) imported and scored for the municipalities in demo/prospects.yaml.

Each municipality gets two imports of the same synthetic people, two months apart, so the stage history shows movement.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from themes.demodata import demo_path, entry, read_yaml
from themes.models import Municipality

from .models import ProspectStageSnapshot
from .scoring.synthetic import follow_up, generate_prospects, write_prospects_csv
from .services import prospects_import, prospects_score


@dataclass(frozen=True)
class DemoProspects:
    municipality: str
    rows: int
    seed: int


@dataclass(frozen=True)
class DemoInsights:
    municipalities: tuple[DemoProspects, ...]


def seed(*, stdout: Any) -> None:
    """Idempotent: a municipality whose history already has two imports is left as it is."""
    demo = entry(DemoInsights, read_yaml("prospects.yaml"), where=str(demo_path("prospects.yaml")))
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=61)
    for spec in demo.municipalities:
        municipality = Municipality.objects.get(slug=spec.municipality)
        imports = (
            ProspectStageSnapshot.objects.filter(municipality=municipality).values("batch").distinct().count()
        )
        if imports >= 2:
            continue
        first = generate_prospects(spec.rows, seed=spec.seed, municipality=municipality.scb_code)
        for observed_on, frame, label in (
            (earlier, first, "1"),
            (today, follow_up(first, seed=spec.seed), "2"),
        ):
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"synthetic-prospects-{spec.municipality}-{label}.csv"
                write_prospects_csv(frame, path, dialect="sv")
                report = prospects_import(
                    actor=None,
                    skip_permission_checks=True,
                    municipality=municipality,
                    file=path,
                    file_name=path.name,
                    source="Synthetic demo data (not real people)",
                    observed_on=observed_on,
                )
        scored = prospects_score(actor=None, skip_permission_checks=True, municipality=municipality)
        stdout.write(
            f"Insights: {report.imported} synthetic prospects for {municipality.name} (two imports, "
            f"{earlier:%Y-%m-%d} and {today:%Y-%m-%d}), {scored.segments} segments, "
            f"ROC AUC {scored.model.get('roc_auc')}."
        )
