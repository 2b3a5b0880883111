"""Demo data: SYNTHETIC prospects (ids start with SYNTH) imported and scored for four municipalities, so shared segments show."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from themes.models import Municipality

from .models import Prospect
from .scoring.synthetic import generate_prospects, write_prospects_csv
from .services import prospects_import, prospects_score

# (slug, rows, seed): Kiruna and Luleå stand alone; Jokkmokk and Arjeplog share the Inland cluster.
DEMO_MUNICIPALITIES = (
    ("kiruna", 1500, 11),
    ("lulea", 1500, 12),
    ("jokkmokk", 700, 13),
    ("arjeplog", 700, 14),
)


def seed(*, stdout: Any) -> None:
    """Idempotent: a municipality that already has prospects is left as it is."""
    for slug, rows, seed_value in DEMO_MUNICIPALITIES:
        municipality = Municipality.objects.get(slug=slug)
        if Prospect.objects.filter(municipality=municipality).exists():
            continue
        frame = generate_prospects(rows, seed=seed_value, municipality=municipality.scb_code)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"synthetic-prospects-{slug}.csv"
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
