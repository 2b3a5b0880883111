"""Honest scores on the pages: the model against counting visits with intervals, and scores as a chance in percent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from insights.presentation import baseline_comparison, probability_percent
from insights.scoring.synthetic import generate_prospects, write_prospects_csv
from insights.services import ScoreReport, prospects_score
from themes.models import Municipality

from .conftest import import_file

pytestmark = pytest.mark.django_db

NOT_BETTER_SV = "Modellen är inte säkert bättre än att bara räkna besök"
NOT_BETTER_EN = "The model is not reliably better than simply counting visits"


def _import_and_score(municipality: Municipality, tmp_path: Path, frame: pd.DataFrame) -> ScoreReport:
    """Import the prospects as they are and train a model on them whatever is stored."""
    path = tmp_path / "prospects.csv"
    write_prospects_csv(frame, path)
    report = import_file(municipality, path)
    assert report.status == "imported", report.errors[:3]
    return prospects_score(actor=None, skip_permission_checks=True, municipality=municipality, retrain=True)


@pytest.fixture
def visits_only(kiruna: Municipality, tmp_path: Path) -> ScoreReport:
    """Whether a prospect moved depends on the number of visits alone: nothing for the model to add."""
    frame = generate_prospects(2_400, seed=8, outcome_share=1.0, no_consent_share=0.0)
    rng = np.random.default_rng(8)
    chance = 1 / (1 + np.exp(-(0.6 * frame["visits"].to_numpy(float) - 2.5)))
    frame["relocated"] = rng.random(len(frame)) < chance
    return _import_and_score(kiruna, tmp_path, frame)


@pytest.fixture
def clearly_better(kiruna: Municipality, tmp_path: Path) -> ScoreReport:
    frame = generate_prospects(2_400, seed=9, outcome_share=1.0, no_consent_share=0.0)
    return _import_and_score(kiruna, tmp_path, frame)


def test_report_and_prospect_list_say_when_the_model_is_not_better_than_visits(
    client: Client, visits_only: ScoreReport, analyst_kiruna: User
) -> None:
    honest = visits_only.model["roc_auc_vs_baseline"]
    assert honest["beats_baseline"] is False
    client.force_login(analyst_kiruna)
    for page in ("insights:model", "insights:home"):
        with translation.override("sv"):
            url = reverse(page)
        swedish = client.get(url).content.decode()
        assert NOT_BETTER_SV in swedish, page
        assert "95\u00a0% KI" in swedish
    report = client.get(reverse("insights:model")).content.decode()
    # The interval is in Swedish number format: a decimal comma.
    low = honest["difference_ci"][0]
    assert f"{abs(low):.3f}".replace(".", ",") in report
    for page in ("insights:model", "insights:home"):
        with translation.override("en"):
            url = reverse(page)
        assert NOT_BETTER_EN in client.get(url).content.decode(), page


def test_no_such_message_when_the_model_clearly_beats_visits(
    client: Client, clearly_better: ScoreReport, analyst_kiruna: User
) -> None:
    assert clearly_better.model["roc_auc_vs_baseline"]["beats_baseline"] is True
    client.force_login(analyst_kiruna)
    for page in ("insights:model", "insights:home"):
        content = client.get(reverse(page)).content.decode()
        assert NOT_BETTER_SV not in content, page
        assert "data-baseline-comparison" not in content or page == "insights:model"
    report = client.get(reverse("insights:model")).content.decode()
    assert "Modellen rangordnar" in report


def test_scores_are_shown_as_a_chance_in_percent_with_their_meaning(
    client: Client, clearly_better: ScoreReport, analyst_kiruna: User
) -> None:
    client.force_login(analyst_kiruna)
    content = client.get(reverse("insights:home")).content.decode()
    assert "uppskattad chans att flytta hit inom träningsdatans tidshorisont" in content
    top = client.get(reverse("insights:home")).context["prospects"][0]["prospect"].score
    assert probability_percent(top) in content
    assert "\u00a0%" in probability_percent(top)


def test_probability_percent_in_swedish_and_english() -> None:
    with translation.override("sv"):
        assert probability_percent(0.734) == "73\u00a0%"
        assert probability_percent(0.002) == "<\u00a01\u00a0%"
        assert probability_percent(0.0) == "0\u00a0%"
        assert probability_percent(None) == "–"
    with translation.override("en"):
        assert probability_percent(1.0) == "100\u00a0%"


def test_comparison_words_and_numbers() -> None:
    metrics = {
        "roc_auc_vs_baseline": {"difference": 0.002, "difference_ci": [-0.031, 0.04], "beats_baseline": False}
    }
    with translation.override("sv"):
        comparison = baseline_comparison(metrics)
    assert comparison is not None
    assert comparison["beats"] is False
    assert comparison["text"] == (
        "Modellen är inte säkert bättre än att bara räkna besök (skillnad 0,002, 95\u00a0% KI \u22120,031–0,040)."
    )
    assert baseline_comparison({}) is None


def test_the_score_command_prints_the_intervals_and_the_plain_words(
    visits_only: ScoreReport, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    call_command("score_prospects", "--municipality", "kiruna")
    out = capsys.readouterr().out
    honest = visits_only.model["roc_auc_vs_baseline"]
    assert f"{honest['difference_ci'][0]:+.3f} to {honest['difference_ci'][1]:+.3f}" in out
    assert "The model is not reliably better than counting visits." in out
