"""The propensity model on synthetic data with a known rule: accuracy, calibration, baseline, persistence, explanations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from insights.scoring.model import (
    NotEnoughData,
    PropensityModel,
    expected_calibration_error,
    load_model,
    save_model,
    top_factors,
    train_model,
)
from insights.scoring.synthetic import generate_prospects

REFERENCE = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def trained() -> PropensityModel:
    frame = generate_prospects(16_000, seed=21, reference_date=REFERENCE)
    return train_model(frame[frame["consent_analytics"]], reference_date=REFERENCE, seed=0)


@pytest.fixture(scope="module")
def held_out() -> pd.DataFrame:
    return generate_prospects(12_000, seed=99, reference_date=REFERENCE, outcome_share=1.0)


def test_model_beats_thresholds_on_an_independent_held_out_set(
    trained: PropensityModel, held_out: pd.DataFrame
) -> None:
    y = held_out["relocated"].astype(bool).to_numpy()
    probability = trained.score(held_out)
    assert roc_auc_score(y, probability) >= 0.80
    assert expected_calibration_error(y, probability) <= 0.03


def test_model_beats_the_visits_only_baseline(trained: PropensityModel, held_out: pd.DataFrame) -> None:
    y = held_out["relocated"].astype(bool).to_numpy()
    baseline = roc_auc_score(y, held_out["visits"].to_numpy())
    assert roc_auc_score(y, trained.score(held_out)) > baseline + 0.05


def test_evaluation_report_has_every_figure(trained: PropensityModel) -> None:
    metrics = trained.metrics
    assert metrics["roc_auc"] >= 0.80
    assert metrics["ece"] <= 0.03
    assert metrics["baseline_visits_only"]["roc_auc"] < metrics["roc_auc"]
    assert set(metrics["cross_validation_roc_auc"]) == {"logistic_regression", "hist_gradient_boosting"}
    assert metrics["model"] in metrics["cross_validation_roc_auc"]
    assert [row["decile"] for row in metrics["lift_by_decile"]] == list(range(1, 11))
    assert metrics["lift_by_decile"][0]["lift"] > 2
    assert len(metrics["calibration_curve"]) >= 5
    assert metrics["training_rows"] > 0
    assert metrics["test_rows"] > 0
    assert metrics["trained_at"]


def test_skops_round_trip_gives_identical_scores(
    trained: PropensityModel, held_out: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "model.skops"
    save_model(trained, path)
    assert not path.read_bytes().startswith(b"\x80")  # not a pickle
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.score(held_out[:500]), trained.score(held_out[:500]))


def test_contributions_name_the_guide_download_for_a_guide_reader(
    trained: PropensityModel, held_out: pd.DataFrame
) -> None:
    readers = held_out[held_out["guide_download"]].head(200)
    contributions = trained.contributions(readers)
    assert (contributions["guide_download"] > 0).all()
    factors = top_factors(contributions.mean().to_frame().T)
    assert len(factors[0]) == 3


def test_linear_contributions_add_up_to_the_models_log_odds(
    trained: PropensityModel, held_out: pd.DataFrame
) -> None:
    if trained.kind != "logistic_regression":
        pytest.skip("additivity holds for the linear model only")
    sample = held_out.head(300)
    contributions = trained.contributions(sample).sum(axis=1).to_numpy()
    estimator = trained.pipeline[-1].calibrated_classifiers_[0].estimator
    logits = estimator.decision_function(trained.pipeline[:-1].transform(trained.features(sample)))
    assert np.corrcoef(contributions, logits)[0, 1] > 0.999


def test_too_few_outcomes_refuse_to_train() -> None:
    frame = generate_prospects(100, seed=1)
    with pytest.raises(NotEnoughData):
        train_model(frame, reference_date=REFERENCE)


def test_a_gradient_boosting_model_round_trips_and_explains_itself(tmp_path: Path) -> None:
    from insights.scoring.features import CATEGORICAL, build_features
    from insights.scoring.model import candidate_pipeline

    frame = generate_prospects(3000, seed=4, outcome_share=1.0)
    features = build_features(frame, reference_date=REFERENCE)
    pipeline = candidate_pipeline("hist_gradient_boosting", seed=0, calibrated=True).fit(
        features, frame["relocated"].astype(bool)
    )
    reference: dict[str, Any] = {
        str(c): (str(features[c].mode().iloc[0]) if c in CATEGORICAL else float(features[c].median()))
        for c in features
    }
    model = PropensityModel(pipeline, "hist_gradient_boosting", REFERENCE, np.zeros(1), reference, {})
    save_model(model, tmp_path / "hgb.skops")
    loaded = load_model(tmp_path / "hgb.skops")
    np.testing.assert_allclose(loaded.score(frame[:200]), model.score(frame[:200]))
    contributions = loaded.contributions(frame[frame["webinar"]].head(50))
    assert contributions["webinar"].mean() > 0


# --- honest scores: bootstrap intervals against the visits-only baseline -------------------------------


def test_bootstrap_auc_of_one_resample_is_the_auc_of_that_resample() -> None:
    from insights.scoring.model import bootstrap_auc

    rng = np.random.default_rng(5)
    y = rng.random(800) < 0.3
    model = np.round(rng.random(800) + 0.4 * y, 2)  # rounded: ties count half, as in roc_auc_score
    baseline = rng.integers(0, 6, 800) + y
    result = bootstrap_auc(y, model, baseline, resamples=1, seed=3)
    picks = np.random.default_rng(3).integers(0, 800, size=(1, 800))[0]
    expected_model = roc_auc_score(y[picks], model[picks])
    expected_baseline = roc_auc_score(y[picks], baseline[picks])
    assert result["roc_auc_ci"] == pytest.approx([expected_model] * 2, abs=1e-4)
    assert result["baseline_roc_auc_ci"] == pytest.approx([expected_baseline] * 2, abs=1e-4)
    assert result["difference_ci"] == pytest.approx([expected_model - expected_baseline] * 2, abs=1e-4)


def test_bootstrap_auc_is_seeded_and_paired() -> None:
    from insights.scoring.model import bootstrap_auc

    rng = np.random.default_rng(6)
    y = rng.random(1000) < 0.25
    scores = rng.random(1000) + 0.5 * y
    first = bootstrap_auc(y, scores, scores, seed=1)
    assert first == bootstrap_auc(y, scores, scores, seed=1)
    # The same scores on the same resamples differ by exactly nothing: the pairing at work.
    assert first["difference"] == 0
    assert first["difference_ci"] == [0.0, 0.0]
    assert first["beats_baseline"] is False
    low, high = first["roc_auc_ci"]
    assert low < roc_auc_score(y, scores) < high


def test_a_model_that_cannot_beat_visits_says_so() -> None:
    """The outcome depends on visits alone: the model may equal the baseline, never beat it for sure."""
    frame = generate_prospects(3_000, seed=8, reference_date=REFERENCE, outcome_share=1.0)
    frame = frame[frame["consent_analytics"]].copy()
    rng = np.random.default_rng(8)
    chance = 1 / (1 + np.exp(-(0.6 * frame["visits"].to_numpy(float) - 2.5)))
    frame["relocated"] = rng.random(len(frame)) < chance
    metrics = train_model(frame, reference_date=REFERENCE, seed=0).metrics
    honest = metrics["roc_auc_vs_baseline"]
    assert honest["beats_baseline"] is False
    assert honest["difference_ci"][0] <= 0
    assert metrics["roc_auc_ci"][0] <= metrics["roc_auc"] <= metrics["roc_auc_ci"][1]
    baseline = metrics["baseline_visits_only"]
    assert baseline["roc_auc_ci"][0] <= baseline["roc_auc"] <= baseline["roc_auc_ci"][1]


def test_a_model_that_clearly_beats_visits_says_so(trained: PropensityModel) -> None:
    honest = trained.metrics["roc_auc_vs_baseline"]
    assert honest["beats_baseline"] is True
    assert honest["difference_ci"][0] > 0
    assert honest["difference"] == pytest.approx(
        trained.metrics["roc_auc"] - trained.metrics["baseline_visits_only"]["roc_auc"], abs=2e-4
    )
    assert honest["resamples"] >= 390
