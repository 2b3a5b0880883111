"""Demo data: SYNTHETIC prospects (ids start with SYNTH) imported and scored for the municipalities in demo/prospects.yaml."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from themes.demodata import demo_path, entry, read_yaml
from themes.models import Municipality

from .models import Prospect
from .scoring.synthetic import generate_prospects, write_prospects_csv
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
    """Idempotent: a municipality that already has prospects is left as it is."""
    demo = entry(DemoInsights, read_yaml("prospects.yaml"), where=str(demo_path("prospects.yaml")))
    for spec in demo.municipalities:
        municipality = Municipality.objects.get(slug=spec.municipality)
        if Prospect.objects.filter(municipality=municipality).exists():
            continue
        frame = generate_prospects(spec.rows, seed=spec.seed, municipality=municipality.scb_code)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"synthetic-prospects-{spec.municipality}.csv"
            write_prospects_csv(frame, path, dialect="sv")
            report = prospects_import(
                actor=None,
                skip_permission_checks=True,
                municipality=municipality,
                file=path,
                file_name=path.name,
                source="Synthetic demo data (not real people)",
            )
        scored = prospects_score(actor=None, skip_permission_checks=True, municipality=municipality)
        stdout.write(
            f"Insights: {report.imported} synthetic prospects for {municipality.name}, "
            f"{scored.segments} segments, ROC AUC {scored.model.get('roc_auc')}."
        )
