"""Fixtures for the insights tests: users per role, and prospect files written to real paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from insights.scoring.synthetic import generate_prospects, write_prospects_csv
from tests.factories import user_with_role

HEADER = "prospect_ref,country,age_band,household,visits,consent_analytics"


@pytest.fixture
def analyst_lulea(db):
    return user_with_role("analyst", "lulea", username="analyst-lulea")


@pytest.fixture
def write_csv(tmp_path: Path):
    """Write text to a CSV file in the given encoding; returns its path."""

    def write(text: str, *, name: str = "prospects.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def synthetic_csv(tmp_path: Path):
    def make(rows: int = 600, *, seed: int = 1, dialect: str = "en", name: str = "synthetic.csv") -> Path:
        path = tmp_path / name
        write_prospects_csv(generate_prospects(rows, seed=seed), path, dialect=dialect)
        return path

    return make
