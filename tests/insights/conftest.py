"""Fixtures for the insights tests: users per role, prospect files written to real paths, and the trusted import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from insights.scoring.synthetic import generate_prospects, write_prospects_csv
from insights.services import ImportReport, Progress, ScoreReport, prospects_import, prospects_score
from tests.factories import user_with_role
from themes.models import Municipality

HEADER = "prospect_ref,country,age_band,household,visits,consent_analytics"


class WriteCsv(Protocol):
    def __call__(self, text: str, *, name: str = ..., encoding: str = ...) -> Path: ...


class SyntheticCsv(Protocol):
    def __call__(
        self,
        rows: int = ...,
        *,
        seed: int = ...,
        dialect: str = ...,
        name: str = ...,
        no_consent_share: float = ...,
    ) -> Path: ...


def import_file(
    municipality: Municipality,
    path: Path,
    *,
    source: str = "",
    progress: Progress | None = None,
    observed_on: dt.date | None = None,
) -> ImportReport:
    """Import a prospect file as a trusted caller does (the command, the demo): no actor, checks skipped by name."""
    return prospects_import(
        actor=None,
        skip_permission_checks=True,
        municipality=municipality,
        file=path,
        file_name=path.name,
        source=source,
        progress=progress,
        observed_on=observed_on,
    )


def import_file_in(language: str, municipality: Municipality, path: Path) -> ImportReport:
    """The trusted import with its report's messages in `language`."""
    with translation.override(language):
        return import_file(municipality, path)


def import_and_score(municipality: Municipality, path: Path) -> ScoreReport:
    """Import a file and run scoring on the municipality, both as a trusted caller."""
    import_file(municipality, path)
    return prospects_score(actor=None, skip_permission_checks=True, municipality=municipality)


@pytest.fixture
def analyst_lulea(db: None) -> User:
    return user_with_role("analyst", "lulea", username="analyst-lulea")


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write text to a CSV file in the given encoding; returns its path."""

    def write(text: str, *, name: str = "prospects.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def synthetic_csv(tmp_path: Path) -> SyntheticCsv:
    """Write synthetic prospects in the import format; returns the file's path."""

    def make(
        rows: int = 600,
        *,
        seed: int = 1,
        dialect: str = "en",
        name: str = "synthetic.csv",
        no_consent_share: float = 0.03,
    ) -> Path:
        path = tmp_path / name
        frame = generate_prospects(rows, seed=seed, no_consent_share=no_consent_share)
        write_prospects_csv(frame, path, dialect=dialect)
        return path

    return make
